// The store for larger setups: PostgreSQL through `pg`, chosen when TACKLE_DATABASE_URL is set.
// The same SQL as DuckDB; JSONB for the properties, a pool for concurrent dashboard reads.
import pg from 'pg'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import type { EventStore, ExperimentSummary, StoredEvent, StoredFailure, VariantCounts } from './event-store.ts'
import {
  experimentCountsSql, experimentsSql, insertEventsSql, insertFailuresSql, recentEventsSql, recentFailuresSql, ROWS_PER_INSERT,
  rowToEvent, rowToFailure, rowToSummary, schemaStatements, uniqueEvents, type Dialect,
} from './sql.ts'

const POSTGRES: Dialect = { json: 'JSONB', text: 'TEXT', epochMs: column => `(extract(epoch from ${column}) * 1000)::float8` }

export class PostgresStore implements EventStore {
  readonly engine = 'postgres' as const
  readonly #pool: pg.Pool

  private constructor (pool: pg.Pool) {
    this.#pool = pool
  }

  static async open (connectionString: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString, max: 4 })
    // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined)
    try {
      const store = new PostgresStore(pool)
      for (const statement of schemaStatements(POSTGRES)) await pool.query(statement)
      return store
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw new PipelineError(PipelineErrorCodes.STORE_FAILED, `cannot open PostgreSQL at ${redacted(connectionString)}: ${(error as Error).message}`, { cause: error })
    }
  }

  async #rows (sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
    return (await this.#pool.query(sql, params)).rows as Array<Record<string, unknown>>
  }

  async insertEvents (events: readonly PipelineEvent[], storedAt: Date): Promise<PipelineEvent[]> {
    const unique = uniqueEvents(events)
    if (unique.length === 0) return []
    const byKey = new Map(unique.map(e => [`${e.writeKey}\0${e.messageId}`, e]))
    const client = await this.#pool.connect()
    try {
      await client.query('BEGIN')
      const inserted: PipelineEvent[] = []
      for (let i = 0; i < unique.length; i += ROWS_PER_INSERT) {
        const { sql, params } = insertEventsSql(POSTGRES, unique.slice(i, i + ROWS_PER_INSERT), storedAt)
        for (const row of (await client.query(sql, params)).rows as Array<Record<string, unknown>>) {
          inserted.push(byKey.get(`${String(row.write_key)}\0${String(row.message_id)}`) as PipelineEvent)
        }
      }
      await client.query('COMMIT')
      return inserted
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw new PipelineError(PipelineErrorCodes.STORE_FAILED, `PostgreSQL refused ${unique.length} events: ${(error as Error).message}`, { cause: error })
    } finally {
      client.release()
    }
  }

  async insertFailures (failures: readonly FailedEvent[]): Promise<void> {
    if (failures.length === 0) return
    const { sql, params } = insertFailuresSql(POSTGRES, failures)
    await this.#pool.query(sql, params)
  }

  async recentEvents (query: { event?: string | undefined, limit: number }): Promise<StoredEvent[]> {
    const { sql, params } = recentEventsSql(POSTGRES, query)
    return (await this.#rows(sql, params)).map(rowToEvent)
  }

  async recentFailures (limit: number): Promise<StoredFailure[]> {
    const { sql, params } = recentFailuresSql(POSTGRES, limit)
    return (await this.#rows(sql, params)).map(rowToFailure)
  }

  async countEvents (): Promise<number> {
    const [row] = await this.#rows('SELECT count(*) AS n FROM events', [])
    return Number(row?.n ?? 0)
  }

  async experiments (): Promise<ExperimentSummary[]> {
    const { sql, params } = experimentsSql(POSTGRES)
    return (await this.#rows(sql, params)).map(rowToSummary)
  }

  async experimentCounts (experimentId: string, conversionEvent: string): Promise<VariantCounts[]> {
    const { sql, params } = experimentCountsSql(experimentId, conversionEvent)
    return (await this.#rows(sql, params)).map(r => ({ variant: String(r.variant), users: Number(r.users), conversions: Number(r.conversions) }))
  }

  async close (): Promise<void> {
    await this.#pool.end()
  }
}

function redacted (url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}
