// The collector's FlagsProvider for experiments: every experiment with variants that has started
// is a multivariate flag whose key is the experiment's id, assigned as PostHog assigns (see
// assignment.ts) on the person's continuity hash key (see hash-keys.ts).
import type { EventStore, FlagDecision, FlagsProvider, FlagsRequest } from '@tackle/pipeline'
import { assignVariant } from './assignment.ts'
import type { ExperimentRegistry } from './experiment-registry.ts'
import { flagHashKeys } from './hash-keys.ts'

export class ExperimentFlags implements FlagsProvider {
  readonly #store: EventStore
  readonly #registry: ExperimentRegistry
  readonly #now: () => number

  constructor (store: EventStore, registry: ExperimentRegistry, now: () => number = Date.now) {
    this.#store = store
    this.#registry = registry
    this.#now = now
  }

  async evaluate (request: FlagsRequest): Promise<FlagDecision[]> {
    const now = this.#now()
    const wanted = request.flagKeys === undefined ? undefined : new Set(request.flagKeys)
    const served = (await this.#registry.list()).filter(e =>
      e.variants !== undefined && (e.start === undefined || Date.parse(e.start) <= now) && (wanted === undefined || wanted.has(e.id)))
    if (served.length === 0) return []
    const keys = await flagHashKeys(this.#store, served.map(e => e.id), request.distinctId, request.anonDistinctId, now)
    return served.map(e => ({ key: e.id, ...assignVariant(e, keys.get(e.id) ?? request.distinctId) }))
  }
}
