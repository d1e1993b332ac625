// One look at the cluster, taken in one go, that health checks and restart gates judge as plain
// data: registered brokers, the KRaft quorum, and every partition with its topic's min ISR.
import type { ClusterAdmin, ClusterInfo, PartitionInfo, QuorumInfo } from '@tackle/client'

export interface SnapshotPartition extends PartitionInfo {
  minIsr: number
}

export interface ClusterSnapshot {
  takenAt: number
  cluster: ClusterInfo
  /** Null when the quorum could not be described (an old broker, or no controller reachable). */
  quorum: QuorumInfo | null
  partitions: SnapshotPartition[]
  /** Brokers that should be there: as given, else every broker registered or holding a replica. */
  expectedBrokers: number[]
}

export async function takeSnapshot (admin: ClusterAdmin, expectedBrokers?: readonly number[]): Promise<ClusterSnapshot> {
  // First on its own, so that an unreachable cluster is reported as such.
  const cluster = await admin.describeCluster()
  const [quorum, partitions] = await Promise.all([admin.describeQuorum().catch(() => null), admin.partitions()])
  const topics = [...new Set(partitions.map(p => p.topic))]
  const configs = await admin.configs('topic', topics)
  const expected = expectedBrokers ?? [...new Set([...cluster.brokers.map(b => b.id), ...partitions.flatMap(p => p.replicas)])]
  return {
    takenAt: Date.now(),
    cluster,
    quorum,
    partitions: partitions.map(p => ({ ...p, minIsr: Number(configs.get(p.topic)?.get('min.insync.replicas') ?? 1) })),
    expectedBrokers: [...expected].sort((a, b) => a - b),
  }
}

export function partitionName (p: { topic: string, partition: number }): string {
  return `${p.topic}-${p.partition}`
}
