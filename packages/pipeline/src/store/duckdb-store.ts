// The embedded store: one DuckDB file, through DuckDB's own Node client (@duckdb/node-api).
// DuckDB runs one statement per connection at a time, so statements are queued here; writes
// come in batches from the processors, which keeps the queue short.
import { chmodSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import type { Row } from './event-store.ts'
import { SqlEventStore } from './sql-store.ts'
import { writeError } from './store-refusal.ts'
import { identityStatements, type Statement } from './identity-sql.ts'
import { eventRow, literal, insertFailuresSql, moveStagedSql, schemaStatements, STAGING_TABLE, stagingStatements, uniqueEvents, type Dialect } from './sql.ts'

const DUCKDB: Dialect = {
  json: 'JSON',
  text: 'VARCHAR',
  epochMs: column => `epoch_ms(${column})`,
  // A JSON Pointer (RFC 6901), whose escaping is defined: a JSONPath would read `$browser` as a path.
  jsonText: (column, key) => `json_extract_string(${column}, ${literal(`/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`)})`,
  toNumber: text => `TRY_CAST(${text} AS DOUBLE)`,
  binary: text => text,
  asofJoin: true,
  argMin: (value, order, tieBreak) => `arg_min(${value}, (${order}, ${tieBreak}))`,
  partitionKey: text => `hash(${text})`,
}

type Param = string | number | null

export class DuckDbStore extends SqlEventStore {
  readonly engine = 'duckdb' as const
  readonly dialect = DUCKDB
  readonly #instance: DuckDBInstance
  readonly #connection: DuckDBConnection
  #queue: Promise<unknown> = Promise.resolve()

  private constructor (instance: DuckDBInstance, connection: DuckDBConnection) {
    super()
    this.#instance = instance
    this.#connection = connection
  }

  /** Opens (or creates) the database file and its tables; ':memory:' for a throwaway one. */
  static async open (path: string): Promise<DuckDbStore> {
    // The events are the users' data: the directory 0700 and the file 0600 (DuckDB creates its
    // files with the process's umask; its write-ahead log sits in the same directory).
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
    try {
      const instance = await DuckDBInstance.create(path)
      if (path !== ':memory:') chmodSync(path, 0o600)
      const store = new DuckDbStore(instance, await instance.connect())
      for (const statement of [...schemaStatements(DUCKDB), ...stagingStatements(DUCKDB)]) await store.#run(statement, [])
      return store
    } catch (error) {
      throw new PipelineError(PipelineErrorCodes.STORE_FAILED, `cannot open the DuckDB file ${path}: ${(error as Error).message}`, { cause: error })
    }
  }

  #serial<T> (work: () => Promise<T>): Promise<T> {
    const next = this.#queue.then(work, work)
    this.#queue = next.catch(() => undefined)
    return next
  }

  async #run (sql: string, params: Param[]): Promise<void> {
    await this.#serial(() => this.#connection.run(sql, params))
  }

  async query (sql: string, params: readonly Param[]): Promise<Row[]> {
    return this.#serial(async () => (await this.#connection.runAndReadAll(sql, [...params])).getRowObjectsJS() as Row[])
  }

  async transaction (statements: readonly Statement[]): Promise<void> {
    await this.#serial(async () => {
      await this.#connection.run('BEGIN TRANSACTION')
      try {
        for (const { sql, params } of statements) await this.#connection.run(sql, params)
        await this.#connection.run('COMMIT')
      } catch (error) {
        await this.#connection.run('ROLLBACK').catch(() => undefined)
        throw error
      }
    })
  }

  async insertEvents (events: readonly PipelineEvent[], storedAt: Date): Promise<PipelineEvent[]> {
    const unique = uniqueEvents(events)
    if (unique.length === 0) return []
    const byKey = new Map(unique.map(e => [`${e.writeKey}\0${e.messageId}`, e]))
    const storedIso = storedAt.toISOString()
    return this.#serial(async () => {
      const inserted: PipelineEvent[] = []
      await this.#connection.run('BEGIN TRANSACTION')
      try {
        const appender = await this.#connection.createAppender(STAGING_TABLE)
        for (const event of unique) {
          for (const value of eventRow(event, storedIso)) {
            if (value === null) appender.appendNull()
            else appender.appendVarchar(value)
          }
          appender.endRow()
        }
        appender.closeSync()
        const rows = (await this.#connection.runAndReadAll(moveStagedSql(DUCKDB))).getRowObjectsJS()
        for (const row of rows) inserted.push(byKey.get(`${String(row.write_key)}\0${String(row.message_id)}`) as PipelineEvent)
        await this.#connection.run(`DELETE FROM ${STAGING_TABLE}`)
        for (const { sql, params } of identityStatements(DUCKDB, unique)) await this.#connection.run(sql, params)
        await this.#connection.run('COMMIT')
      } catch (error) {
        await this.#connection.run('ROLLBACK').catch(() => undefined)
        await this.#connection.run(`DELETE FROM ${STAGING_TABLE}`).catch(() => undefined)
        throw writeError('duckdb', `${unique.length} events`, error)
      }
      return inserted
    })
  }

  async insertFailures (failures: readonly FailedEvent[]): Promise<void> {
    if (failures.length === 0) return
    const { sql, params } = insertFailuresSql(DUCKDB, failures)
    await this.#run(sql, params).catch(error => { throw writeError('duckdb', `${failures.length} failed-event records`, error) })
  }

  async close (): Promise<void> {
    await this.#queue
    this.#connection.closeSync()
    this.#instance.closeSync()
  }
}
