// Every replication throttle still set anywhere, read back with describe configs: what the
// reassignment tests check is empty at the end.
import type { ClusterAdmin } from '@tackle/client'
import { BROKER_RATE_KEYS, TOPIC_REPLICA_KEYS } from '../src/reassign/throttles.ts'

export async function throttlesLeft (admin: ClusterAdmin, brokerIds: readonly number[], topics: readonly string[]): Promise<string[]> {
  const found: string[] = []
  for (const [id, configs] of await admin.configEntries('broker', brokerIds.map(String))) {
    for (const key of BROKER_RATE_KEYS) if (configs.get(key)?.source === 'broker') found.push(`broker ${id} ${key}`)
  }
  for (const [topic, configs] of await admin.configEntries('topic', topics)) {
    for (const key of TOPIC_REPLICA_KEYS) if (configs.get(key)?.source === 'topic' && configs.get(key)?.value) found.push(`${topic} ${key}`)
  }
  return found
}
