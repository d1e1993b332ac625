// The identity tables. identity_links and person_property_sets are written with the events, in
// their transaction; person_ids (distinct id → person) is rewritten by the analytics package's
// resolver from the links, so it can be rebuilt whenever the rules or a late link demand it.
// Queries resolve a person through person_ids at query time, so events stored before a merge
// count for the merged person at once.
import type { PipelineEvent } from '../event.ts'
import { identityLinkOf, propertySetsOf } from './identity-rows.ts'
import { placeholders, type Dialect } from './sql.ts'

const LINK_COLUMNS = ['write_key', 'message_id', 'kind', 'into_id', 'other_id', 'timestamp'] as const
const SET_COLUMNS = ['write_key', 'message_id', 'distinct_id', 'key', 'value', 'kind', 'timestamp'] as const

export function identitySchemaStatements (d: Dialect): string[] {
  return [
    `CREATE TABLE IF NOT EXISTS identity_links (
      write_key ${d.text} NOT NULL, message_id ${d.text} NOT NULL, kind ${d.text} NOT NULL, into_id ${d.text} NOT NULL, other_id ${d.text},
      timestamp TIMESTAMPTZ NOT NULL, resolved BOOLEAN NOT NULL DEFAULT false, PRIMARY KEY (write_key, message_id))`,
    `CREATE TABLE IF NOT EXISTS person_property_sets (
      write_key ${d.text} NOT NULL, message_id ${d.text} NOT NULL, distinct_id ${d.text} NOT NULL, key ${d.text} NOT NULL,
      value ${d.text} NOT NULL, kind ${d.text} NOT NULL, timestamp TIMESTAMPTZ NOT NULL, PRIMARY KEY (write_key, message_id, key, kind))`,
    `CREATE TABLE IF NOT EXISTS person_ids (distinct_id ${d.text} PRIMARY KEY, person_id ${d.text} NOT NULL)`,
    `CREATE TABLE IF NOT EXISTS identity_refusals (
      write_key ${d.text} NOT NULL, message_id ${d.text} NOT NULL, reason ${d.text} NOT NULL, into_id ${d.text} NOT NULL, other_id ${d.text},
      timestamp TIMESTAMPTZ NOT NULL, PRIMARY KEY (write_key, message_id))`,
    `CREATE TABLE IF NOT EXISTS person_deletions (
      person_id ${d.text} NOT NULL, distinct_ids INTEGER NOT NULL, events INTEGER NOT NULL, deleted_at TIMESTAMPTZ NOT NULL)`,
  ]
}

export interface Statement {
  sql: string
  params: Array<string | number | null>
}

/** Rows per statement, under PostgreSQL's 65,535 parameters. */
const ROWS = 1_000

/** The links and property sets of a batch of events, as INSERTs that ignore rows already stored. */
export function identityStatements (d: Dialect, events: readonly PipelineEvent[]): Statement[] {
  const statements: Statement[] = []
  const links = events.map(identityLinkOf).filter(l => l !== null)
  for (let i = 0; i < links.length; i += ROWS) {
    const chunk = links.slice(i, i + ROWS)
    statements.push({
      sql: `INSERT INTO identity_links (${LINK_COLUMNS.join(', ')}) VALUES ${placeholders(d, LINK_COLUMNS, chunk.length)} ON CONFLICT DO NOTHING`,
      params: chunk.flatMap(l => [l.writeKey, l.messageId, l.kind, l.intoId, l.otherId, l.timestamp]),
    })
  }
  const sets = events.flatMap(propertySetsOf)
  // One statement may not name a key twice for ON CONFLICT: the last of a repeated key stands.
  const unique = [...new Map(sets.map(s => [`${s.writeKey}\0${s.messageId}\0${s.key}\0${s.kind}`, s])).values()]
  for (let i = 0; i < unique.length; i += ROWS) {
    const chunk = unique.slice(i, i + ROWS)
    statements.push({
      sql: `INSERT INTO person_property_sets (${SET_COLUMNS.join(', ')}) VALUES ${placeholders(d, SET_COLUMNS, chunk.length)} ON CONFLICT DO NOTHING`,
      params: chunk.flatMap(s => [s.writeKey, s.messageId, s.distinctId, s.key, s.value, s.kind, s.timestamp]),
    })
  }
  return statements
}
