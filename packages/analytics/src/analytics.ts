// What the dashboard and the CLI hold: insights and persons over one store, with the identity
// links resolved before every read (and on a timer between reads), so a merge stored a moment ago
// already counts.
import type { EventStore } from '@tackle/pipeline'
import { Experiments } from './experiments/experiments.ts'
import { eventNames } from './insights/event-names.ts'
import { runInsight, type InsightResult } from './insights/run-query.ts'
import { PersonResolver, type PersonResolverOptions } from './persons/person-resolver.ts'
import { deletePerson, getPerson, searchPersons, type Erasure, type Person } from './persons/persons.ts'

export interface AnalyticsOptions extends PersonResolverOptions {
  /** How often pending links are resolved between reads; 0 for never (reads still resolve). */
  resolveEveryMs?: number
  onError?: (error: unknown) => void
  /** Experiment definitions by id, from the config file; checked here (BAD_EXPERIMENT names the field). */
  experiments?: Readonly<Record<string, unknown>>
}

export class Analytics {
  readonly store: EventStore
  readonly resolver: PersonResolver
  readonly experiments: Experiments
  readonly #timer: NodeJS.Timeout | undefined

  constructor (store: EventStore, options: AnalyticsOptions = {}) {
    this.store = store
    this.resolver = new PersonResolver(store, options)
    this.experiments = new Experiments(store, options.experiments, async () => { await this.resolver.resolvePending() })
    const every = options.resolveEveryMs ?? 2_000
    if (every > 0) {
      this.#timer = setInterval(() => { this.resolver.resolvePending().catch(error => options.onError?.(error)) }, every)
      this.#timer.unref()
    }
  }

  async query (input: unknown, nowMs = Date.now()): Promise<InsightResult> {
    await this.resolver.resolvePending()
    return runInsight(this.store, input, nowMs)
  }

  eventNames (): Promise<Array<{ event: string, count: number }>> {
    return eventNames(this.store)
  }

  async person (id: string): Promise<Person> {
    await this.resolver.resolvePending()
    return getPerson(this.store, id)
  }

  async searchPersons (text: string, limit?: number): Promise<Array<{ id: string, distinctIds: number }>> {
    await this.resolver.resolvePending()
    return searchPersons(this.store, text, limit)
  }

  async deletePerson (id: string): Promise<Erasure> {
    await this.resolver.resolvePending()
    return deletePerson(this.store, id)
  }

  /** Stops the timer; the store is the caller's to close. */
  close (): void {
    clearInterval(this.#timer)
  }
}
