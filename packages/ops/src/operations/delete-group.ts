// Deleting a consumer group as `kafka-consumer-groups --delete` does: only with no active members.
import type { ClusterAdmin } from '@tackle/client'
import { OpsError, OpsErrorCodes } from '../errors.ts'
import { requireNoMembers } from './reset-offsets.ts'

/** Deletes a group with no active members, as `kafka-consumer-groups --delete` does. */
export async function deleteGroup (admin: ClusterAdmin, group: string): Promise<void> {
  if (!(await admin.groups()).some(g => g.id === group)) throw new OpsError(OpsErrorCodes.GROUP_NOT_FOUND, `no consumer group ${group}`, { group })
  await requireNoMembers(admin, group, 'delete')
  await admin.deleteGroup(group)
}
