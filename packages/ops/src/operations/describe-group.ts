// A consumer group as an operator looks at it (kafka-consumer-groups --describe, kafka-ui's group
// page): members and what each is assigned, committed offsets, lag in records, lag in time (how old
// the first unconsumed record is, read from the log itself rather than estimated), and the lag
// monitor's status for one look.
import type { ClusterAdmin, GroupMemberInfo, TopicReader } from '@tackle/client'
import { LagMonitor, worstStatus, type LagStatus } from './consumer-lag.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export interface GroupPartitionReport {
  topic: string
  partition: number
  /** Null where the group holds the partition but never committed on it. */
  committed: bigint | null
  end: bigint
  lagRecords: bigint | null
  /** Age of the oldest unconsumed record; 0 without lag, null where it could not be read. */
  lagMs: number | null
  status: LagStatus
  /** The member assigned the partition now, if any. */
  member: string | null
}

export interface GroupReport {
  group: string
  state: string
  type: string
  coordinator: number
  members: GroupMemberInfo[]
  partitions: GroupPartitionReport[]
  lagRecords: bigint
  lagMs: number | null
  status: LagStatus
}

export interface GroupSummary {
  group: string
  state: string
  type: string
  members: number
  lagRecords: bigint
  status: LagStatus
}

async function oldestUnconsumedMs (reader: TopicReader, topic: string, partition: number, committed: bigint, now: number): Promise<number | null> {
  try {
    for await (const record of reader.read(topic, new Map([[partition, committed]]))) return Math.max(0, now - record.timestampMs)
  } catch {
    // Lag in time is a nicety beside lag in records: a partition that cannot be read leaves it unknown.
  }
  return null
}

export async function describeGroup (admin: ClusterAdmin, reader: TopicReader | undefined, groupId: string): Promise<GroupReport> {
  const description = await admin.describeGroup(groupId)
  if (description.state === 'Dead') throw new OpsError(OpsErrorCodes.GROUP_NOT_FOUND, `no consumer group ${groupId}`, { group: groupId })
  const monitor = new LagMonitor(admin, { windowSize: 1, groups: [groupId] })
  await monitor.sample()
  const lag = monitor.evaluate()[0]
  const owners = new Map(description.members.flatMap(m => m.assignment.map(a => [`${a.topic}\0${a.partition}`, m.clientId ? `${m.clientId} (${m.id})` : m.id])))
  const now = Date.now()
  const partitions: GroupPartitionReport[] = []
  for (const p of lag?.partitions ?? []) {
    const lagMs = p.lagRecords === 0n ? 0 : reader ? await oldestUnconsumedMs(reader, p.topic, p.partition, p.committed, now) : null
    partitions.push({ topic: p.topic, partition: p.partition, committed: p.committed, end: p.end, lagRecords: p.lagRecords, lagMs, status: p.status, member: owners.get(`${p.topic}\0${p.partition}`) ?? null })
  }
  const uncommitted = description.members.flatMap(m => m.assignment).filter(a => !partitions.some(p => p.topic === a.topic && p.partition === a.partition))
  const ends = await admin.endOffsets(uncommitted)
  for (const a of uncommitted) {
    partitions.push({ topic: a.topic, partition: a.partition, committed: null, end: ends.get(a.topic)?.get(a.partition) ?? 0n, lagRecords: null, lagMs: null, status: 'OK', member: owners.get(`${a.topic}\0${a.partition}`) ?? null })
  }
  partitions.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  const ages = partitions.map(p => p.lagMs).filter(ms => ms !== null)
  return {
    group: groupId,
    state: description.state,
    type: description.type,
    coordinator: description.coordinator,
    members: description.members,
    partitions,
    lagRecords: partitions.reduce((sum, p) => sum + (p.lagRecords ?? 0n), 0n),
    lagMs: ages.length > 0 ? Math.max(...ages) : null,
    status: worstStatus(partitions.map(p => p.status)),
  }
}

/** Every consumer group with its member count, total lag and status, from one look. */
export async function listGroups (admin: ClusterAdmin): Promise<GroupSummary[]> {
  const groups = await admin.groups()
  const monitor = new LagMonitor(admin, { windowSize: 1 })
  await monitor.sample()
  const lags = new Map(monitor.evaluate().map(g => [g.group, g]))
  const summaries: GroupSummary[] = []
  for (const g of groups) {
    const members = (await admin.describeGroup(g.id, g).catch(() => undefined))?.members.length ?? 0
    const lag = lags.get(g.id)
    summaries.push({ group: g.id, state: g.state, type: g.type, members, lagRecords: lag?.lagRecords ?? 0n, status: lag?.status ?? 'OK' })
  }
  return summaries
}
