// Bytes on disk of each partition's leader replica: one DescribeLogDirs per leader, as sizes are
// only known to the broker holding the replica.
import type { ClusterAdmin, PartitionInfo } from '@tackle/client'
import { partitionName } from '../cluster-snapshot.ts'

/** By partition name (topic-partition); partitions without a leader, or whose leader did not answer, are 0. */
export async function partitionSizes (admin: ClusterAdmin, partitions: ReadonlyArray<Pick<PartitionInfo, 'topic' | 'partition' | 'leader'>>): Promise<Map<string, number>> {
  const byLeader = new Map<number, Array<Pick<PartitionInfo, 'topic' | 'partition'>>>()
  for (const p of partitions) {
    if (p.leader < 0) continue
    const led = byLeader.get(p.leader)
    if (led) led.push(p)
    else byLeader.set(p.leader, [p])
  }
  const sizes = new Map<string, number>()
  await Promise.all([...byLeader].map(async ([leader, led]) => {
    const found = await admin.replicaSizes(leader, led).catch(() => new Map<string, Map<number, bigint>>())
    for (const p of led) sizes.set(partitionName(p), Number(found.get(p.topic)?.get(p.partition) ?? 0n))
  }))
  return sizes
}
