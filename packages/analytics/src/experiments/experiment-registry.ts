// The experiments Tackle knows: those of the config file, and those defined or edited through the
// API, which are kept in the store and win over the config file's. Reads are cached for a second,
// so the flags endpoint does not read the store per request, and a collector in another process
// sees an edit within that second.
import type { EventStore } from '@tackle/pipeline'
import { AnalyticsError, AnalyticsErrorCodes } from '../errors.ts'
import { parseExperimentDefinition, type ExperimentDefinition } from './experiment-definition.ts'
import { ensureExperimentTables } from './experiment-tables.ts'

export interface ExperimentRegistryOptions {
  /** How long definitions read from the store are reused. */
  cacheMs?: number
  now?: () => number
}

export class ExperimentRegistry {
  readonly #store: EventStore
  readonly #configured: ReadonlyMap<string, ExperimentDefinition>
  readonly #cacheMs: number
  readonly #now: () => number
  #cache: { at: number, stored: Promise<Map<string, ExperimentDefinition>> } | undefined

  /** Throws BAD_EXPERIMENT naming the configured experiment and field at fault. */
  constructor (store: EventStore, configured: Readonly<Record<string, unknown>> = {}, options: ExperimentRegistryOptions = {}) {
    this.#store = store
    this.#configured = new Map(Object.entries(configured).map(([id, value]) => {
      const given = typeof value === 'object' && value !== null && !Array.isArray(value) ? { id, ...value } : value
      return [id, parseExperimentDefinition(given, `experiment "${id}" of the config file`)]
    }))
    this.#cacheMs = options.cacheMs ?? 1_000
    this.#now = options.now ?? Date.now
  }

  async list (): Promise<ExperimentDefinition[]> {
    const stored = await this.#stored()
    const all = new Map([...this.#configured, ...stored])
    return [...all.values()].sort((a, b) => a.id.localeCompare(b.id))
  }

  async get (id: string): Promise<ExperimentDefinition | undefined> {
    return (await this.#stored()).get(id) ?? this.#configured.get(id)
  }

  /** Where a definition came from: the API (stored), the config file, or nowhere. */
  async source (id: string): Promise<'api' | 'config' | null> {
    if ((await this.#stored()).has(id)) return 'api'
    return this.#configured.has(id) ? 'config' : null
  }

  async create (input: unknown): Promise<ExperimentDefinition> {
    const definition = parseExperimentDefinition(input)
    if (await this.get(definition.id) !== undefined) throw new AnalyticsError(AnalyticsErrorCodes.EXPERIMENT_EXISTS, `experiment "${definition.id}" exists`, { field: '/id' })
    await this.#write(definition)
    return definition
  }

  /** Replaces the definition of `id` (one of the config file's too: the stored one then wins). */
  async update (id: string, input: unknown): Promise<ExperimentDefinition> {
    if (await this.get(id) === undefined) throw new AnalyticsError(AnalyticsErrorCodes.EXPERIMENT_NOT_FOUND, `no experiment "${id}"`)
    const given = typeof input === 'object' && input !== null && !Array.isArray(input) ? { ...input, id: (input as { id?: unknown }).id ?? id } : input
    const definition = parseExperimentDefinition(given)
    if (definition.id !== id) throw new AnalyticsError(AnalyticsErrorCodes.BAD_EXPERIMENT, `experiment: /id "${definition.id}" differs from the experiment edited ("${id}"); an id cannot change`, { field: '/id' })
    await this.#write(definition)
    return definition
  }

  async #write (definition: ExperimentDefinition): Promise<void> {
    await ensureExperimentTables(this.#store)
    await this.#store.transaction([{
      sql: `INSERT INTO experiment_definitions (id, definition, updated_at) VALUES ($1, $2, $3::TIMESTAMPTZ)
            ON CONFLICT (id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at`,
      params: [definition.id, JSON.stringify(definition), new Date(this.#now()).toISOString()],
    }])
    this.#cache = undefined
  }

  #stored (): Promise<Map<string, ExperimentDefinition>> {
    const now = this.#now()
    if (this.#cache === undefined || now - this.#cache.at >= this.#cacheMs) {
      const stored = this.#read()
      this.#cache = { at: now, stored }
      stored.catch(() => { this.#cache = undefined })
    }
    return this.#cache.stored
  }

  async #read (): Promise<Map<string, ExperimentDefinition>> {
    await ensureExperimentTables(this.#store)
    const rows = await this.#store.query('SELECT id, definition FROM experiment_definitions', [])
    // Re-parsed, so a definition stored by an older Tackle gets today's defaults.
    return new Map(rows.map(r => [String(r.id), parseExperimentDefinition(JSON.parse(String(r.definition)))]))
  }
}
