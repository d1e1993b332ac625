// The safety gate before restarting one broker, after Strimzi's KafkaRoller canRoll: for every
// partition with a replica on the broker, replicas ≤ minISR only warns (such a partition stops
// taking acks=all writes whenever any replica restarts, whatever we do); ISR < minISR blocks; ISR
// == minISR with the broker in the ISR blocks. On top of that the rest of the cluster must be
// healthy (no offline partition, nothing under-replicated but for this broker's own replicas), and
// the KRaft quorum must keep a majority of caught-up voters without this node.
import { partitionName, type ClusterSnapshot } from '../cluster-snapshot.ts'
import { caughtUpVoters, defaultHealthOptions, type HealthOptions } from '../operations/check-health.ts'

export type BlockReason = 'offline' | 'under-min-isr' | 'at-min-isr' | 'under-replicated' | 'quorum-lagging' | 'quorum-no-leader'

export interface GateFinding {
  reason: BlockReason | 'replicas-at-most-min-isr'
  /** topic-partition, when the finding is about one. */
  partition?: string
  detail: string
}

export interface GateVerdict {
  brokerId: number
  canRoll: boolean
  blockers: GateFinding[]
  warnings: GateFinding[]
}

export function canRoll (brokerId: number, snapshot: ClusterSnapshot, options: HealthOptions = defaultHealthOptions): GateVerdict {
  const blockers: GateFinding[] = []
  const warnings: GateFinding[] = []
  const registered = new Set(snapshot.cluster.brokers.map(b => b.id))
  for (const p of snapshot.partitions) {
    const partition = partitionName(p)
    if (p.leader < 0 || !registered.has(p.leader)) {
      blockers.push({ reason: 'offline', partition, detail: `${partition} is offline` })
      continue
    }
    const hosted = p.replicas.includes(brokerId)
    if (hosted && p.replicas.length <= p.minIsr) {
      warnings.push({ reason: 'replicas-at-most-min-isr', partition, detail: `${partition} has ${p.replicas.length} replicas and min.insync.replicas ${p.minIsr}: acks=all writes to it stop while broker ${brokerId} restarts` })
      continue
    }
    if (hosted && p.isr.length < p.minIsr) {
      blockers.push({ reason: 'under-min-isr', partition, detail: `${partition} has ISR ${p.isr.join(',')}, under min.insync.replicas ${p.minIsr}` })
    } else if (hosted && p.isr.length === p.minIsr && p.isr.includes(brokerId)) {
      blockers.push({ reason: 'at-min-isr', partition, detail: `${partition} has ISR ${p.isr.join(',')} = min.insync.replicas ${p.minIsr} and broker ${brokerId} is in it: restarting it stops writes` })
    } else {
      const othersMissing = p.replicas.filter(r => r !== brokerId && !p.isr.includes(r))
      if (othersMissing.length > 0) blockers.push({ reason: 'under-replicated', partition, detail: `${partition} is under-replicated: broker${othersMissing.length > 1 ? 's' : ''} ${othersMissing.join(',')} out of sync` })
    }
  }
  const quorum = snapshot.quorum
  if (quorum && quorum.leaderId < 0) blockers.push({ reason: 'quorum-no-leader', detail: 'the KRaft quorum has no leader' })
  if (quorum && quorum.leaderId >= 0 && quorum.voters.length > 0) {
    const majority = Math.floor(quorum.voters.length / 2) + 1
    const remaining = caughtUpVoters(snapshot, options).filter(id => id !== brokerId)
    if (remaining.length < majority) {
      const lagging = quorum.voters.filter(v => v.id !== brokerId && !remaining.includes(v.id)).map(v => v.id)
      blockers.push({ reason: 'quorum-lagging', detail: `without node ${brokerId} only ${remaining.length} of ${quorum.voters.length} controllers are caught up (${majority} needed); lagging: ${lagging.join(',') || 'none'}` })
    }
  }
  return { brokerId, canRoll: blockers.length === 0, blockers, warnings }
}
