// Which replicas to move so that brokers carry an even share, as plain data. The goals and their
// thresholds follow Cruise Control's (ReplicaDistributionGoal, DiskUsageDistributionGoal,
// LeaderReplicaDistributionGoal, each balanced to within 10% of the mean, its default
// *.balance.threshold of 1.10), with its RackAwareGoal as a hard constraint: a move never lowers
// the number of racks a partition spans. Greedy like Cruise Control's: take from the most loaded
// broker, give to the least loaded, one replica at a time, and stop when within the band or when no
// move helps. A replica keeps its position when it moves; leaders are balanced by reordering
// replicas (the first is the preferred leader), which copies nothing, and a preferred-leader
// election afterwards makes it so. Goals run in order; a later goal keeps each broker's replica
// count inside the band the replica goal set.
import type { BrokerInfo, PartitionInfo } from '@tackle/client'
import { partitionName } from '../cluster-snapshot.ts'
import type { Move } from './plan-moves.ts'

export const BALANCE_GOALS = ['replicas', 'disk', 'leaders'] as const
export type BalanceGoal = (typeof BALANCE_GOALS)[number]

export interface BrokerLoad {
  broker: number
  rack: string | null
  replicas: number
  leaders: number
  bytes: number
}

export interface BalancePlan {
  moves: Move[]
  before: BrokerLoad[]
  after: BrokerLoad[]
  /** Goals left outside their band, and why. */
  unmet: Array<{ goal: BalanceGoal, reason: string }>
}

export interface BalanceOptions {
  goals?: readonly BalanceGoal[]
  /** At most this many partitions change. */
  maxMoves?: number
  /** The band around the mean, as a fraction: 0.1 is ±10%. */
  tolerance?: number
  /** Byte differences this small are not worth copying for (default 1 MiB). */
  diskSlackBytes?: number
}

interface Working {
  key: string
  topic: string
  partition: number
  from: number[]
  replicas: number[]
  bytes: number
}

/** The band a count (or byte total) may sit in: ±tolerance around the mean, never narrower than the whole numbers either side of it. */
export function band (mean: number, tolerance: number, whole: boolean): { lower: number, upper: number } {
  const lower = mean * (1 - tolerance)
  const upper = mean * (1 + tolerance)
  return whole ? { lower: Math.min(Math.floor(mean), Math.ceil(lower)), upper: Math.max(Math.ceil(mean), Math.floor(upper)) } : { lower, upper }
}

export function brokerLoads (partitions: ReadonlyArray<{ topic: string, partition: number, replicas: readonly number[] }>, brokers: readonly BrokerInfo[], sizes: ReadonlyMap<string, number>): BrokerLoad[] {
  const loads = new Map(brokers.map(b => [b.id, { broker: b.id, rack: b.rack, replicas: 0, leaders: 0, bytes: 0 }]))
  for (const p of partitions) {
    for (const [i, r] of p.replicas.entries()) {
      const load = loads.get(r)
      if (!load) continue
      load.replicas++
      load.bytes += sizes.get(partitionName(p)) ?? 0
      if (i === 0) load.leaders++
    }
  }
  return [...loads.values()].sort((a, b) => a.broker - b.broker)
}

export function balanceMoves (partitions: readonly PartitionInfo[], brokers: readonly BrokerInfo[], sizes: ReadonlyMap<string, number>, options: BalanceOptions = {}): BalancePlan {
  const goals = options.goals ?? BALANCE_GOALS
  const tolerance = options.tolerance ?? 0.1
  const maxMoves = options.maxMoves ?? Number.POSITIVE_INFINITY
  const slack = options.diskSlackBytes ?? 2 ** 20
  const rackOf = new Map(brokers.map(b => [b.id, b.rack]))
  const live = brokers.map(b => b.id)
  // Partitions without a leader, or with a replica on a broker that is not live, are left alone:
  // moving them cannot finish until they are whole again.
  const work: Working[] = partitions.filter(p => p.leader >= 0 && p.replicas.every(r => rackOf.has(r))).map(p => ({
    key: partitionName(p), topic: p.topic, partition: p.partition, from: [...p.replicas], replicas: [...p.replicas], bytes: sizes.get(partitionName(p)) ?? 0,
  }))
  const changed = new Set<string>()
  const unmet: BalancePlan['unmet'] = []
  const loads = () => new Map(brokerLoads(work, brokers, sizes).map(l => [l.broker, l]))
  const racks = (replicas: readonly number[]) => new Set(replicas.map(r => rackOf.get(r)).filter(r => r != null)).size
  const budgetLeft = (w: Working) => changed.has(w.key) || changed.size < maxMoves
  const canMove = (w: Working, from: number, to: number) => !w.replicas.includes(to) && budgetLeft(w) &&
    racks(w.replicas.map(r => r === from ? to : r)) >= racks(w.replicas)
  const move = (w: Working, from: number, to: number) => {
    w.replicas = w.replicas.map(r => r === from ? to : r)
    changed.add(w.key)
  }
  const count = (field: 'replicas' | 'leaders' | 'bytes') => {
    const now = loads()
    const total = [...now.values()].reduce((sum, l) => sum + l[field], 0)
    return { now, ...band(total / Math.max(1, live.length), tolerance, field !== 'bytes') }
  }
  // Most loaded first.
  const extremes = (now: Map<number, BrokerLoad>, field: 'replicas' | 'leaders' | 'bytes') => [...now.values()].sort((a, b) => b[field] - a[field] || a.broker - b.broker)
  const replicaBand = goals.includes('replicas') ? count('replicas') : undefined

  for (const goal of goals) {
    if (goal === 'replicas') {
      for (let guard = 0; guard < work.length * live.length + 1; guard++) {
        const { now, lower, upper } = count('replicas')
        const sorted = extremes(now, 'replicas')
        const most = sorted[0] as BrokerLoad
        if (sorted.every(l => l.replicas >= lower && l.replicas <= upper)) break
        // From the most loaded to the least that can take a replica of one of its partitions, the smallest first (least to copy), followers before leaders.
        let done = false
        for (const source of sorted.filter(l => l.replicas > lower)) {
          for (const target of [...sorted].reverse().filter(l => l.replicas < upper && l.replicas + 1 < source.replicas)) {
            const candidate = work.filter(w => w.replicas.includes(source.broker) && canMove(w, source.broker, target.broker))
              .sort((a, b) => Number(a.replicas[0] === source.broker) - Number(b.replicas[0] === source.broker) || a.bytes - b.bytes || a.key.localeCompare(b.key))[0]
            if (candidate) { move(candidate, source.broker, target.broker); done = true; break }
          }
          if (done) break
        }
        if (!done) { unmet.push({ goal, reason: `broker ${most.broker} holds ${most.replicas} replicas (band ${lower}..${upper}) and no move within the rack and replica rules${changed.size >= maxMoves ? ' and --max-moves' : ''} helps` }); break }
      }
    } else if (goal === 'disk') {
      const initial = count('bytes')
      if (initial.upper === 0) continue
      for (let guard = 0; guard < work.length * live.length + 1; guard++) {
        const { now, lower, upper } = count('bytes')
        const sorted = extremes(now, 'bytes')
        const heavy = sorted[0] as BrokerLoad
        const light = sorted.at(-1) as BrokerLoad
        const gap = heavy.bytes - light.bytes
        if ((heavy.bytes <= upper && light.bytes >= lower) || gap <= slack) break
        const keepsCount = (from: number, to: number) => !replicaBand || (((now.get(from)?.replicas ?? 0) - 1 >= replicaBand.lower) && ((now.get(to)?.replicas ?? 0) + 1 <= replicaBand.upper))
        // A single move that narrows the gap, as close to half of it as there is.
        const single = keepsCount(heavy.broker, light.broker)
          ? work.filter(w => w.replicas.includes(heavy.broker) && w.bytes > 0 && w.bytes < gap && canMove(w, heavy.broker, light.broker))
            .sort((a, b) => Math.abs(gap / 2 - a.bytes) - Math.abs(gap / 2 - b.bytes) || a.key.localeCompare(b.key))[0]
          : undefined
        if (single) { move(single, heavy.broker, light.broker); continue }
        // Otherwise a swap: a bigger partition down, a smaller one up, counts unchanged.
        let best: { down: Working, up: Working, score: number } | undefined
        for (const down of work.filter(w => w.replicas.includes(heavy.broker) && !w.replicas.includes(light.broker))) {
          for (const up of work.filter(w => w.replicas.includes(light.broker) && !w.replicas.includes(heavy.broker))) {
            const delta = down.bytes - up.bytes
            if (delta <= 0 || delta >= gap || down === up) continue
            if (!canMove(down, heavy.broker, light.broker) || !canMove(up, light.broker, heavy.broker)) continue
            const score = Math.abs(gap / 2 - delta)
            if (!best || score < best.score) best = { down, up, score }
          }
        }
        if (!best || (!changed.has(best.down.key) && !changed.has(best.up.key) && changed.size + 2 > maxMoves)) {
          unmet.push({ goal, reason: `broker ${heavy.broker} holds ${heavy.bytes} bytes (band ${Math.round(lower)}..${Math.round(upper)}) and no move or swap${changed.size >= maxMoves ? ' within --max-moves' : ''} narrows it` })
          break
        }
        move(best.down, heavy.broker, light.broker)
        move(best.up, light.broker, heavy.broker)
      }
    } else {
      for (let guard = 0; guard < work.length + 1; guard++) {
        const { now, lower, upper } = count('leaders')
        const sorted = extremes(now, 'leaders')
        if (sorted.every(l => l.leaders >= lower && l.leaders <= upper)) break
        let done = false
        for (const source of sorted.filter(l => l.leaders > lower)) {
          const options = work.filter(w => w.replicas[0] === source.broker && budgetLeft(w)).flatMap(w => w.replicas.slice(1).map(r => ({ w, r, leaders: now.get(r)?.leaders ?? 0 })))
            .filter(o => o.leaders + 1 < source.leaders).sort((a, b) => a.leaders - b.leaders || a.w.key.localeCompare(b.w.key))
          const best = options[0]
          if (best) {
            const i = best.w.replicas.indexOf(best.r)
            best.w.replicas = [best.r, ...best.w.replicas.slice(1, i), source.broker, ...best.w.replicas.slice(i + 1)]
            changed.add(best.w.key)
            done = true
            break
          }
        }
        if (!done) {
          const most = sorted[0] as BrokerLoad
          unmet.push({ goal, reason: `broker ${most.broker} is preferred leader of ${most.leaders} partitions (band ${lower}..${upper}) and no reordering helps` })
          break
        }
      }
    }
  }

  const planned = new Set(work.map(w => w.key))
  const untouched = partitions.filter(p => !planned.has(partitionName(p)))
  const moves = work.filter(w => w.replicas.some((r, i) => r !== w.from[i])).map(w => ({ topic: w.topic, partition: w.partition, from: w.from, to: w.replicas }))
  return { moves, before: brokerLoads(partitions, brokers, sizes), after: brokerLoads(work.map(w => ({ topic: w.topic, partition: w.partition, replicas: w.replicas })).concat(untouched), brokers, sizes), unmet }
}
