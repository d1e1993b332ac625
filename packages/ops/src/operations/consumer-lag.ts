// Consumer lag with Burrow's evaluation rules (linkedin/Burrow, "Consumer Lag Evaluation Rules"),
// judged over a window of samples of each partition's committed and end offsets rather than one
// look: any zero lag in the window is OK (an idle group at zero lag is never flagged); a committed
// offset that went backwards is REWIND; lag with nobody in the group is STOP; lag with members but
// a committed offset that never moved is STALL; lag that grew at every sample is WARN, as is lag
// over the optional threshold. Lag in time is read off the same window: how long ago the end of the
// log passed the committed offset.
import type { ClusterAdmin, GroupInfo } from '@tackle/client'

export const LAG_STATUSES = ['OK', 'WARN', 'REWIND', 'STALL', 'STOP', 'ERR'] as const

export type LagStatus = (typeof LAG_STATUSES)[number]

export interface LagSample {
  at: number
  committed: bigint
  end: bigint
}

export interface PartitionLag {
  topic: string
  partition: number
  committed: bigint
  end: bigint
  lagRecords: bigint
  /** How long ago the oldest unconsumed record was written, as seen from the window. */
  lagMs: number
  /** The oldest unconsumed record predates the window: lagMs is a lower bound. */
  lagMsAtLeast: boolean
  status: LagStatus
}

export interface GroupLag {
  group: string
  state: string
  status: LagStatus
  lagRecords: bigint
  partitions: PartitionLag[]
  error?: string
}

export interface LagRules {
  /** Lag in records past which a partition is WARN even when it moves. */
  thresholdRecords?: number
}

const ACTIVE_STATES = new Set(['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Assigning', 'Reconciling'])

export function isGroupActive (state: string): boolean {
  return ACTIVE_STATES.has(state)
}

export function evaluatePartition (samples: readonly LagSample[], groupActive: boolean, rules: LagRules = {}): Pick<PartitionLag, 'status' | 'lagRecords' | 'lagMs' | 'lagMsAtLeast'> {
  const last = samples.at(-1)
  if (!last) throw new Error('evaluatePartition needs at least one sample')
  const lagOf = (s: LagSample) => s.end > s.committed ? s.end - s.committed : 0n
  const lagRecords = lagOf(last)
  const first = samples[0] as LagSample
  const crossed = samples.findIndex(s => s.end > last.committed)
  const lagMs = lagRecords === 0n || crossed < 0 ? 0 : last.at - (samples[crossed] as LagSample).at
  const lagMsAtLeast = lagRecords > 0n && crossed === 0
  const result = (status: LagStatus) => ({ status, lagRecords, lagMs, lagMsAtLeast })

  if (samples.some((s, i) => i > 0 && s.committed < (samples[i - 1] as LagSample).committed)) return result('REWIND')
  if (samples.some(s => lagOf(s) === 0n)) return result('OK')
  if (!groupActive) return result('STOP')
  if (samples.length >= 2 && first.committed === last.committed) return result('STALL')
  if (samples.length >= 3 && samples.every((s, i) => i === 0 || lagOf(s) > lagOf(samples[i - 1] as LagSample))) return result('WARN')
  if (rules.thresholdRecords !== undefined && lagRecords > BigInt(rules.thresholdRecords)) return result('WARN')
  return result('OK')
}

export function worstStatus (statuses: readonly LagStatus[]): LagStatus {
  return statuses.reduce<LagStatus>((worst, s) => LAG_STATUSES.indexOf(s) > LAG_STATUSES.indexOf(worst) ? s : worst, 'OK')
}

/**
 * Keeps a window of offset samples per group and partition. `sample()` takes one look at the
 * cluster; `evaluate()` judges the window. The CLI samples a few times over seconds; the exporter
 * samples on every scrape interval and keeps the window rolling.
 */
export class LagMonitor {
  readonly #admin: ClusterAdmin
  readonly #windowSize: number
  readonly #groupFilter: ReadonlySet<string> | undefined
  readonly #samples = new Map<string, Map<string, LagSample[]>>()
  #groups = new Map<string, GroupInfo>()

  constructor (admin: ClusterAdmin, options: { windowSize?: number, groups?: readonly string[] } = {}) {
    this.#admin = admin
    this.#windowSize = options.windowSize ?? 10
    this.#groupFilter = options.groups ? new Set(options.groups) : undefined
  }

  async sample (now = Date.now()): Promise<void> {
    const listed = await this.#admin.groups()
    this.#groups = new Map(listed.filter(g => !this.#groupFilter || this.#groupFilter.has(g.id)).map(g => [g.id, g]))
    for (const id of this.#groupFilter ?? []) if (!this.#groups.has(id)) this.#groups.set(id, { id, state: 'Dead', type: 'unknown' })
    const committed = await this.#admin.committedOffsets([...this.#groups.keys()])
    const partitions = [...committed.values()].flatMap(topics => [...topics].flatMap(([topic, ps]) => [...ps.keys()].map(partition => ({ topic, partition }))))
    const ends = await this.#admin.endOffsets(partitions)
    for (const id of [...this.#samples.keys()]) if (!this.#groups.has(id)) this.#samples.delete(id)
    for (const [group, topics] of committed) {
      const perGroup = this.#samples.get(group) ?? new Map<string, LagSample[]>()
      this.#samples.set(group, perGroup)
      for (const [topic, offsets] of topics) {
        for (const [partition, offset] of offsets) {
          const end = ends.get(topic)?.get(partition)
          if (end === undefined) continue
          const key = `${topic}\0${partition}`
          const window = perGroup.get(key) ?? []
          window.push({ at: now, committed: offset, end })
          if (window.length > this.#windowSize) window.shift()
          perGroup.set(key, window)
        }
      }
    }
  }

  evaluate (rules: LagRules = {}): GroupLag[] {
    return [...this.#groups.values()].map(g => {
      const active = isGroupActive(g.state)
      const partitions: PartitionLag[] = [...(this.#samples.get(g.id) ?? new Map<string, LagSample[]>())].map(([key, window]) => {
        const [topic, partition] = key.split('\0') as [string, string]
        const last = window.at(-1) as LagSample
        return { topic, partition: Number(partition), committed: last.committed, end: last.end, ...evaluatePartition(window, active, rules) }
      }).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
      const error = g.state === 'Dead' ? 'no such group' : undefined
      return {
        group: g.id,
        state: g.state,
        status: error ? 'ERR' : worstStatus(partitions.map(p => p.status)),
        lagRecords: partitions.reduce((sum, p) => sum + p.lagRecords, 0n),
        partitions,
        ...(error ? { error } : {}),
      }
    })
  }
}
