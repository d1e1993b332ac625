// Deleting a topic: refused for Kafka's internal topics and while a consumer group with members
// reads it, so a typo cannot take away what a running service consumes.
import type { ClusterAdmin } from '@tackle/client'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export async function deleteTopic (admin: ClusterAdmin, name: string): Promise<void> {
  if (name.startsWith('__')) throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `${name} is one of Kafka's internal topics and is not deleted`, { topic: name })
  if ((await admin.partitions([name])).length === 0) throw new OpsError(OpsErrorCodes.TOPIC_NOT_FOUND, `no topic ${name}`, { topic: name })
  const readers: string[] = []
  for (const group of await admin.groups()) {
    const description = await admin.describeGroup(group.id, group).catch(() => undefined)
    if (description?.members.some(m => m.assignment.some(a => a.topic === name))) readers.push(group.id)
  }
  if (readers.length > 0) throw new OpsError(OpsErrorCodes.TOPIC_IN_USE, `topic ${name} is being consumed by ${readers.join(', ')}: stop those consumers first`, { topic: name, group: readers[0] })
  await admin.deleteTopic(name)
}
