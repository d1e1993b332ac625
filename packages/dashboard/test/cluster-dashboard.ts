// A dashboard with the cluster pages on the shared Kafka cluster, over an empty in-memory store,
// and a fresh topic with JSON messages: what the topics and groups tests start from.
import { ClusterAdmin, TopicReader } from '@tackle/client'
import { testBrokers, testTopicName, type CleanupContext } from '@tackle/client/testkit'
import { DuckDbStore, LiveStats } from '@tackle/pipeline'
import { Producer, stringSerializers } from '@platformatic/kafka'
import { startDashboard, type Dashboard } from '../src/server.ts'

export interface ClusterDashboard {
  dashboard: Dashboard
  admin: ClusterAdmin
  brokers: string[]
}

export async function startClusterDashboard (t: CleanupContext, token: string): Promise<ClusterDashboard> {
  const brokers = await testBrokers()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  const reader = new TopicReader({ bootstrapBrokers: brokers })
  const store = await DuckDbStore.open(':memory:')
  const dashboard = await startDashboard({ store, stats: new LiveStats(), token, port: 0, cluster: { admin, groups: [], reader } })
  t.after(async () => { await dashboard.close(); await Promise.all([admin.close(), reader.close(), store.close()]) })
  return { dashboard, admin, brokers }
}

/** A new two-partition topic holding `values`, the nth on partition n % 2 with key user-n. */
export async function topicWith (admin: ClusterAdmin, brokers: readonly string[], prefix: string, values: readonly unknown[]): Promise<string> {
  const topic = testTopicName(prefix)
  await admin.createTopic({ name: topic, partitions: 2, replicationFactor: 3 })
  const producer = new Producer({ clientId: `${prefix}-test`, bootstrapBrokers: [...brokers], serializers: stringSerializers, idempotent: true })
  try {
    await producer.send({ messages: values.map((value, n) => ({ topic, partition: n % 2, key: `user-${n}`, value: JSON.stringify(value) })) })
  } finally {
    await producer.close()
  }
  return topic
}
