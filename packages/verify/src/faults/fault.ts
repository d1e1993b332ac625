// A fault is an episode's cause: start() does it and says what it did, heal() undoes it. Faults act
// on the local cluster's processes (signals) or through Tackle's own operations (a roll).
import type { ClusterAdmin } from '@tackle/client'
import type { LocalCluster } from '@tackle/local-kafka'

export interface FaultContext {
  cluster: LocalCluster
  admin: ClusterAdmin
  topic: string
  /** A number in [0, 1): seeded, so that a run's choices can be repeated. */
  random: () => number
  signal?: AbortSignal
}

export interface ActiveFault {
  detail: string
  heal (): Promise<void>
}

/** A fault over a context; the pipeline target's faults need more of it than the broker faults. */
export interface Fault<C extends FaultContext = FaultContext> {
  name: string
  description: string
  start (context: C): Promise<ActiveFault>
}

/** The leader of one of the topic's partitions, picked at random, and that partition. */
export async function randomLeader (context: FaultContext): Promise<{ leader: number, partition: number }> {
  const led = (await context.admin.partitions([context.topic])).filter(p => p.leader >= 0)
  const chosen = led[Math.floor(context.random() * led.length)]
  if (!chosen) throw new Error(`no partition of ${context.topic} has a leader`)
  return { leader: chosen.leader, partition: chosen.partition }
}
