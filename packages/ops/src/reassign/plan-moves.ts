// Which replicas move where, as plain data. A replacement is a 1:1 substitute: OLD's id is swapped
// for NEW's in place, so each replica keeps its position (the first is the preferred leader) and,
// on the same rack, its rack. A decommission or a raised replication factor needs new homes: each
// goes to the least loaded live broker that holds no replica of the partition yet, preferring a rack
// the partition is not on (Kafka's rack-aware assignment), so the load stays even.
import type { BrokerInfo, PartitionInfo } from '@tackle/client'
import { partitionName } from '../cluster-snapshot.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export interface Move {
  topic: string
  partition: number
  from: number[]
  to: number[]
}

/** Replicas per broker, the load new replicas are spread against. */
export function replicaCounts (partitions: readonly PartitionInfo[], brokers: readonly BrokerInfo[]): Map<number, number> {
  const counts = new Map(brokers.map(b => [b.id, 0]))
  for (const p of partitions) for (const r of p.replicas) if (counts.has(r)) counts.set(r, (counts.get(r) as number) + 1)
  return counts
}

/** The broker for one more replica of a partition; the load is counted as it is placed. */
export function pickBroker (holding: readonly number[], brokers: readonly BrokerInfo[], load: Map<number, number>): BrokerInfo | undefined {
  const racks = new Set(holding.map(id => brokers.find(b => b.id === id)?.rack).filter(r => r != null))
  const candidates = brokers.filter(b => !holding.includes(b.id))
  const score = (b: BrokerInfo) => (b.rack != null && racks.has(b.rack) ? 1e9 : 0) + (load.get(b.id) ?? 0)
  const best = candidates.sort((a, b) => score(a) - score(b) || a.id - b.id)[0]
  if (best) load.set(best.id, (load.get(best.id) ?? 0) + 1)
  return best
}

export function replaceMoves (partitions: readonly PartitionInfo[], oldId: number, newId: number): Move[] {
  if (oldId === newId) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `OLD and NEW are both broker ${oldId}`)
  const hosted = partitions.filter(p => p.replicas.includes(oldId))
  const clash = hosted.filter(p => p.replicas.includes(newId))
  if (clash.length > 0) {
    throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `broker ${newId} already holds a replica of ${clash.length} partitions that broker ${oldId} holds (${clash.slice(0, 3).map(partitionName).join(', ')}): a 1:1 replacement needs a broker that holds none; use decommission`, { partitions: clash.map(partitionName) })
  }
  return hosted.map(p => ({ topic: p.topic, partition: p.partition, from: [...p.replicas], to: p.replicas.map(r => r === oldId ? newId : r) }))
}

/** Moves every replica off `brokerId`, each to its position's new home, spread over `brokers` (the live ones). */
export function decommissionMoves (partitions: readonly PartitionInfo[], brokerId: number, brokers: readonly BrokerInfo[]): Move[] {
  const targets = brokers.filter(b => b.id !== brokerId)
  const load = replicaCounts(partitions, targets)
  return partitions.filter(p => p.replicas.includes(brokerId)).map(p => {
    const holding = p.replicas.filter(r => r !== brokerId)
    const home = pickBroker(holding, targets, load)
    if (!home) {
      throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `${partitionName(p)} has ${p.replicas.length} replicas but only ${targets.length} other live brokers: add a broker first, or replace ${brokerId} 1:1`, { brokerId, partitions: [partitionName(p)] })
    }
    return { topic: p.topic, partition: p.partition, from: [...p.replicas], to: p.replicas.map(r => r === brokerId ? home.id : r) }
  })
}

/** Adds replicas to each partition until it has `replicationFactor`. */
export function raiseReplicationMoves (partitions: readonly PartitionInfo[], replicationFactor: number, brokers: readonly BrokerInfo[], load = replicaCounts(partitions, brokers)): Move[] {
  return partitions.filter(p => p.replicas.length < replicationFactor).map(p => {
    const to = [...p.replicas]
    while (to.length < replicationFactor) {
      const home = pickBroker(to, brokers, load)
      if (!home) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `${partitionName(p)} cannot get ${replicationFactor} replicas on ${brokers.length} live brokers`, { partitions: [partitionName(p)] })
      to.push(home.id)
    }
    return { topic: p.topic, partition: p.partition, from: [...p.replicas], to }
  })
}

/** Brokers gaining a replica, and brokers losing one. */
export function moveEnds (move: Move): { adding: number[], removing: number[] } {
  return { adding: move.to.filter(r => !move.from.includes(r)), removing: move.from.filter(r => !move.to.includes(r)) }
}
