// Topics as kafka-ui's and AKHQ's topic lists show them: partitions with leader, replicas and ISR,
// bytes on disk (the leader replica's, from DescribeLogDirs), messages (end minus start offset,
// exact for topics without compaction or transactions), and the settings that decide durability
// and retention.
import type { ClusterAdmin } from '@tackle/client'
import { partitionName } from '../cluster-snapshot.ts'
import { partitionSizes } from '../reassign/partition-sizes.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export interface TopicPartitionReport {
  partition: number
  leader: number
  replicas: number[]
  isr: number[]
  earliest: string
  latest: string
  sizeBytes: number
}

export interface TopicReport {
  topic: string
  internal: boolean
  partitions: TopicPartitionReport[]
  replicationFactor: number
  minInsyncReplicas: number
  underReplicated: number
  messages: number
  sizeBytes: number
  retentionMs: number | null
  retentionBytes: number | null
  cleanupPolicy: string
  /** Every config set on the topic itself (not a default). */
  configs: Record<string, string>
}

function limit (value: string | null | undefined): number | null {
  const n = Number(value ?? -1)
  return Number.isFinite(n) && n >= 0 ? n : null
}

/** Every topic, or those named (refusing a name that does not exist). */
export async function describeTopics (admin: ClusterAdmin, names?: readonly string[]): Promise<TopicReport[]> {
  const partitions = await admin.partitions(names)
  const topics = [...new Set(partitions.map(p => p.topic))]
  const missing = (names ?? []).filter(n => !topics.includes(n))
  if (missing.length > 0) throw new OpsError(OpsErrorCodes.TOPIC_NOT_FOUND, `no topic ${missing.join(', ')}`, { topic: missing[0] })
  const [configs, earliest, latest, sizes] = await Promise.all([
    admin.configEntries('topic', topics),
    admin.offsetsAt(partitions, 'earliest'),
    admin.offsetsAt(partitions, 'latest'),
    partitionSizes(admin, partitions),
  ])
  return topics.map(topic => {
    const own = partitions.filter(p => p.topic === topic)
    const entries = configs.get(topic) ?? new Map()
    const rows = own.map(p => ({
      partition: p.partition, leader: p.leader, replicas: p.replicas, isr: p.isr,
      earliest: String(earliest.get(topic)?.get(p.partition) ?? 0n), latest: String(latest.get(topic)?.get(p.partition) ?? 0n),
      sizeBytes: sizes.get(partitionName(p)) ?? 0,
    }))
    return {
      topic,
      internal: topic.startsWith('__'),
      partitions: rows,
      replicationFactor: Math.min(...own.map(p => p.replicas.length)),
      minInsyncReplicas: Number(entries.get('min.insync.replicas')?.value ?? 1),
      underReplicated: own.filter(p => p.isr.length < p.replicas.length).length,
      messages: rows.reduce((sum, r) => sum + Number(BigInt(r.latest) - BigInt(r.earliest)), 0),
      sizeBytes: rows.reduce((sum, r) => sum + r.sizeBytes, 0),
      retentionMs: limit(entries.get('retention.ms')?.value),
      retentionBytes: limit(entries.get('retention.bytes')?.value),
      cleanupPolicy: entries.get('cleanup.policy')?.value ?? 'delete',
      configs: Object.fromEntries([...entries].filter(([, e]) => e.source === 'topic' && e.value !== null).map(([k, e]) => [k, e.value as string])),
    }
  })
}
