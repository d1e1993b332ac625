// A person's properties at query time, from every $set / $set_once / identify trait stored under
// any of its ids: for each key the latest `set` by event time wins; with no `set`, the earliest
// `set_once`. Ties in time go to the smaller message id, so every engine picks alike.
import type { Dialect } from '@tackle/pipeline'
import { literal } from '@tackle/pipeline'

/**
 * SELECT person, key, value: one row per person and key. Restricted to `keys` when given, and to
 * the sets `where` (a condition on `s`, the sets) admits.
 */
export function personPropertiesSql (d: Dialect, keys?: readonly string[], where?: string): string {
  const conditions = [...(keys === undefined ? [] : [`s.key IN (${keys.map(literal).join(', ')})`]), ...(where === undefined ? [] : [where])]
  const only = conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`
  return `SELECT DISTINCT ON (person, key) person, key, value FROM (
      SELECT coalesce(m.person_id, s.distinct_id) AS person, s.key, s.value, s.kind, s.message_id,
        CASE WHEN s.kind = 'set' THEN -${d.epochMs('s.timestamp')} ELSE ${d.epochMs('s.timestamp')} END AS rank_ms
      FROM person_property_sets s LEFT JOIN person_ids m ON m.distinct_id = s.distinct_id ${only}
    ) AS p ORDER BY person, key, CASE WHEN kind = 'set' THEN 0 ELSE 1 END, rank_ms, message_id`
}
