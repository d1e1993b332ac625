// The files destination: one Parquet file per hour of arrival (the collector's receivedAt, in
// UTC), in a directory per day, as Hive partitions (DIR/day=2026-12-03/events-2026-12-03T11.parquet),
// which DuckDB, Spark and Athena read as a table. Events are staged in a DuckDB file first, so
// the offsets are committed only once an event is on disk; an hour's file is written by DuckDB's
// COPY once the hour (plus a grace period) is over, to a temporary name and renamed into place,
// so a reader never sees half a file. Each write takes the union of the file already there and
// the staged events, one row per (writeKey, messageId): a redelivery or a replay of the same
// events leaves the file as it was. One process per directory: DuckDB locks the staging file.
import { chmodSync, closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import type { Logger } from 'pino'
import type { PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import { storableCopy } from '../store/storable-copy.ts'
import type { Destination, FilesConfig } from './destination.ts'

const STAGED = 'staged_events'
const INCOMING = 'incoming_events'
const FLUSH_CHECK_MS = 30_000
const FLUSH_FAILED = 'writing an hour\'s Parquet file failed; the events stay staged and it is tried again'

/** `2026-12-03T11` for an ISO time: the hour an event's file is named by. */
export function hourOf (iso: string): string {
  const ms = Date.parse(iso)
  return (Number.isFinite(ms) ? new Date(ms) : new Date(0)).toISOString().slice(0, 13)
}

/** Where an hour's file goes. */
export function hourFile (dir: string, hour: string): string {
  return join(dir, `day=${hour.slice(0, 10)}`, `events-${hour}.parquet`)
}

const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`

// The event as typed columns; JSON stays JSON, so a reader can reach into properties.
const COLUMNS = `json_extract_string(doc, '$.messageId') AS message_id, json_extract_string(doc, '$.writeKey') AS write_key,
  json_extract_string(doc, '$.type') AS type, json_extract_string(doc, '$.event') AS event,
  json_extract_string(doc, '$.userId') AS user_id, json_extract_string(doc, '$.anonymousId') AS anonymous_id,
  TRY_CAST(json_extract_string(doc, '$.timestamp') AS TIMESTAMPTZ) AS timestamp,
  TRY_CAST(json_extract_string(doc, '$.receivedAt') AS TIMESTAMPTZ) AS received_at,
  json_extract(doc, '$.properties') AS properties, json_extract(doc, '$.traits') AS traits,
  json_extract(doc, '$.context') AS context, json_extract_string(doc, '$.source') AS source`

export interface FilesDestinationOptions {
  /** Where the files go unless the config names a dir. */
  defaultDir: string
  logger?: Logger | undefined
  now?: () => number
}

export async function filesDestination (config: FilesConfig, options: FilesDestinationOptions): Promise<Destination & { readonly dir: string, flush (): Promise<string[]> }> {
  const dir = config.dir ?? options.defaultDir
  const graceMs = config.graceMs ?? 60_000
  const now = options.now ?? Date.now
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const stagingPath = join(dir, '.staging.duckdb')
  let instance: DuckDBInstance
  let connection: DuckDBConnection
  try {
    instance = await DuckDBInstance.create(stagingPath)
    chmodSync(stagingPath, 0o600)
    connection = await instance.connect()
    await connection.run(`CREATE TABLE IF NOT EXISTS ${STAGED} (write_key VARCHAR NOT NULL, message_id VARCHAR NOT NULL, hour VARCHAR NOT NULL, doc VARCHAR NOT NULL, PRIMARY KEY (write_key, message_id))`)
    await connection.run(`CREATE TEMP TABLE ${INCOMING} (write_key VARCHAR, message_id VARCHAR, hour VARCHAR, doc VARCHAR)`)
  } catch (error) {
    throw new PipelineError(PipelineErrorCodes.DESTINATION_FAILED, `files destination ${config.name}: cannot open its staging file ${stagingPath} (${(error as Error).message}); only one process may write ${dir}`, { cause: error })
  }
  // One statement at a time on the one connection: deliveries from several partitions and the timer.
  let queue: Promise<unknown> = Promise.resolve()
  const serial = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work)
    queue = next.catch(() => undefined)
    return next
  }

  const writeHour = async (hour: string): Promise<void> => {
    const file = hourFile(dir, hour)
    mkdirSync(join(dir, `day=${hour.slice(0, 10)}`), { recursive: true, mode: 0o700 })
    const temporary = `${file}.${process.pid}.tmp`
    const staged = `SELECT ${COLUMNS}, 1 AS rank_source FROM ${STAGED} WHERE hour = ${sqlText(hour)}`
    // A file that cannot be read (not ours, cut short) would stop its hour for ever: it is kept aside, and the hour written anew.
    if (existsSync(file) && !await connection.run(`SELECT count(*) FROM read_parquet(${sqlText(file)})`).then(() => true, () => false)) {
      const aside = `${file}.unreadable-${now()}`
      renameSync(file, aside)
      options.logger?.error({ destination: config.name, file, keptAs: aside }, 'an hour\'s Parquet file could not be read; it was kept aside and the hour is written anew from what is staged')
    }
    const union = existsSync(file) ? `SELECT *, 0 AS rank_source FROM read_parquet(${sqlText(file)}) UNION ALL BY NAME ${staged}` : staged
    // The row already in the file wins: a file's rows never change once written.
    await connection.run(`COPY (SELECT * EXCLUDE (rank_source) FROM (${union}) QUALIFY row_number() OVER (PARTITION BY write_key, message_id ORDER BY rank_source) = 1 ORDER BY received_at, write_key, message_id) TO ${sqlText(temporary)} (FORMAT parquet, COMPRESSION zstd)`)
    const fd = openSync(temporary, 'r')
    try { fsyncSync(fd) } finally { closeSync(fd) }
    chmodSync(temporary, 0o600)
    renameSync(temporary, file)
    await connection.run(`DELETE FROM ${STAGED} WHERE hour = ${sqlText(hour)}`)
  }

  /** Writes every finished hour's file; returns the files written. */
  const flush = (): Promise<string[]> => serial(async () => {
    const doneBefore = hourOf(new Date(now() - graceMs - 3_600_000).toISOString())
    const hours = (await connection.runAndReadAll(`SELECT DISTINCT hour FROM ${STAGED} WHERE hour <= ${sqlText(doneBefore)} ORDER BY hour`)).getRowObjectsJS().map(r => String(r.hour))
    const written: string[] = []
    for (const hour of hours) {
      try {
        await writeHour(hour)
        written.push(hourFile(dir, hour))
      } catch (error) {
        rmSync(`${hourFile(dir, hour)}.${process.pid}.tmp`, { force: true })
        throw new PipelineError(PipelineErrorCodes.DESTINATION_FAILED, `files destination ${config.name}: writing ${hourFile(dir, hour)} failed: ${(error as Error).message}`, { cause: error })
      }
    }
    return written
  })

  const timer = setInterval(() => {
    flush().catch(error => options.logger?.error({ err: error, destination: config.name }, FLUSH_FAILED))
  }, FLUSH_CHECK_MS)
  timer.unref()

  return {
    name: config.name,
    dir,
    flush,
    async deliver (events) {
      if (events.length === 0) return
      // As the store does for failure records: text DuckDB's JSON cannot hold (a lone surrogate)
      // becomes U+FFFD, so no event a producer put on the topic can stop its hour's file.
      const unique = [...new Map(events.map(e => storableCopy(e) as PipelineEvent).map(e => [`${e.writeKey}\0${e.messageId}`, e])).values()]
      await serial(async () => {
        await connection.run('BEGIN TRANSACTION')
        try {
          const appender = await connection.createAppender(INCOMING)
          for (const e of unique) {
            appender.appendVarchar(e.writeKey)
            appender.appendVarchar(e.messageId)
            appender.appendVarchar(hourOf(e.receivedAt))
            appender.appendVarchar(JSON.stringify(e))
            appender.endRow()
          }
          appender.closeSync()
          await connection.run(`INSERT OR IGNORE INTO ${STAGED} SELECT * FROM ${INCOMING}`)
          await connection.run(`DELETE FROM ${INCOMING}`)
          await connection.run('COMMIT')
        } catch (error) {
          await connection.run('ROLLBACK').catch(() => undefined)
          await connection.run(`DELETE FROM ${INCOMING}`).catch(() => undefined)
          throw new PipelineError(PipelineErrorCodes.DESTINATION_FAILED, `files destination ${config.name}: staging ${events.length} events failed: ${(error as Error).message}`, { cause: error })
        }
      })
      // Past hours right away (a backlog or a replay); the timer catches the hour that just ended.
      // The events are safe in the staging file already: a failed write is the timer's to retry.
      await flush().catch(error => options.logger?.error({ err: error, destination: config.name }, FLUSH_FAILED))
    },
    async close () {
      clearInterval(timer)
      await serial(async () => {
        connection.closeSync()
        instance.closeSync()
      })
    },
  }
}
