// A person as the persons page and `GET /api/persons/:id` show it: every id it was seen under,
// its resolved properties, refusals to merge it, and its recent events. And the erasure: a
// person's events, links, properties and ids deleted in one transaction, with the deletion itself
// recorded (the person id and how much went, never the data).
import type { EventStore, Statement, StoredEvent } from '@tackle/pipeline'
import { DISTINCT_ID, rowToEvent, storedEventColumns } from '@tackle/pipeline'
import { AnalyticsError, AnalyticsErrorCodes } from '../errors.ts'
import { chunks, placeholders } from '../sql-lists.ts'
import { personPropertiesSql } from './person-properties-sql.ts'

export interface Person {
  id: string
  distinctIds: string[]
  properties: Record<string, string>
  refusals: Array<{ messageId: string, reason: string, intoId: string, otherId: string | null, timestamp: string }>
  firstSeen: string | null
  lastSeen: string | null
  events: number
  recentEvents: StoredEvent[]
}

/** The person an id belongs to, and all of that person's ids. */
export async function personIds (store: EventStore, id: string): Promise<{ personId: string, ids: string[] }> {
  const [mapped] = await store.query('SELECT person_id FROM person_ids WHERE distinct_id = $1', [id])
  const personId = mapped === undefined ? id : String(mapped.person_id)
  const rows = await store.query('SELECT distinct_id FROM person_ids WHERE person_id = $1', [personId])
  const ids = rows.length === 0 ? [id] : rows.map(r => String(r.distinct_id)).sort()
  return { personId, ids }
}

export async function getPerson (store: EventStore, id: string, options: { recent?: number } = {}): Promise<Person> {
  const d = store.dialect
  const { personId, ids } = await personIds(store, id)
  const list = placeholders(ids.length)
  const [stats] = await store.query(`SELECT count(*) AS n, ${d.epochMs('min(e.timestamp)')} AS first_ms, ${d.epochMs('max(e.timestamp)')} AS last_ms FROM events e WHERE ${DISTINCT_ID} IN (${list})`, ids)
  const events = Number(stats?.n ?? 0)
  const properties: Record<string, string> = {}
  for (const row of await store.query(`SELECT key, value FROM (${personPropertiesSql(d, undefined, `s.distinct_id IN (${list})`)}) pp ORDER BY key`, ids)) properties[String(row.key)] = String(row.value)
  if (events === 0 && Object.keys(properties).length === 0 && ids.length === 1 && ids[0] === id) {
    const [link] = await store.query('SELECT 1 AS x FROM identity_links WHERE into_id = $1 OR other_id = $1 LIMIT 1', [id])
    if (link === undefined) throw new AnalyticsError(AnalyticsErrorCodes.PERSON_NOT_FOUND, `no person has the id ${JSON.stringify(id)}`)
  }
  const refusals = (await store.query(`SELECT message_id, reason, into_id, other_id, ${d.epochMs('timestamp')} AS t FROM identity_refusals WHERE into_id IN (${list}) OR other_id IN (${list}) ORDER BY timestamp`, ids))
    .map(r => ({ messageId: String(r.message_id), reason: String(r.reason), intoId: String(r.into_id), otherId: r.other_id === null ? null : String(r.other_id), timestamp: new Date(Number(r.t)).toISOString() }))
  const recent = await store.query(`SELECT ${storedEventColumns(d)}
      FROM events e WHERE ${DISTINCT_ID} IN (${list}) ORDER BY timestamp DESC LIMIT ${Math.max(1, Math.min(options.recent ?? 100, 1000))}`, ids)
  const iso = (v: unknown) => (v === null || v === undefined ? null : new Date(Number(v)).toISOString())
  return { id: personId, distinctIds: ids, properties, refusals, firstSeen: iso(stats?.first_ms), lastSeen: iso(stats?.last_ms), events, recentEvents: recent.map(rowToEvent) }
}

/** Ids matching a search (a prefix of an id, or part of a property value such as an email). */
export async function searchPersons (store: EventStore, text: string, limit = 20): Promise<Array<{ id: string, distinctIds: number }>> {
  const like = `${text.replaceAll('\\', '\\\\').replaceAll('%', '\\%').replaceAll('_', '\\_')}%`
  const rows = await store.query(`SELECT person, (SELECT count(*) FROM person_ids p WHERE p.person_id = y.person) AS ids FROM (
      SELECT DISTINCT coalesce(m.person_id, x.distinct_id) AS person FROM (
        SELECT DISTINCT ${DISTINCT_ID} AS distinct_id FROM events e WHERE ${DISTINCT_ID} LIKE $1 ESCAPE '\\'
        UNION SELECT distinct_id FROM person_ids WHERE distinct_id LIKE $1 ESCAPE '\\'
        UNION SELECT distinct_id FROM person_property_sets WHERE strpos(lower(value), lower($2)) > 0
      ) x LEFT JOIN person_ids m ON m.distinct_id = x.distinct_id) y ORDER BY person LIMIT ${Math.max(1, Math.min(limit, 200))}`, [like, text])
  return rows.map(r => ({ id: String(r.person), distinctIds: Math.max(1, Number(r.ids)) }))
}

export interface Erasure {
  personId: string
  distinctIds: number
  events: number
  deletedAt: string
}

/** A GDPR erasure: everything stored under any of the person's ids, in one transaction. */
export async function deletePerson (store: EventStore, id: string, now = new Date()): Promise<Erasure> {
  const person = await getPerson(store, id, { recent: 1 })
  const statements: Statement[] = []
  for (const chunk of chunks(person.distinctIds)) {
    const list = placeholders(chunk.length)
    statements.push({ sql: `DELETE FROM events WHERE coalesce(user_id, anonymous_id) IN (${list})`, params: chunk })
    statements.push({ sql: `DELETE FROM person_property_sets WHERE distinct_id IN (${list})`, params: chunk })
    statements.push({ sql: `DELETE FROM identity_links WHERE into_id IN (${list}) OR other_id IN (${placeholders(chunk.length, chunk.length + 1)})`, params: [...chunk, ...chunk] })
    statements.push({ sql: `DELETE FROM identity_refusals WHERE into_id IN (${list}) OR other_id IN (${placeholders(chunk.length, chunk.length + 1)})`, params: [...chunk, ...chunk] })
    statements.push({ sql: `DELETE FROM person_ids WHERE distinct_id IN (${list})`, params: chunk })
  }
  const erasure = { personId: person.id, distinctIds: person.distinctIds.length, events: person.events, deletedAt: now.toISOString() }
  statements.push({ sql: 'INSERT INTO person_deletions (person_id, distinct_ids, events, deleted_at) VALUES ($1, $2, $3, $4::TIMESTAMPTZ)', params: [erasure.personId, erasure.distinctIds, erasure.events, erasure.deletedAt] })
  await store.transaction(statements)
  return erasure
}
