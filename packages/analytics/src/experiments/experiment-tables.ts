// The experiments' own tables, created on first use: the definitions made through the API, and
// each distinct id's flag hash key (experience continuity: a person keeps the variant of the
// first id a flag was evaluated for, across identify and devices).
import type { EventStore } from '@tackle/pipeline'

const ready = new WeakMap<EventStore, Promise<void>>()

export function ensureExperimentTables (store: EventStore): Promise<void> {
  let done = ready.get(store)
  if (done === undefined) {
    const text = store.dialect.text
    done = store.transaction([
      { sql: `CREATE TABLE IF NOT EXISTS experiment_definitions (id ${text} PRIMARY KEY, definition ${text} NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`, params: [] },
      { sql: `CREATE TABLE IF NOT EXISTS flag_hash_keys (distinct_id ${text} NOT NULL, flag_key ${text} NOT NULL, hash_key ${text} NOT NULL, created_ms BIGINT NOT NULL, PRIMARY KEY (distinct_id, flag_key))`, params: [] },
    ])
    done.catch(() => ready.delete(store))
    ready.set(store, done)
  }
  return done
}
