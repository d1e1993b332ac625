// Experience continuity, as PostHog's "persist flags across authentication steps" does it
// (feature_flag_hash_key_overrides): the first id a flag is evaluated for fixes the person's hash
// key for that flag. A later evaluation for any id of the same person (an identify's
// $anon_distinct_id, or any id the person resolver has merged) finds that key and so the same
// variant. Keys are written once per id and flag, and never changed.
import type { EventStore } from '@tackle/pipeline'
import { placeholders } from '../sql-lists.ts'
import { ensureExperimentTables } from './experiment-tables.ts'

export async function flagHashKeys (store: EventStore, flagKeys: readonly string[], distinctId: string, anonDistinctId: string | undefined, nowMs: number): Promise<Map<string, string>> {
  await ensureExperimentTables(store)
  const given = anonDistinctId === undefined || anonDistinctId === distinctId ? [distinctId] : [distinctId, anonDistinctId]
  const persons = await store.query(
    `SELECT DISTINCT m2.distinct_id FROM person_ids m1 JOIN person_ids m2 ON m2.person_id = m1.person_id WHERE m1.distinct_id IN (${placeholders(given.length)})`, given)
  const ids = [...new Set([...given, ...persons.map(r => String(r.distinct_id))])]
  const rows = await store.query(
    `SELECT distinct_id, flag_key, hash_key, created_ms FROM flag_hash_keys
     WHERE flag_key IN (${placeholders(flagKeys.length)}) AND distinct_id IN (${placeholders(ids.length, flagKeys.length + 1)})
     ORDER BY created_ms, hash_key`, [...flagKeys, ...ids])
  const keys = new Map<string, string>()
  const held = new Set<string>()
  for (const r of rows) {
    if (!keys.has(String(r.flag_key))) keys.set(String(r.flag_key), String(r.hash_key))
    held.add(`${String(r.distinct_id)}\0${String(r.flag_key)}`)
  }
  const writes: Array<[string, string, string]> = []
  for (const flag of flagKeys) {
    const key = keys.get(flag) ?? anonDistinctId ?? distinctId
    keys.set(flag, key)
    for (const id of given) if (!held.has(`${id}\0${flag}`)) writes.push([id, flag, key])
  }
  if (writes.length > 0) {
    await store.transaction([{
      sql: `INSERT INTO flag_hash_keys (distinct_id, flag_key, hash_key, created_ms) VALUES ${writes.map((_, i) => `(${placeholders(4, i * 4 + 1)})`).join(', ')} ON CONFLICT DO NOTHING`,
      params: writes.flatMap(([id, flag, key]) => [id, flag, key, nowMs]),
    }])
  }
  return keys
}
