// A person's properties at query time, from every $set / $set_once / identify trait stored under
// any of its ids: for each key the latest `set` by event time wins; with no `set`, the earliest
// `set_once`. Ties in time go to the smaller message id, so every engine picks alike.
import type { Dialect } from '@tackle/pipeline'
import { literal } from '@tackle/pipeline'

/** SELECT person, key, value: one row per person and key. Restricted to `keys` when given. */
export function personPropertiesSql (d: Dialect, keys?: readonly string[]): string {
  const only = keys === undefined ? '' : `WHERE s.key IN (${keys.map(literal).join(', ')})`
  return `SELECT DISTINCT ON (person, key) person, key, value FROM (
      SELECT coalesce(m.person_id, s.distinct_id) AS person, s.key, s.value, s.kind, s.message_id,
        CASE WHEN s.kind = 'set' THEN -${d.epochMs('s.timestamp')} ELSE ${d.epochMs('s.timestamp')} END AS rank_ms
      FROM person_property_sets s LEFT JOIN person_ids m ON m.distinct_id = s.distinct_id ${only}
    ) AS p ORDER BY person, key, CASE WHEN kind = 'set' THEN 0 ELSE 1 END, rank_ms, message_id`
}
