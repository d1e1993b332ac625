// How far the moves are, judged as plain data from one look at the cluster. A move is done when no
// reassignment of its partition runs and its replicas are its target. Risk follows the ISR: a
// partition sitting at min ISR because a replica that should be in sync is not pauses new moves
// (copying more could push it under), and one under min ISR stops them. Replicas on the broker
// being removed, and replicas still being added, do not count as missing.
import type { Reassignment } from '@tackle/client'
import { partitionName, type ClusterSnapshot, type SnapshotPartition } from '../cluster-snapshot.ts'
import { moveEnds, type Move } from './plan-moves.ts'

export interface MoveStatus {
  done: Move[]
  inFlight: Move[]
  pending: Move[]
  /** In-flight moves onto a broker that is not registered now: they cannot finish. */
  stuck: Array<{ move: Move, brokers: number[] }>
  /** Partitions at min ISR with an expected replica out of sync: no new moves start. */
  atMinIsr: SnapshotPartition[]
  /** Partitions under min ISR with an expected replica out of sync: the reassignment stops. */
  underMinIsr: SnapshotPartition[]
}

function sameReplicas (a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((r, i) => r === b[i])
}

/** Replicas that should be in the ISR and are not. */
export function missingReplicas (p: SnapshotPartition, leaving: ReadonlySet<number>, adding: ReadonlySet<number>): number[] {
  return p.replicas.filter(r => !p.isr.includes(r) && !leaving.has(r) && !adding.has(r))
}

export function moveStatus (moves: readonly Move[], snapshot: ClusterSnapshot, running: readonly Reassignment[], leaving: ReadonlySet<number>): MoveStatus {
  const partitions = new Map(snapshot.partitions.map(p => [partitionName(p), p]))
  const reassigning = new Map(running.map(r => [partitionName(r), r]))
  const live = new Set(snapshot.cluster.brokers.map(b => b.id))
  const status: MoveStatus = { done: [], inFlight: [], pending: [], stuck: [], atMinIsr: [], underMinIsr: [] }
  for (const move of moves) {
    const name = partitionName(move)
    const partition = partitions.get(name)
    // A deleted topic has nothing left to move.
    if (!partition || (!reassigning.has(name) && sameReplicas(partition.replicas, move.to))) status.done.push(move)
    // Submitted but not running means the run that submitted it died before Kafka took it: again.
    else if (reassigning.has(name)) status.inFlight.push(move)
    else status.pending.push(move)
  }
  for (const move of status.inFlight) {
    const down = moveEnds(move).adding.filter(r => !live.has(r))
    if (down.length > 0) status.stuck.push({ move, brokers: down })
  }
  for (const p of snapshot.partitions) {
    const adding = new Set(reassigning.get(partitionName(p))?.adding ?? [])
    if (missingReplicas(p, leaving, adding).length === 0) continue
    if (p.isr.length < p.minIsr) status.underMinIsr.push(p)
    else if (p.isr.length === p.minIsr) status.atMinIsr.push(p)
  }
  return status
}

/** Pending moves that can start now without any broker taking part in more than `maxPerBroker` moves. */
export function nextMoves (status: MoveStatus, maxPerBroker: number): Move[] {
  const busy = new Map<number, number>()
  const count = (move: Move) => {
    const { adding, removing } = moveEnds(move)
    return [...adding, ...removing]
  }
  for (const move of status.inFlight) for (const b of count(move)) busy.set(b, (busy.get(b) ?? 0) + 1)
  const chosen: Move[] = []
  for (const move of status.pending) {
    const brokers = count(move)
    if (brokers.some(b => (busy.get(b) ?? 0) >= maxPerBroker)) continue
    for (const b of brokers) busy.set(b, (busy.get(b) ?? 0) + 1)
    chosen.push(move)
  }
  return chosen
}
