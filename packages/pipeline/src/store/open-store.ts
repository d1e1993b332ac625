import type { EventStore } from './event-store.ts'
import { DuckDbStore } from './duckdb-store.ts'
import { PostgresStore } from './postgres-store.ts'

/** PostgreSQL when a database URL is given, else the embedded DuckDB file. */
export async function openStore (options: { databaseUrl?: string | undefined, duckdbPath: string }): Promise<EventStore> {
  return options.databaseUrl ? PostgresStore.open(options.databaseUrl) : DuckDbStore.open(options.duckdbPath)
}
