// Resetting a consumer group's offsets as Kafka's own `kafka-consumer-groups --reset-offsets` does
// (ConsumerGroupCommand.resetOffsets): refused while the group has active members, whose next commit
// would overwrite the reset; --to-datetime resolves by ListOffsets on the timestamp (the end where
// no record is that late); all partitions in one OffsetCommit. Unlike Kafka's tool, an explicit
// offset or a shift that leaves the log is refused with the valid range rather than clamped, so an
// operator never applies a position other than the one printed; and the commit is read back.
import type { ClusterAdmin, TopicPartition } from '@tackle/client'
import { partitionName } from '../cluster-snapshot.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export type ResetTarget =
  | { to: 'earliest' }
  | { to: 'latest' }
  | { to: 'datetime', timestampMs: number }
  | { to: 'offset', offset: bigint }
  | { to: 'shift', by: bigint }

/** A topic, with some of its partitions or (none named) all of them. */
export interface TopicSelection {
  topic: string
  partitions?: number[]
}

export interface PartitionPosition extends TopicPartition {
  /** Null where the group never committed on the partition. */
  current: bigint | null
  earliest: bigint
  latest: bigint
  /** The first offset at or after the datetime asked for, when resetting to one. */
  atTime?: bigint
}

export interface OffsetResetRow extends TopicPartition {
  current: bigint | null
  target: bigint
  earliest: bigint
  latest: bigint
  lagAfter: bigint
}

export interface OffsetResetPlan {
  group: string
  target: ResetTarget
  partitions: OffsetResetRow[]
  /** False for a dry run. */
  applied: boolean
}

export interface ResetOffsetsOptions {
  admin: ClusterAdmin
  group: string
  target: ResetTarget
  /** Which partitions; by default every partition the group has committed on. */
  topics?: readonly TopicSelection[]
  dryRun?: boolean
}

export function describeTarget (target: ResetTarget): string {
  if (target.to === 'datetime') return `the first offset at or after ${new Date(target.timestampMs).toISOString()}`
  if (target.to === 'offset') return `offset ${target.offset}`
  if (target.to === 'shift') return `a shift of ${target.by > 0n ? '+' : ''}${target.by}`
  return `the ${target.to} offset`
}

/** Where each partition goes; refuses, naming every partition and its valid range, when one would leave the log. */
export function planOffsetReset (target: ResetTarget, positions: readonly PartitionPosition[]): OffsetResetRow[] {
  const rows = positions.map(p => {
    const from = p.current ?? p.earliest
    const goal = target.to === 'earliest' ? p.earliest
      : target.to === 'latest' ? p.latest
        : target.to === 'datetime' ? (p.atTime ?? p.latest)
          : target.to === 'offset' ? target.offset
            : from + target.by
    return { topic: p.topic, partition: p.partition, current: p.current, target: goal, earliest: p.earliest, latest: p.latest, lagAfter: p.latest > goal ? p.latest - goal : 0n }
  })
  const outside = rows.filter(r => r.target < r.earliest || r.target > r.latest)
  if (outside.length > 0) {
    throw new OpsError(OpsErrorCodes.OFFSET_OUT_OF_RANGE, `${describeTarget(target)} is outside the log of ${outside.map(r => `${partitionName(r)} (would be ${r.target}; valid ${r.earliest}..${r.latest})`).join(', ')}`, { partitions: outside.map(partitionName) })
  }
  return rows
}

/** Refuses while the group has members, naming them. */
export async function requireNoMembers (admin: ClusterAdmin, group: string, doing: string): Promise<void> {
  const description = await admin.describeGroup(group)
  if (description.members.length > 0) {
    const names = description.members.map(m => `${m.clientId || '?'}@${m.host || '?'} (${m.id})`)
    throw new OpsError(OpsErrorCodes.GROUP_ACTIVE, `cannot ${doing} group ${group}: it has ${names.length} active member${names.length === 1 ? '' : 's'}: ${names.join(', ')}`, { group })
  }
}

async function selectedPartitions (admin: ClusterAdmin, group: string, committed: Map<string, Map<number, bigint>> | undefined, topics: readonly TopicSelection[] | undefined): Promise<TopicPartition[]> {
  if (!topics || topics.length === 0) {
    const all = [...(committed ?? new Map<string, Map<number, bigint>>())].flatMap(([topic, ps]) => [...ps.keys()].map(partition => ({ topic, partition })))
    if (all.length === 0) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `group ${group} has committed no offsets: name the partitions to set with --topic`, { group })
    return all
  }
  const known = await admin.partitions(topics.map(t => t.topic))
  return topics.flatMap(selection => {
    const ids = known.filter(p => p.topic === selection.topic).map(p => p.partition)
    if (ids.length === 0) throw new OpsError(OpsErrorCodes.TOPIC_NOT_FOUND, `no topic ${selection.topic}`, { topic: selection.topic })
    const missing = (selection.partitions ?? []).filter(p => !ids.includes(p))
    if (missing.length > 0) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `topic ${selection.topic} has partitions 0..${Math.max(...ids)}, not ${missing.join(', ')}`, { topic: selection.topic })
    return (selection.partitions ?? ids).map(partition => ({ topic: selection.topic, partition }))
  })
}

export async function resetOffsets (options: ResetOffsetsOptions): Promise<OffsetResetPlan> {
  const { admin, group, target } = options
  const listed = (await admin.groups()).find(g => g.id === group)
  // A group that does not exist yet may be given offsets (Kafka's tool allows it), but only for named topics.
  if (!listed && !options.topics?.length) throw new OpsError(OpsErrorCodes.GROUP_NOT_FOUND, `no consumer group ${group}`, { group })
  await requireNoMembers(admin, group, 'reset the offsets of')
  const committed = (await admin.committedOffsets([group])).get(group)
  const partitions = await selectedPartitions(admin, group, committed, options.topics)
  const [earliest, latest, atTime] = await Promise.all([
    admin.offsetsAt(partitions, 'earliest'),
    admin.offsetsAt(partitions, 'latest'),
    target.to === 'datetime' ? admin.offsetsAt(partitions, { timestampMs: target.timestampMs }) : undefined,
  ])
  const positions = partitions.map(p => ({
    ...p,
    current: committed?.get(p.topic)?.get(p.partition) ?? null,
    earliest: earliest.get(p.topic)?.get(p.partition) ?? 0n,
    latest: latest.get(p.topic)?.get(p.partition) ?? 0n,
    ...(atTime ? { atTime: atTime.get(p.topic)?.get(p.partition) ?? 0n } : {}),
  }))
  const rows = planOffsetReset(target, positions).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  if (options.dryRun) return { group, target, partitions: rows, applied: false }
  // Members may have joined while the plan was made.
  await requireNoMembers(admin, group, 'reset the offsets of')
  await admin.commitGroupOffsets(group, rows.map(r => ({ topic: r.topic, partition: r.partition, offset: r.target })))
  const readBack = (await admin.committedOffsets([group])).get(group)
  const wrong = rows.filter(r => readBack?.get(r.topic)?.get(r.partition) !== r.target)
  if (wrong.length > 0) {
    throw new OpsError(OpsErrorCodes.READ_BACK_MISMATCH, `after the commit, ${wrong.map(r => `${partitionName(r)} reads ${readBack?.get(r.topic)?.get(r.partition) ?? 'nothing'}, not ${r.target}`).join('; ')}`, { group, partitions: wrong.map(partitionName) })
  }
  return { group, target, partitions: rows, applied: true }
}
