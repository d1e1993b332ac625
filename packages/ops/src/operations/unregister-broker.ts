// The end of a replacement or decommission: a broker that is gone for good stays registered (fenced)
// in the KRaft metadata until it is unregistered (UnregisterBroker, API 64, KIP-631; Kafka's
// `kafka-cluster unregister`), and health and Kafka's own tools go on listing it. A broker still
// running would only register again, and one still holding replicas would leave them pointing at
// nobody, so both are refused.
import type { ClusterAdmin } from '@tackle/client'
import { partitionName } from '../cluster-snapshot.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export interface UnregisterOutcome {
  brokerId: number
  unregistered: boolean
  /** Why it was left registered, when it was. */
  reason: string | null
}

export async function unregisterBroker (admin: ClusterAdmin, brokerId: number): Promise<void> {
  if ((await admin.describeCluster()).brokers.some(b => b.id === brokerId)) {
    throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `broker ${brokerId} is running and registered: stop it first, or it registers again at its next heartbeat`, { brokerId })
  }
  const holding = (await admin.partitions()).filter(p => p.replicas.includes(brokerId))
  if (holding.length > 0) {
    throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `broker ${brokerId} still holds replicas of ${holding.length} partitions (${holding.slice(0, 3).map(partitionName).join(', ')}): move them first (tackle broker replace or decommission)`, { brokerId, partitions: holding.map(partitionName) })
  }
  await admin.unregisterBroker(brokerId)
}

/**
 * After the moves: `true` unregisters (refusing a live broker), `false` leaves it, and undefined
 * (the default) unregisters only a broker that is not running.
 */
export async function finishRemoval (admin: ClusterAdmin, brokerId: number, unregister: boolean | undefined): Promise<UnregisterOutcome> {
  if (unregister === false) return { brokerId, unregistered: false, reason: 'not asked to (--no-unregister)' }
  if (unregister === undefined && (await admin.describeCluster()).brokers.some(b => b.id === brokerId)) {
    return { brokerId, unregistered: false, reason: `broker ${brokerId} is still running; stop it, then run \`tackle broker unregister ${brokerId}\`` }
  }
  await unregisterBroker(admin, brokerId)
  return { brokerId, unregistered: true, reason: null }
}
