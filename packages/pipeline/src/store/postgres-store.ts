// The store for larger setups: PostgreSQL through `pg`, chosen when TACKLE_DATABASE_URL is set.
// The same SQL as DuckDB; JSONB for the properties, a pool for concurrent dashboard reads.
import pg from 'pg'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import type { Row } from './event-store.ts'
import { SqlEventStore } from './sql-store.ts'
import { refusedForContent, writeError } from './store-refusal.ts'
import { identityStatements, type Statement } from './identity-sql.ts'
import { insertEventsSql, literal, insertFailuresSql, ROWS_PER_INSERT, schemaStatements, uniqueEvents, type Dialect } from './sql.ts'

const POSTGRES: Dialect = {
  json: 'JSONB',
  text: 'TEXT',
  epochMs: column => `(extract(epoch from ${column}) * 1000)::float8`,
  jsonText: (column, key) => `(${column}->>${literal(key)})`,
  // PostgreSQL has no TRY_CAST: only text that reads as a number is cast.
  toNumber: text => `(CASE WHEN ${text} ~ '^\\s*[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?\\s*$' THEN (${text})::float8 END)`,
  binary: text => `(${text}) COLLATE "C"`,
  asofJoin: false,
  argMin: (value, order, tieBreak) => `(array_agg(${value} ORDER BY ${order}, ${tieBreak}))[1]`,
  partitionKey: text => text,
}

// The insights filter by time and resolve persons by distinct id; DuckDB's zone maps need no index.
// The statistics on the exposure keys let the planner see how many rows an experiment's exposures
// are: estimated as a handful, it joins them to the metric events by a nested loop that runs for
// minutes at a million persons, instead of a hash join of seconds.
const INDEXES = [
  `CREATE STATISTICS IF NOT EXISTS events_exposure_keys ON (properties->>'$feature_flag'), (properties->>'experiment_id'), (properties->>'$feature_flag_response'), (properties->>'variation_id') FROM events`,
  'CREATE INDEX IF NOT EXISTS events_timestamp ON events (timestamp)',
  'CREATE INDEX IF NOT EXISTS events_distinct_id ON events ((coalesce(user_id, anonymous_id)))',
  'CREATE INDEX IF NOT EXISTS person_ids_person ON person_ids (person_id)',
  'CREATE INDEX IF NOT EXISTS identity_links_pending ON identity_links (resolved) WHERE NOT resolved',
  'CREATE INDEX IF NOT EXISTS identity_links_into ON identity_links (into_id)',
  'CREATE INDEX IF NOT EXISTS identity_links_other ON identity_links (other_id)',
  'CREATE INDEX IF NOT EXISTS person_property_sets_id ON person_property_sets (distinct_id)',
]

export class PostgresStore extends SqlEventStore {
  readonly engine = 'postgres' as const
  readonly dialect = POSTGRES
  readonly #pool: pg.Pool

  private constructor (pool: pg.Pool) {
    super()
    this.#pool = pool
  }

  static async open (connectionString: string): Promise<PostgresStore> {
    const pool = new pg.Pool({ connectionString, max: 4 })
    // An idle client's error (the server restarting) must not crash the process; the next query reconnects.
    pool.on('error', () => undefined)
    try {
      const store = new PostgresStore(pool)
      for (const statement of [...schemaStatements(POSTGRES), ...INDEXES]) await pool.query(statement)
      return store
    } catch (error) {
      await pool.end().catch(() => undefined)
      throw new PipelineError(PipelineErrorCodes.STORE_FAILED, `cannot open PostgreSQL at ${redacted(connectionString)}: ${(error as Error).message}`, { cause: error })
    }
  }

  async query (sql: string, params: ReadonlyArray<string | number | null>): Promise<Row[]> {
    return (await this.#pool.query(sql, [...params])).rows as Row[]
  }

  async transaction (statements: readonly Statement[]): Promise<void> {
    await this.#inTransaction(async client => {
      for (const { sql, params } of statements) await client.query(sql, params)
    }).catch(error => { throw writeError('postgres', `${statements.length} statements`, error) })
  }

  async insertEvents (events: readonly PipelineEvent[], storedAt: Date): Promise<PipelineEvent[]> {
    const unique = uniqueEvents(events)
    if (unique.length === 0) return []
    const byKey = new Map(unique.map(e => [`${e.writeKey}\0${e.messageId}`, e]))
    try {
      return await this.#inTransaction(async client => {
        const inserted: PipelineEvent[] = []
        for (let i = 0; i < unique.length; i += ROWS_PER_INSERT) {
          const { sql, params } = insertEventsSql(POSTGRES, unique.slice(i, i + ROWS_PER_INSERT), storedAt)
          for (const row of (await client.query(sql, params)).rows as Array<Record<string, unknown>>) {
            inserted.push(byKey.get(`${String(row.write_key)}\0${String(row.message_id)}`) as PipelineEvent)
          }
        }
        for (const { sql, params } of identityStatements(POSTGRES, unique)) await client.query(sql, params)
        return inserted
      })
    } catch (error) {
      throw writeError('postgres', `${unique.length} events`, error)
    }
  }

  async #inTransaction<T> (work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    // A checked-out client's connection can break between queries (the server shutting down); its
    // 'error' event, unheard, would end the process. It is heard here, and the client destroyed.
    let client: pg.PoolClient | undefined
    let broken: unknown
    const onError = (error: unknown) => { broken = error }
    try {
      client = await this.#pool.connect()
      client.on('error', onError)
      await client.query('BEGIN')
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      broken ??= refusedForContent('postgres', error) ? undefined : error
      await client?.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client?.off('error', onError)
      // Released with an error, a client is closed rather than handed out again.
      client?.release(broken === undefined ? undefined : (broken instanceof Error ? broken : true))
    }
  }

  async insertFailures (failures: readonly FailedEvent[]): Promise<void> {
    if (failures.length === 0) return
    const { sql, params } = insertFailuresSql(POSTGRES, failures)
    await this.#pool.query(sql, params).catch(error => { throw writeError('postgres', `${failures.length} failed-event records`, error) })
  }

  async close (): Promise<void> {
    await this.#pool.end()
  }
}

function redacted (url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')
}
