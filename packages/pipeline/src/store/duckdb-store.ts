// The embedded store: one DuckDB file, through DuckDB's own Node client (@duckdb/node-api).
// DuckDB runs one statement per connection at a time, so statements are queued here; writes
// come in batches from the processors, which keeps the queue short.
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import type { EventStore, ExperimentSummary, StoredEvent, StoredFailure, VariantCounts } from './event-store.ts'
import {
  experimentCountsSql, experimentsSql, insertEventsSql, insertFailuresSql, recentEventsSql, recentFailuresSql, ROWS_PER_INSERT,
  rowToEvent, rowToFailure, rowToSummary, schemaStatements, uniqueEvents, type Dialect,
} from './sql.ts'

const DUCKDB: Dialect = { json: 'JSON', text: 'VARCHAR', epochMs: column => `epoch_ms(${column})` }

type Param = string | number | null

export class DuckDbStore implements EventStore {
  readonly engine = 'duckdb' as const
  readonly #instance: DuckDBInstance
  readonly #connection: DuckDBConnection
  #queue: Promise<unknown> = Promise.resolve()

  private constructor (instance: DuckDBInstance, connection: DuckDBConnection) {
    this.#instance = instance
    this.#connection = connection
  }

  /** Opens (or creates) the database file and its tables; ':memory:' for a throwaway one. */
  static async open (path: string): Promise<DuckDbStore> {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    try {
      const instance = await DuckDBInstance.create(path)
      const store = new DuckDbStore(instance, await instance.connect())
      for (const statement of schemaStatements(DUCKDB)) await store.#run(statement, [])
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

  async #rows (sql: string, params: Param[]): Promise<Array<Record<string, unknown>>> {
    return this.#serial(async () => (await this.#connection.runAndReadAll(sql, params)).getRowObjectsJS() as Array<Record<string, unknown>>)
  }

  async insertEvents (events: readonly PipelineEvent[], storedAt: Date): Promise<PipelineEvent[]> {
    const unique = uniqueEvents(events)
    if (unique.length === 0) return []
    const byKey = new Map(unique.map(e => [`${e.writeKey}\0${e.messageId}`, e]))
    return this.#serial(async () => {
      const inserted: PipelineEvent[] = []
      await this.#connection.run('BEGIN TRANSACTION')
      try {
        for (let i = 0; i < unique.length; i += ROWS_PER_INSERT) {
          const { sql, params } = insertEventsSql(DUCKDB, unique.slice(i, i + ROWS_PER_INSERT), storedAt)
          const rows = (await this.#connection.runAndReadAll(sql, params)).getRowObjectsJS()
          for (const row of rows) inserted.push(byKey.get(`${String(row.write_key)}\0${String(row.message_id)}`) as PipelineEvent)
        }
        await this.#connection.run('COMMIT')
      } catch (error) {
        await this.#connection.run('ROLLBACK').catch(() => undefined)
        throw new PipelineError(PipelineErrorCodes.STORE_FAILED, `DuckDB refused ${unique.length} events: ${(error as Error).message}`, { cause: error })
      }
      return inserted
    })
  }

  async insertFailures (failures: readonly FailedEvent[]): Promise<void> {
    if (failures.length === 0) return
    const { sql, params } = insertFailuresSql(DUCKDB, failures)
    await this.#run(sql, params)
  }

  async recentEvents (query: { event?: string | undefined, limit: number }): Promise<StoredEvent[]> {
    const { sql, params } = recentEventsSql(DUCKDB, query)
    return (await this.#rows(sql, params)).map(rowToEvent)
  }

  async recentFailures (limit: number): Promise<StoredFailure[]> {
    const { sql, params } = recentFailuresSql(DUCKDB, limit)
    return (await this.#rows(sql, params)).map(rowToFailure)
  }

  async countEvents (): Promise<number> {
    const [row] = await this.#rows('SELECT count(*) AS n FROM events', [])
    return Number(row?.n ?? 0)
  }

  async experiments (): Promise<ExperimentSummary[]> {
    const { sql, params } = experimentsSql(DUCKDB)
    return (await this.#rows(sql, params)).map(rowToSummary)
  }

  async experimentCounts (experimentId: string, conversionEvent: string): Promise<VariantCounts[]> {
    const { sql, params } = experimentCountsSql(experimentId, conversionEvent)
    return (await this.#rows(sql, params)).map(r => ({ variant: String(r.variant), users: Number(r.users), conversions: Number(r.conversions) }))
  }

  async close (): Promise<void> {
    await this.#queue
    this.#connection.closeSync()
    this.#instance.closeSync()
  }
}
