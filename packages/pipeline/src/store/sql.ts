// SQL both engines understand: DuckDB speaks PostgreSQL's dialect for all of this ($n
// parameters, ON CONFLICT, DISTINCT ON, ->> on JSON), so only the column types and the
// conversion of a timestamp to epoch milliseconds differ.
import { createHash } from 'node:crypto'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import type { StoredEvent, StoredFailure } from './event-store.ts'
import { identitySchemaStatements } from './identity-sql.ts'
import { storableCopy, storableText, storableTimestamp } from './storable-copy.ts'

export interface Dialect {
  json: 'JSON' | 'JSONB'
  text: 'VARCHAR' | 'TEXT'
  epochMs (column: string): string
  /** A top-level key of a JSON column as text; the key is a literal, PostHog's `$`-keys included. */
  jsonText (column: string, key: string): string
  /** A text expression as a double, or NULL when it is not a number (never an error). */
  toNumber (text: string): string
  /** Text compared byte by byte, so ties sort alike on both engines whatever the database's collation. */
  binary (text: string): string
  /**
   * What a window partitions a text key by: equal for equal keys, and cheaper to sort than the text
   * where the engine has a 64-bit hash (a million persons collide with odds of about 1 in 40 million).
   */
  partitionKey (text: string): string
  /** Whether the engine has ASOF JOIN (DuckDB): "the first row at or after" by a merge, not a window. */
  asofJoin: boolean
  /** An aggregate: `value` of the row with the least `order` in the group (ties broken by `tieBreak`). */
  argMin (value: string, order: string, tieBreak: string): string
}

/** A string as a SQL literal. */
export function literal (value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** The distinct id an event counts under, and the person that id resolves to (events `e`, person_ids `m`). */
export const DISTINCT_ID = 'coalesce(e.user_id, e.anonymous_id)'
export const PERSON_ID = `coalesce(m.person_id, ${DISTINCT_ID})`
export const PERSON_JOIN = `LEFT JOIN person_ids m ON m.distinct_id = ${DISTINCT_ID}`


export function schemaStatements (d: Dialect): string[] {
  return [...eventSchemaStatements(d), ...identitySchemaStatements(d)]
}

function eventSchemaStatements (d: Dialect): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS events (
      write_key ${d.text} NOT NULL, message_id ${d.text} NOT NULL, type ${d.text} NOT NULL, event ${d.text},
      user_id ${d.text}, anonymous_id ${d.text}, timestamp TIMESTAMPTZ NOT NULL, original_timestamp TIMESTAMPTZ,
      sent_at TIMESTAMPTZ, received_at TIMESTAMPTZ NOT NULL, stored_at TIMESTAMPTZ NOT NULL, source ${d.text} NOT NULL,
      ip ${d.text}, properties ${d.json} NOT NULL, traits ${d.json} NOT NULL, context ${d.json} NOT NULL,
      PRIMARY KEY (write_key, message_id))`,
    `CREATE TABLE IF NOT EXISTS failed_events (
      id ${d.text} PRIMARY KEY, step ${d.text} NOT NULL, reason ${d.text} NOT NULL, write_key ${d.text}, message_id ${d.text},
      payload ${d.json}, received_at TIMESTAMPTZ NOT NULL, failed_at TIMESTAMPTZ NOT NULL)`,
  ]
}

const EVENT_COLUMNS = ['write_key', 'message_id', 'type', 'event', 'user_id', 'anonymous_id', 'timestamp', 'original_timestamp', 'sent_at', 'received_at', 'stored_at', 'source', 'ip', 'properties', 'traits', 'context'] as const
const CASTS: Partial<Record<string, 'ts' | 'json'>> = { timestamp: 'ts', original_timestamp: 'ts', sent_at: 'ts', received_at: 'ts', stored_at: 'ts', properties: 'json', traits: 'json', context: 'json', payload: 'json', failed_at: 'ts' }

/** `($1, $2::TIMESTAMPTZ, ...), (...)` for rows of the columns, each cast as its column is stored. */
export function placeholders (d: Dialect, columns: readonly string[], rows: number): string {
  const tuples: string[] = []
  for (let r = 0; r < rows; r++) {
    tuples.push(`(${columns.map((c, i) => {
      const n = `$${r * columns.length + i + 1}`
      const cast = CASTS[c]
      return cast === 'ts' ? `${n}::TIMESTAMPTZ` : cast === 'json' ? `${n}::${d.json}` : n
    }).join(', ')})`)
  }
  return tuples.join(', ')
}

/** Within one statement a key may appear once, so a batch is deduplicated before it is sent. */
export function uniqueEvents (events: readonly PipelineEvent[]): PipelineEvent[] {
  const seen = new Map<string, PipelineEvent>()
  for (const e of events) if (!seen.has(`${e.writeKey}\0${e.messageId}`)) seen.set(`${e.writeKey}\0${e.messageId}`, e)
  return [...seen.values()]
}

/** Rows per INSERT: 16 parameters each stays under PostgreSQL's 65,535 per statement. */
export const ROWS_PER_INSERT = 1_000

/** An event as the row's values, in EVENT_COLUMNS order, all text (timestamps ISO 8601, JSON as text). */
export function eventRow (e: PipelineEvent, storedAt: string): Array<string | null> {
  return [
    e.writeKey, e.messageId, e.type, e.event, e.userId, e.anonymousId, e.timestamp, e.originalTimestamp, e.sentAt, e.receivedAt,
    storedAt, e.source, e.ip, JSON.stringify(e.properties), JSON.stringify(e.traits), JSON.stringify(e.context),
  ]
}

/**
 * DuckDB's bulk path: rows are appended as text into a staging table (its Appender is far faster
 * than bound parameters), then moved with the same casts and ON CONFLICT as the plain INSERT.
 */
export const STAGING_TABLE = 'events_staging'

export function stagingStatements (d: Dialect): string[] {
  return [`CREATE TABLE IF NOT EXISTS ${STAGING_TABLE} (${EVENT_COLUMNS.map(c => `${c} ${d.text}`).join(', ')})`, `DELETE FROM ${STAGING_TABLE}`]
}

export function moveStagedSql (d: Dialect): string {
  const casted = EVENT_COLUMNS.map(c => CASTS[c] === 'ts' ? `CAST(${c} AS TIMESTAMPTZ)` : CASTS[c] === 'json' ? `CAST(${c} AS ${d.json})` : c)
  return `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) SELECT ${casted.join(', ')} FROM ${STAGING_TABLE} ON CONFLICT DO NOTHING RETURNING write_key, message_id`
}

export function insertEventsSql (d: Dialect, events: readonly PipelineEvent[], storedAt: Date): { sql: string, params: Array<string | null> } {
  const at = storedAt.toISOString()
  const params = events.flatMap(e => eventRow(e, at))
  return {
    sql: `INSERT INTO events (${EVENT_COLUMNS.join(', ')}) VALUES ${placeholders(d, EVENT_COLUMNS, events.length)} ON CONFLICT DO NOTHING RETURNING write_key, message_id`,
    params,
  }
}

const FAILURE_COLUMNS = ['id', 'step', 'reason', 'write_key', 'message_id', 'payload', 'received_at', 'failed_at'] as const

/** A failure's id is a hash of what it is, so a redelivered record is the same row. */
export function failureId (f: FailedEvent): string {
  return createHash('sha256').update(JSON.stringify([f.step, f.writeKey, f.messageId, f.reason, f.payload, f.receivedAt])).digest('hex').slice(0, 32)
}

export function insertFailuresSql (d: Dialect, failures: readonly FailedEvent[]): { sql: string, params: Array<string | null> } {
  const unique = new Map(failures.map(f => [failureId(f), f]))
  const params = [...unique].flatMap(([id, f]) => {
    const failedAt = storableTimestamp(f.failedAt, new Date().toISOString())
    const text = (value: string | null) => value === null ? null : storableText(value)
    return [id, f.step, storableText(f.reason), text(f.writeKey), text(f.messageId), JSON.stringify(storableCopy(f.payload)), storableTimestamp(f.receivedAt, failedAt), failedAt]
  })
  return { sql: `INSERT INTO failed_events (${FAILURE_COLUMNS.join(', ')}) VALUES ${placeholders(d, FAILURE_COLUMNS, unique.size)} ON CONFLICT DO NOTHING`, params }
}

/** The columns rowToEvent reads back into a StoredEvent. */
export function storedEventColumns (d: Dialect): string {
  return `write_key, message_id, type, event, user_id, anonymous_id, ${d.epochMs('timestamp')} AS timestamp, ${d.epochMs('original_timestamp')} AS original_timestamp,
      ${d.epochMs('sent_at')} AS sent_at, ${d.epochMs('received_at')} AS received_at, ${d.epochMs('stored_at')} AS stored_at, source, ip,
      CAST(properties AS ${d.text}) AS properties, CAST(traits AS ${d.text}) AS traits, CAST(context AS ${d.text}) AS context`
}

export function recentEventsSql (d: Dialect, query: { event?: string | undefined, limit: number }): { sql: string, params: Array<string | number> } {
  const where = query.event === undefined ? '' : 'WHERE event = $2'
  return {
    sql: `SELECT ${storedEventColumns(d)}
      FROM events ${where} ORDER BY received_at DESC, timestamp DESC LIMIT $1`,
    params: query.event === undefined ? [query.limit] : [query.limit, query.event],
  }
}

export function recentFailuresSql (d: Dialect, limit: number): { sql: string, params: number[] } {
  return {
    sql: `SELECT id, step, reason, write_key, message_id, CAST(payload AS ${d.text}) AS payload, ${d.epochMs('received_at')} AS received_at, ${d.epochMs('failed_at')} AS failed_at
      FROM failed_events ORDER BY failed_at DESC LIMIT $1`,
    params: [limit],
  }
}

type Row = Record<string, unknown>

const iso = (ms: unknown): string | null => (ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString())
const parsed = (text: unknown): Record<string, unknown> => (typeof text === 'string' ? JSON.parse(text) as Record<string, unknown> : (text as Record<string, unknown>) ?? {})

export function rowToEvent (row: Row): StoredEvent {
  return {
    writeKey: String(row.write_key),
    messageId: String(row.message_id),
    type: row.type as StoredEvent['type'],
    event: row.event as string | null,
    userId: row.user_id as string | null,
    anonymousId: row.anonymous_id as string | null,
    timestamp: iso(row.timestamp) as string,
    originalTimestamp: iso(row.original_timestamp),
    sentAt: iso(row.sent_at),
    receivedAt: iso(row.received_at) as string,
    storedAt: iso(row.stored_at) as string,
    source: row.source as StoredEvent['source'],
    ip: row.ip as string | null,
    properties: parsed(row.properties),
    traits: parsed(row.traits),
    context: parsed(row.context),
  }
}

export function rowToFailure (row: Row): StoredFailure {
  return {
    id: String(row.id),
    step: row.step as StoredFailure['step'],
    reason: String(row.reason),
    writeKey: row.write_key as string | null,
    messageId: row.message_id as string | null,
    payload: typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload,
    receivedAt: iso(row.received_at) as string,
    failedAt: iso(row.failed_at) as string,
  }
}
