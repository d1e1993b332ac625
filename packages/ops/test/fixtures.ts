// Plain-data cluster snapshots for the pure checks: three brokers, a healthy quorum led by 1.
import type { ClusterSnapshot, SnapshotPartition } from '../src/cluster-snapshot.ts'

export function partition (topic: string, index: number, replicas: number[], isr = replicas, minIsr = 2, leader = isr[0] ?? -1): SnapshotPartition {
  return { topic, partition: index, leader, replicas, isr, offlineReplicas: [], minIsr }
}

export function snapshot (partitions: SnapshotPartition[], changes: Partial<ClusterSnapshot> = {}): ClusterSnapshot {
  return {
    takenAt: 0,
    cluster: { clusterId: 'c', controllerId: 1, brokers: [1, 2, 3].map(id => ({ id, host: '127.0.0.1', port: 9000 + id, rack: null })) },
    quorum: { leaderId: 1, leaderEpoch: 1, highWatermark: 100n, observers: [], voters: [{ id: 1, logEndOffset: 100n, lagMs: 0 }, { id: 2, logEndOffset: 100n, lagMs: 50 }, { id: 3, logEndOffset: 100n, lagMs: 80 }] },
    partitions,
    expectedBrokers: [1, 2, 3],
    ...changes,
  }
}
