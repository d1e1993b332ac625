// The pipeline target's workload: HTTP clients that behave as the SDKs do. Each sends batches of
// events with unique messageIds, alternating Segment's /v1/batch and PostHog's /batch, over the
// collectors that are up; on a 5xx, a 429, a timeout or a dropped connection it sends the same
// batch again, same ids, with backoff (analytics-node and posthog-node do exactly this), until it
// is answered 2xx or 4xx. Poison items (bad dates, lone surrogates, too deep, a tracking-plan
// violation) are mixed in at `poisonRate`. Every event's fate and every request are logged.
import { setTimeout as sleep } from 'node:timers/promises'

export interface SentEvent {
  id: string
  client: number
  /** valid: must be stored once. poison: must be rejected or failed, and recorded in failed_events. */
  kind: 'valid' | 'poison'
  poison?: string
  firstSentAt: number
  /** When a 2xx first answered for it (valid ones the collector accepted). */
  ackedAt?: number
  /** The collector's reason, when it rejected the item. */
  rejected?: string
}

export interface RequestOp {
  client: number
  api: 'segment' | 'posthog'
  collector: string
  sentAt: number
  settledAt: number
  /** HTTP status, or null for a timeout or a dropped connection. */
  status: number | null
  events: number
  error?: string
}

export interface HttpWorkloadOptions {
  writeKey: string
  /** The collectors to spread requests over, asked afresh for each try. */
  collectors: () => string[]
  clients: number
  batchSize: number
  /** Batches per second per client, when nothing fails. */
  batchesPerSec: number
  requestTimeoutMs: number
  runId: string
  /** Seeded, so a run's poison choices repeat. */
  random: () => number
}

/** The tracking plan the processors enforce, so that one poison class fails at the validate step. */
export const VERIFY_PLAN_EVENT = 'Verify Order'
export const verifyTrackingPlan = { mode: 'enforce' as const, events: { [VERIFY_PLAN_EVENT]: { type: 'object', required: ['total'], properties: { total: { type: 'number' } } } } }

type Api = RequestOp['api']

const POISONS: ReadonlyArray<{ name: string, apis: readonly Api[], item: (api: Api) => Record<string, unknown> }> = [
  { name: 'feb-30', apis: ['segment', 'posthog'], item: () => ({ timestamp: '2026-02-30T10:00:00.000Z' }) },
  { name: 'year-10000', apis: ['segment', 'posthog'], item: () => ({ timestamp: '+010000-01-01T00:00:00.000Z' }) },
  { name: 'lone-surrogate', apis: ['segment', 'posthog'], item: () => ({ properties: { text: 'broken \uD800 text' } }) },
  { name: 'too-deep', apis: ['segment', 'posthog'], item: () => ({ properties: { deep: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) as unknown } }) },
  { name: 'previous-id-trap', apis: ['segment'], item: () => ({ previousId: { toString: 0, valueOf: 0 } }) },
  { name: 'plan-violation', apis: ['segment', 'posthog'], item: () => ({ event: VERIFY_PLAN_EVENT, properties: { total: 'thirty' } }) },
]

export class HttpWorkload {
  readonly events = new Map<string, SentEvent>()
  readonly requests: RequestOp[] = []
  /** The last 2xx of each client, in ms since the epoch. */
  readonly lastAck = new Map<number, number>()
  /** Share of items that are poison; the poison fault raises it. */
  poisonRate = 0
  readonly #options: HttpWorkloadOptions
  readonly #loops: Array<Promise<void>> = []
  #sending = false
  #giveUpAt = Infinity
  #sequence = 0
  #nextCollector = 0
  readonly #inFlight = new Map<string, number>()
  readonly #waiting = new Map<string, Array<() => void>>()

  constructor (options: HttpWorkloadOptions) {
    this.#options = options
  }

  start (): void {
    this.#sending = true
    for (let client = 0; client < this.#options.clients; client++) this.#loops.push(this.#run(client))
  }

  /** Stops starting batches; a batch under way is still retried until answered, or until `drainMs` passes. */
  async stop (drainMs: number): Promise<void> {
    this.#sending = false
    this.#giveUpAt = Date.now() + drainMs
    await Promise.all(this.#loops)
  }

  async #run (client: number): Promise<void> {
    const pause = 1000 / this.#options.batchesPerSec
    for (let round = 0; this.#sending; round++) {
      const began = Date.now()
      const api: Api = round % 2 === 0 ? 'segment' : 'posthog'
      await this.#deliver(client, api, this.#batch(client, api))
      await sleep(Math.max(0, pause - (Date.now() - began)))
    }
  }

  #batch (client: number, api: Api): SentEvent[] {
    return Array.from({ length: this.#options.batchSize }, () => {
      const id = `${this.#options.runId}-c${client}-${this.#sequence++}`
      const candidates = POISONS.filter(p => p.apis.includes(api))
      const poison = this.#options.random() < this.poisonRate ? candidates[Math.floor(this.#options.random() * candidates.length)] : undefined
      const event: SentEvent = { id, client, kind: poison ? 'poison' : 'valid', firstSentAt: 0, ...(poison ? { poison: poison.name } : {}) }
      this.events.set(id, event)
      return event
    })
  }

  #body (api: Api, events: readonly SentEvent[]): string {
    const items = events.map((e, i) => {
      const poison = POISONS.find(p => p.name === e.poison)?.item(api) ?? {}
      const userId = `user-${e.client}-${i % 7}`
      const base = { event: 'Verify Event', timestamp: new Date().toISOString(), properties: { client: e.client, id: e.id } as Record<string, unknown> }
      const merged = { ...base, ...poison, properties: { ...base.properties, ...(poison.properties as Record<string, unknown> | undefined) } }
      return api === 'segment'
        ? { type: 'track', userId, messageId: e.id, ...merged }
        : { distinct_id: userId, uuid: e.id, ...merged }
    })
    return JSON.stringify(api === 'segment' ? { batch: items, sentAt: new Date().toISOString() } : { api_key: this.#options.writeKey, batch: items, sent_at: new Date().toISOString() })
  }

  #started (collector: string): void {
    this.#inFlight.set(collector, (this.#inFlight.get(collector) ?? 0) + 1)
    for (const wake of this.#waiting.get(collector)?.splice(0) ?? []) wake()
  }

  /**
   * Resolves true once a request to the collector is in flight (at once if one is), false when
   * none starts within the time: what a fault that kills a collector mid-request waits for.
   */
  requestInFlight (collector: string, timeoutMs: number): Promise<boolean> {
    if ((this.#inFlight.get(collector) ?? 0) > 0) return Promise.resolve(true)
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        const list = this.#waiting.get(collector) ?? []
        list.splice(list.indexOf(wake), 1)
        resolve(false)
      }, timeoutMs)
      const wake = () => { clearTimeout(timer); resolve(true) }
      this.#waiting.set(collector, [...(this.#waiting.get(collector) ?? []), wake])
    })
  }

  async #deliver (client: number, api: Api, events: SentEvent[]): Promise<void> {
    const body = this.#body(api, events)
    const path = api === 'segment' ? '/v1/batch' : '/batch'
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(api === 'segment' ? { authorization: `Basic ${Buffer.from(`${this.#options.writeKey}:`).toString('base64')}` } : {}) }
    for (let attempt = 0; ; attempt++) {
      const collectors = this.#options.collectors()
      const collector = collectors[this.#nextCollector++ % Math.max(1, collectors.length)]
      const sentAt = Date.now()
      for (const e of events) if (e.firstSentAt === 0) e.firstSentAt = sentAt
      let status: number | null = null
      let answer: { errors?: Array<{ index: number, reason: string }> } = {}
      let error: string | undefined
      if (collector === undefined) {
        error = 'no collector is up'
      } else {
        try {
          const sent = fetch(`${collector}${path}`, { method: 'POST', body, headers, signal: AbortSignal.timeout(this.#options.requestTimeoutMs) })
          this.#started(collector)
          const response = await sent
          status = response.status
          answer = await response.json().catch(() => ({})) as typeof answer
        } catch (caught) {
          error = (caught as Error).message
        } finally {
          this.#inFlight.set(collector, Math.max(0, (this.#inFlight.get(collector) ?? 0) - 1))
        }
      }
      const settledAt = Date.now()
      this.requests.push({ client, api, collector: collector ?? '', sentAt, settledAt, status, events: events.length, ...(error ? { error } : {}) })
      if (status !== null && status < 500 && status !== 429) {
        const reasons = new Map((answer.errors ?? []).map(e => [e.index, e.reason]))
        events.forEach((e, index) => {
          const reason = reasons.get(index)
          if (reason !== undefined) e.rejected ??= reason
          else if (status !== null && status < 300) e.ackedAt ??= settledAt
        })
        if (status < 300) this.lastAck.set(client, settledAt)
        return
      }
      if (Date.now() > this.#giveUpAt) return
      // The SDKs' backoff: exponential from 100 ms, at most 2 s between tries.
      await sleep(Math.min(2_000, 100 * 2 ** Math.min(attempt, 5)) * (0.5 + this.#options.random() / 2))
    }
  }
}
