import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ClusterAdmin, defineTopic, TopicReader, Type } from '@tackle/client'
import { createConsumer, createProducer, testBrokers, testTopicName } from '@tackle/client/testkit'
import { browseTopic } from '../../src/operations/browse-topic.ts'
import { createTopic } from '../../src/operations/create-topic.ts'
import { deleteTopic } from '../../src/operations/delete-topic.ts'
import { describeTopics } from '../../src/operations/describe-topics.ts'
import { decodeBytes, tailTopic, type TopicMessage } from '../../src/operations/tail-topic.ts'

test('decodeBytes should show JSON as JSON, UTF-8 as text and anything else as base64', () => {
  assert.deepEqual(decodeBytes(Buffer.from('{"a":1}')), { encoding: 'json', data: { a: 1 } })
  assert.deepEqual(decodeBytes(Buffer.from('héllo')), { encoding: 'text', data: 'héllo' })
  assert.deepEqual(decodeBytes(Buffer.from([0xc3, 0x28])), { encoding: 'base64', data: 'wyg=' })
  assert.deepEqual(decodeBytes(null), { encoding: 'null', data: null })
})

async function collect (iterable: AsyncIterable<TopicMessage>): Promise<TopicMessage[]> {
  const all: TopicMessage[] = []
  for await (const m of iterable) all.push(m)
  return all
}

test('tailTopic should report a cluster nobody answers for as unreachable, not as a missing topic', async (t) => {
  // Port 1 on loopback refuses at once: a real connection attempt, no cluster needed.
  const reader = new TopicReader({ bootstrapBrokers: ['127.0.0.1:1'] })
  const admin = new ClusterAdmin({ bootstrapBrokers: ['127.0.0.1:1'] })
  t.after(() => Promise.all([admin.close(), reader.close()]))
  await assert.rejects(collect(tailTopic({ admin, reader, topic: 'events' })), { code: 'TACKLE_CLIENT_UNREACHABLE' })
})

test('topics should be created safe, described, tailed and browsed with filters by offset and time, and deleted only when nobody reads them', async (t) => {
  const brokers = await testBrokers()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  const reader = new TopicReader({ bootstrapBrokers: brokers })
  t.after(() => Promise.all([admin.close(), reader.close()]))
  const name = testTopicName('tail')
  await assert.rejects(createTopic(admin, { name, replicationFactor: 1 }), { code: 'TACKLE_OPS_INVALID_OPTIONS', message: /replication factor 1 < 3.*--allow-weak/ })
  await assert.rejects(createTopic(admin, { name: 'bad name!' }), { message: /not valid/ })
  const created = await createTopic(admin, { name, partitions: 2, configs: { 'retention.ms': String(7 * 86_400_000) } })
  assert.deepEqual([created.replicationFactor, created.configs['min.insync.replicas'], created.weaknesses], [3, '2', []])
  await assert.rejects(createTopic(admin, { name }), { message: /exists already/ })

  const Event = Type.Object({ event: Type.String(), n: Type.Integer() })
  const topic = defineTopic<Type.Static<typeof Event>>({ name, schema: Event, partitions: 2, key: v => String(v.n % 2) })
  const producer = await createProducer(t)
  await Promise.all(Array.from({ length: 10 }, (_, n) => producer.send(topic, { event: n % 5 === 0 ? 'signup' : 'view', n })))
  const middle = Date.now()
  await new Promise(resolve => setTimeout(resolve, 20))
  await Promise.all(Array.from({ length: 10 }, (_, n) => producer.send(topic, { event: 'view', n: 10 + n })))

  const [described] = await describeTopics(admin, [name])
  assert.equal(described?.messages, 20)
  assert.equal(described?.retentionMs, 7 * 86_400_000)
  assert.deepEqual(described?.partitions.map(p => [p.replicas.length, p.isr.length]), [[3, 3], [3, 3]])
  assert.equal(described?.configs['retention.ms'], String(7 * 86_400_000))
  await assert.rejects(describeTopics(admin, ['nope-' + name]), { code: 'TACKLE_OPS_TOPIC_NOT_FOUND' })

  const all = await collect(tailTopic({ admin, reader, topic: name }))
  assert.equal(all.length, 20)
  assert.deepEqual(all.filter(m => m.value.encoding === 'json').length, 20)
  const signups = await collect(tailTopic({ admin, reader, topic: name, filter: 'event == signup' }))
  assert.deepEqual(signups.map(m => (m.value.data as { n: number }).n).sort((a, b) => a - b), [0, 5])
  const late = await collect(tailTopic({ admin, reader, topic: name, from: { timestampMs: middle } }))
  assert.deepEqual(late.map(m => (m.value.data as { n: number }).n).sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => 10 + i))
  const limited = await collect(tailTopic({ admin, reader, topic: name, partition: 1, from: { offset: 2n }, limit: 3 }))
  assert.deepEqual(limited.map(m => [m.partition, m.offset]), [[1, '2'], [1, '3'], [1, '4']])
  await assert.rejects(collect(tailTopic({ admin, reader, topic: name, partition: 7 })), { message: /partitions 0\.\.1, not 7/ })
  await assert.rejects(collect(tailTopic({ admin, reader, topic: name, filter: 'event ~ x' })), { code: 'TACKLE_OPS_INVALID_OPTIONS' })
  await assert.rejects(collect(tailTopic({ admin, reader, topic: 'nope-' + name })), { code: 'TACKLE_OPS_TOPIC_NOT_FOUND' })

  // Paging: pages of 7 through both partitions, each message once.
  const seen: string[] = []
  let page = await browseTopic({ admin, reader, topic: name, limit: 7 })
  seen.push(...page.messages.map(m => `${m.partition}:${m.offset}`))
  while (!page.end) {
    page = await browseTopic({ admin, reader, topic: name, limit: 7, from: { cursor: page.next } })
    seen.push(...page.messages.map(m => `${m.partition}:${m.offset}`))
  }
  assert.equal(seen.length, 20)
  assert.equal(new Set(seen).size, 20)
  const newest = await browseTopic({ admin, reader, topic: name, from: 'newest', limit: 2, partition: 0 })
  assert.deepEqual(newest.messages.map(m => m.offset), ['8', '9'])
  const capped = await browseTopic({ admin, reader, topic: name, filter: 'event == nothing', maxScanned: 5 })
  assert.deepEqual([capped.messages.length, capped.scanned, capped.end], [0, 5, false])

  // Following sees what arrives, and stops on the signal.
  const controller = new AbortController()
  const followed: TopicMessage[] = []
  const following = (async () => {
    for await (const m of tailTopic({ admin, reader, topic: name, from: 'latest', follow: true, signal: controller.signal })) {
      followed.push(m)
      controller.abort()
    }
  })().then(() => 'ended', (error: Error) => error.name)
  await new Promise(resolve => setTimeout(resolve, 500))
  await producer.send(topic, { event: 'later', n: 99 })
  assert.equal(await following, 'AbortError')
  assert.deepEqual(followed.map(m => (m.value.data as { event: string }).event), ['later'])

  const consumer = await createConsumer(t, { topic, retryTopic: undefined, handler: async () => undefined })
  await consumer.start()
  await assert.rejects(deleteTopic(admin, name), { code: 'TACKLE_OPS_TOPIC_IN_USE' })
  await consumer.close()
  await assert.rejects(deleteTopic(admin, '__consumer_offsets'), { message: /internal/ })
  await deleteTopic(admin, name)
  await assert.rejects(deleteTopic(admin, name), { code: 'TACKLE_OPS_TOPIC_NOT_FOUND' })
})
