import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { Admin, ConfigResourceTypes } from '@platformatic/kafka'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import Type from 'typebox'
import { defineTopic } from '../../src/topics/define-topic.ts'
import { ensureTopics, topicWeaknesses } from '../../src/topics/ensure-topics.ts'

const weaknesses = (...args: Parameters<typeof topicWeaknesses>) => topicWeaknesses(...args).map(w => w.problem)

test('topicWeaknesses should name every setting weaker than the safe defaults', () => {
  assert.deepEqual(weaknesses(3, new Map([['min.insync.replicas', '2']]), 3), [])
  assert.deepEqual(weaknesses(1, new Map([['min.insync.replicas', '1'], ['unclean.leader.election.enable', 'true']]), 3), [
    'replication factor 1 < 3',
    'min.insync.replicas 1 < 2',
    'unclean.leader.election.enable=true can lose acknowledged records',
  ])
  assert.deepEqual(weaknesses(2, new Map([['min.insync.replicas', '2']]), 3), ['replication factor 2 < 3', 'replication factor 2 ≤ min.insync.replicas 2: one broker down stops all writes'])
  assert.deepEqual(weaknesses(1, new Map([['min.insync.replicas', '1']]), 1), [], 'a one-broker cluster can do no better')
  assert.deepEqual(topicWeaknesses(2, new Map([['min.insync.replicas', '2']]), 3).map(w => [w.setting, w.wanted]), [['replication.factor', '3'], ['replication.factor', '3']])
})

test('ensureTopics should create topics safely and report existing weak ones', async (t) => {
  const { brokers } = await sharedTestCluster()
  const admin = new Admin({ clientId: 'ensure-test', bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const fresh = defineTopic({ name: `fresh-${randomUUID()}`, schema: Type.Unknown(), partitions: 4 })
  const weak = `weak-${randomUUID()}`
  await admin.createTopics({ topics: [weak], partitions: 1, replicas: 1, configs: [{ name: 'min.insync.replicas', value: '1' }] })

  const result = await ensureTopics({ bootstrapBrokers: brokers, topics: [fresh, { name: weak, partitions: 1, config: {} }] })
  assert.deepEqual(result.created, [fresh.name, `${fresh.name}.retry`, `${fresh.name}.dlq`], 'a typed topic brings the retry and dead-letter topics its consumers use')
  assert.deepEqual(result.existing, [weak])
  assert.deepEqual(result.weak, [{ topic: weak, problems: ['replication factor 1 < 3', 'min.insync.replicas 1 < 2'] }])

  const metadata = await admin.metadata({ topics: [fresh.name], forceUpdate: true })
  const partitions = metadata.topics.get(fresh.name)?.partitions ?? []
  assert.equal(partitions.length, 4)
  assert.ok(partitions.every(p => p.replicas.length === 3))
  const [configs] = await admin.describeConfigs({ resources: [{ resourceType: ConfigResourceTypes.TOPIC, resourceName: fresh.name }] })
  const byName = new Map(configs?.configs.map(c => [c.name, c.value]))
  assert.equal(byName.get('min.insync.replicas'), '2')
  assert.equal(byName.get('unclean.leader.election.enable'), 'false')

  const again = await ensureTopics({ bootstrapBrokers: brokers, topics: [fresh] })
  // Sorted: a topic created a moment ago may be missing from the broker's list yet, and found to exist on create.
  assert.deepEqual({ ...again, existing: [...again.existing].sort() }, { created: [], existing: [fresh.name, `${fresh.name}.dlq`, `${fresh.name}.retry`], weak: [] }, 'idempotent')
  const bare = defineTopic({ name: `bare-${randomUUID()}`, schema: Type.Unknown(), partitions: 1 })
  assert.deepEqual((await ensureTopics({ bootstrapBrokers: brokers, topics: [bare], failureTopics: false })).created, [bare.name])
})
