// Real-time aggregates kept in memory as events are stored. Counts go into the minute of the
// event's own timestamp, so a late event (an SDK that was offline) corrects the minute it belongs
// to instead of inflating the current one; minutes are kept for `retentionMinutes`. Active users
// are counted by event time too: a late event does not make a user active now. Every structure is
// bounded whatever arrives: no bucket for a minute more than FUTURE_TOLERANCE_MS ahead (a wrong
// clock would keep it for ever), at most MAX_NAMES_PER_MINUTE names per minute (the rest count
// as "(other)"), and at most MAX_ACTIVE_USERS users remembered.
import { identityOf, type FailedEvent, type PipelineEvent } from '../event.ts'
import type { EventStore } from '../store/event-store.ts'

export interface MinuteCounts {
  /** Start of the minute, ISO 8601. */
  minute: string
  total: number
  byEvent: Record<string, number>
  failed: number
}

export interface LiveSnapshot {
  now: string
  minutes: MinuteCounts[]
  activeUsers: { last1m: number, last5m: number }
  /** Failed events over stored plus failed, in the last 5 minutes (by arrival). */
  failedRate5m: number
  latencyMs: { p50: number | null, p99: number | null, samples: number }
  stored: number
  failed: number
  /** Events that arrived more than `lateAfterMs` after their timestamp. */
  late: number
}

export interface LiveStatsOptions {
  retentionMinutes?: number
  lateAfterMs?: number
  now?: () => number
}

const MINUTE = 60_000
const LATENCY_WINDOW_MS = 5 * MINUTE
const MAX_LATENCY_SAMPLES = 50_000
const FUTURE_TOLERANCE_MS = 5 * MINUTE
export const MAX_NAMES_PER_MINUTE = 200
export const MAX_ACTIVE_USERS = 200_000
export const OTHER_EVENTS = '(other)'

export class LiveStats {
  readonly #minutes = new Map<number, { total: number, byEvent: Map<string, number>, failed: number }>()
  readonly #lastSeen = new Map<string, number>()
  readonly #latencies: Array<[at: number, ms: number]> = []
  readonly #arrivals: Array<[at: number, failed: boolean]> = []
  readonly #retentionMinutes: number
  readonly #lateAfterMs: number
  readonly #now: () => number
  readonly #listeners = new Set<(events: readonly PipelineEvent[], storedAt: Date) => void>()
  #stored = 0
  #failed = 0
  #late = 0

  constructor (options: LiveStatsOptions = {}) {
    this.#retentionMinutes = options.retentionMinutes ?? 180
    this.#lateAfterMs = options.lateAfterMs ?? 5 * MINUTE
    this.#now = options.now ?? Date.now
  }

  recordStored (events: readonly PipelineEvent[], storedAt: Date): void {
    const stored = storedAt.getTime()
    for (const event of events) {
      const at = Date.parse(event.timestamp)
      const received = Date.parse(event.receivedAt)
      const bucket = this.#bucket(at)
      if (bucket) {
        bucket.total++
        const given = event.event ?? event.type
        const name = bucket.byEvent.has(given) || bucket.byEvent.size < MAX_NAMES_PER_MINUTE ? given : OTHER_EVENTS
        bucket.byEvent.set(name, (bucket.byEvent.get(name) ?? 0) + 1)
      }
      if (received - at > this.#lateAfterMs) this.#late++
      const who = `${event.writeKey}:${identityOf(event)}`
      const seen = Math.min(at, this.#now())
      if (seen > (this.#lastSeen.get(who) ?? 0)) this.#lastSeen.set(who, seen)
      this.#latencies.push([stored, stored - received])
      this.#arrivals.push([received, false])
      this.#stored++
    }
    this.#prune()
    for (const listener of this.#listeners) {
      try {
        listener(events, storedAt)
      } catch {
        // A listener (a dashboard's live stream) must not break the store processor's bookkeeping.
      }
    }
  }

  /** Calls the listener with every batch of newly stored events; returns the unsubscribe. */
  onStored (listener: (events: readonly PipelineEvent[], storedAt: Date) => void): () => void {
    this.#listeners.add(listener)
    return () => { this.#listeners.delete(listener) }
  }

  /**
   * Fills the per-minute counts, the failures and the active users from what the store already
   * holds, so a restart does not begin with empty charts. Latency and the counters since start
   * stay empty: the store does not remember them. Call it before the processors start.
   */
  async rebuildFrom (store: EventStore): Promise<void> {
    const now = this.#now()
    const since = new Date(now - this.#retentionMinutes * MINUTE).toISOString()
    const d = store.dialect
    const minutes = await store.query(`SELECT floor(${d.epochMs('timestamp')} / ${MINUTE}) * ${MINUTE} AS minute, coalesce(event, type) AS name, count(*) AS n
      FROM events WHERE timestamp >= $1::TIMESTAMPTZ GROUP BY 1, 2 ORDER BY 3 DESC`, [since])
    for (const row of minutes) {
      const bucket = this.#bucket(Number(row.minute))
      if (!bucket) continue
      const n = Number(row.n)
      bucket.total += n
      const given = String(row.name)
      const name = bucket.byEvent.has(given) || bucket.byEvent.size < MAX_NAMES_PER_MINUTE ? given : OTHER_EVENTS
      bucket.byEvent.set(name, (bucket.byEvent.get(name) ?? 0) + n)
    }
    const failed = await store.query(`SELECT floor(${d.epochMs('received_at')} / ${MINUTE}) * ${MINUTE} AS minute, count(*) AS n FROM failed_events WHERE received_at >= $1::TIMESTAMPTZ GROUP BY 1`, [since])
    for (const row of failed) {
      const bucket = this.#bucket(Number(row.minute))
      if (bucket) bucket.failed += Number(row.n)
    }
    const active = await store.query(`SELECT write_key, coalesce(user_id, anonymous_id, '') AS who, ${d.epochMs('max(timestamp)')} AS at
      FROM events WHERE timestamp >= $1::TIMESTAMPTZ GROUP BY 1, 2 ORDER BY 3 DESC LIMIT ${MAX_ACTIVE_USERS}`, [new Date(now - 5 * MINUTE).toISOString()])
    for (const row of active.reverse()) {
      const who = `${String(row.write_key)}:${String(row.who)}`
      const at = Math.min(Number(row.at), now)
      if (at > (this.#lastSeen.get(who) ?? 0)) this.#lastSeen.set(who, at)
    }
    this.#prune()
  }

  recordFailed (failures: readonly FailedEvent[]): void {
    for (const failure of failures) {
      const at = Date.parse(failure.receivedAt)
      const bucket = this.#bucket(at)
      if (bucket) bucket.failed++
      this.#arrivals.push([at, true])
      this.#failed++
    }
    this.#prune()
  }

  #bucket (at: number): { total: number, byEvent: Map<string, number>, failed: number } | undefined {
    if (!Number.isFinite(at)) return undefined
    const minute = Math.floor(at / MINUTE) * MINUTE
    const now = this.#now()
    if (minute < now - this.#retentionMinutes * MINUTE || minute > now + FUTURE_TOLERANCE_MS) return undefined
    let bucket = this.#minutes.get(minute)
    if (!bucket) {
      bucket = { total: 0, byEvent: new Map(), failed: 0 }
      this.#minutes.set(minute, bucket)
    }
    return bucket
  }

  #prune (): void {
    const now = this.#now()
    const oldestMinute = now - this.#retentionMinutes * MINUTE
    for (const minute of this.#minutes.keys()) if (minute < oldestMinute) this.#minutes.delete(minute)
    for (const [who, at] of this.#lastSeen) if (at < now - 5 * MINUTE) this.#lastSeen.delete(who)
    // Past the cap, the users first seen longest ago go first (a Map iterates in insertion order).
    for (const who of this.#lastSeen.keys()) {
      if (this.#lastSeen.size <= MAX_ACTIVE_USERS) break
      this.#lastSeen.delete(who)
    }
    trimBefore(this.#latencies, now - LATENCY_WINDOW_MS, MAX_LATENCY_SAMPLES)
    trimBefore(this.#arrivals, now - LATENCY_WINDOW_MS, MAX_LATENCY_SAMPLES * 2)
  }

  snapshot (): LiveSnapshot {
    this.#prune()
    const now = this.#now()
    const minutes = [...this.#minutes.entries()].sort(([a], [b]) => a - b).map(([minute, b]) => ({
      minute: new Date(minute).toISOString(), total: b.total, byEvent: Object.fromEntries(b.byEvent), failed: b.failed,
    }))
    let last1m = 0
    let last5m = 0
    for (const at of this.#lastSeen.values()) {
      if (at > now) continue
      if (at >= now - MINUTE) last1m++
      if (at >= now - 5 * MINUTE) last5m++
    }
    const failedRecently = this.#arrivals.filter(([, failed]) => failed).length
    const sorted = this.#latencies.map(([, ms]) => ms).sort((a, b) => a - b)
    return {
      now: new Date(now).toISOString(),
      minutes,
      activeUsers: { last1m, last5m },
      failedRate5m: this.#arrivals.length === 0 ? 0 : failedRecently / this.#arrivals.length,
      latencyMs: { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), samples: sorted.length },
      stored: this.#stored,
      failed: this.#failed,
      late: this.#late,
    }
  }
}

function trimBefore (samples: Array<[number, unknown]>, oldest: number, max: number): void {
  let drop = 0
  while (drop < samples.length && (samples[drop] as [number, unknown])[0] < oldest) drop++
  drop = Math.max(drop, samples.length - max)
  if (drop > 0) samples.splice(0, drop)
}

/** Nearest-rank quantile of sorted values. */
export function quantile (sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] as number
}
