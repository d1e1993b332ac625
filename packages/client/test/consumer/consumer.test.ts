import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { Registry } from 'prom-client'
import Type from 'typebox'
import { TackleConsumer } from '../../src/consumer/consumer.ts'
import type { ConsumerOptionsInput } from '../../src/consumer/options.ts'
import { TackleProducer } from '../../src/producer/producer.ts'
import { createProducer, createTestTopic } from '../../src/testkit/factories.ts'
import { readAll } from '../../src/testkit/read-all.ts'
import { defineTopic, type TopicDefinition } from '../../src/topics/define-topic.ts'
import { waitUntil } from '@tackle/local-kafka'

const { brokers } = await sharedTestCluster()

const Order = Type.Object({ user: Type.String(), seq: Type.Integer({ minimum: 0 }) })
type Order = Type.Static<typeof Order>

async function setup (t: test.TestContext, partitions = 3) {
  const topic = await createTestTopic<Order>({ prefix: 'orders', schema: Order, key: o => o.user, partitions })
  return { topic, producer: await createProducer(t) }
}

function consumer (t: test.TestContext, options: ConsumerOptionsInput<Order>): TackleConsumer<Order> {
  const c = new TackleConsumer<Order>({ registry: new Registry(), backoff: { initialMs: 20, maxMs: 100, multiplier: 2, jitter: 0 }, ...options })
  t.after(() => c.close())
  return c
}

test('TackleConsumer should hand every record to the handler, in order per key, and commit only what it handled', async (t) => {
  const { topic, producer } = await setup(t)
  const users = ['ann', 'bob', 'cem', 'dee', 'eva', 'fox']
  await Promise.all(Array.from({ length: 600 }, (_, i) => producer.send(topic, { user: users[i % users.length] as string, seq: i })))
  const groupId = `g-${randomUUID()}`
  const handled: Order[] = []
  const c = consumer(t, { bootstrapBrokers: brokers, groupId, topic, handler: async order => { handled.push(order) } })
  await c.start()
  assert.equal(c.groupProtocol, 'consumer', 'Kafka 4 offers KIP-848, so it is used')
  assert.ok(await waitUntil(() => handled.length >= 600 ? true : undefined, { timeoutMs: 60_000 }), `handled ${handled.length} of 600`)
  for (const user of users) {
    const seqs = handled.filter(o => o.user === user).map(o => o.seq)
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${user}'s orders came in order`)
    assert.equal(seqs.length, 100)
  }
  await c.close()

  // The same group resumes after the committed offsets: nothing is handed over twice.
  const again: Order[] = []
  const next = consumer(t, { bootstrapBrokers: brokers, groupId, topic, handler: async order => { again.push(order) } })
  await producer.send(topic, { user: 'zed', seq: 600 })
  await next.start()
  assert.ok(await waitUntil(() => again.length >= 1 ? true : undefined, { timeoutMs: 60_000 }))
  await new Promise(resolve => setTimeout(resolve, 1000))
  assert.deepEqual(again, [{ user: 'zed', seq: 600 }])
})

test('TackleConsumer should retry a failing handler with backoff until it succeeds', async (t) => {
  const { topic, producer } = await setup(t, 1)
  const attempts: number[] = []
  const c = consumer(t, {
    bootstrapBrokers: brokers, groupId: `g-${randomUUID()}`, topic, attempts: 3,
    handler: async (_order, context) => {
      attempts.push(context.attempt)
      if (context.attempt < 3) throw new Error(`flaky ${context.attempt}`)
    },
  })
  await c.start()
  await producer.send(topic, { user: 'ann', seq: 1 })
  assert.ok(await waitUntil(() => attempts.length >= 3 ? true : undefined, { timeoutMs: 30_000 }))
  assert.deepEqual(attempts, [1, 2, 3])
  const metrics = await c.options.registry?.getSingleMetricAsString('tackle_consumer_records_handled_total')
  assert.match(metrics ?? '', /outcome="ok"\} 1/)
})

test('TackleConsumer should send a record that always fails through the retry topic to the DLQ, with the failure in its headers', async (t) => {
  const { topic, producer } = await setup(t, 1)
  const tries: number[] = []
  let afterPoison = 0
  const c = consumer(t, {
    bootstrapBrokers: brokers, groupId: `g-${randomUUID()}`, topic, attempts: 2, retryDelayMs: 300,
    handler: async (order, context) => {
      if (order.user === 'poison') {
        tries.push(context.attempt)
        throw new Error('cannot bill a poisoned order')
      }
      afterPoison++
    },
  })
  await c.start()
  const poison = await producer.send(topic, { user: 'poison', seq: 7 })
  await producer.send(topic, { user: 'ann', seq: 8 })
  assert.ok(await waitUntil(() => afterPoison >= 1 ? true : undefined, { timeoutMs: 30_000 }), 'the record behind the poison one was handled: the partition is not blocked')

  const [dead] = await readAll(brokers, `${topic.name}.dlq`, { expected: 1 })
  assert.ok(dead)
  assert.deepEqual(JSON.parse(dead.value), { user: 'poison', seq: 7 }, 'the original bytes')
  assert.equal(dead.headers.get('tackle-error'), 'cannot bill a poisoned order')
  assert.equal(dead.headers.get('tackle-attempts'), '4')
  assert.equal(dead.headers.get('tackle-original-topic'), topic.name)
  assert.equal(dead.headers.get('tackle-original-partition'), String(poison.partition))
  assert.equal(dead.headers.get('tackle-original-offset'), String(poison.offset))
  assert.ok(!Number.isNaN(Date.parse(dead.headers.get('tackle-failed-at') ?? '')))
  assert.deepEqual(tries, [1, 2, 3, 4], 'two tries, then two more from the retry topic')
})

test('TackleConsumer should dead-letter a record its schema rejects, without retrying it', async (t) => {
  const { topic } = await setup(t, 1)
  const raw = defineTopic<unknown>({ name: topic.name, schema: Type.Unknown() })
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry() })
  t.after(() => producer.close())
  let calls = 0
  const c = consumer(t, { bootstrapBrokers: brokers, groupId: `g-${randomUUID()}`, topic, handler: async () => { calls++ } })
  await c.start()
  await producer.send(raw, { user: 42 })
  const [dead] = await readAll(brokers, `${topic.name}.dlq`, { expected: 1 })
  assert.match(dead?.headers.get('tackle-error') ?? '', /\/user/)
  assert.equal(dead?.headers.get('tackle-attempts'), '0')
  assert.equal(calls, 0)
})

test('TackleConsumer should publish its lag per partition: committed offset to the end', async (t) => {
  const { topic, producer } = await setup(t, 1)
  await Promise.all(Array.from({ length: 100 }, (_, seq) => producer.send(topic, { user: 'ann', seq })))
  let release: () => void = () => {}
  const gate = new Promise<void>(resolve => { release = resolve })
  t.after(() => release())
  let handled = 0
  const c = consumer(t, {
    bootstrapBrokers: brokers, groupId: `g-${randomUUID()}`, topic, lagIntervalMs: 0,
    handler: async order => {
      if (order.seq === 40) await gate
      handled++
    },
  })
  await c.start()
  assert.ok(await waitUntil(() => handled >= 40 ? true : undefined, { timeoutMs: 30_000 }))
  // Offsets 0..39 are handled and committed; 40 is stuck in its handler.
  const stuck = await waitUntil(async () => {
    const lag = (await c.refreshLag()).get(topic.name)?.get(0)
    return lag === 60n ? lag : undefined
  }, { timeoutMs: 10_000 })
  assert.equal(stuck, 60n)
  const metrics = await c.options.registry?.getSingleMetricAsString('tackle_consumer_lag_records')
  assert.match(metrics ?? '', new RegExp(`tackle_consumer_lag_records\\{group="[^"]+",topic="${topic.name}",partition="0"\\} 60`))

  release()
  assert.ok(await waitUntil(() => handled >= 100 ? true : undefined, { timeoutMs: 30_000 }))
  const caughtUp = await waitUntil(async () => (await c.refreshLag()).get(topic.name)?.get(0) === 0n ? true : undefined, { timeoutMs: 10_000 })
  assert.ok(caughtUp, 'lag falls to 0 once everything is handled')
})

/** A fresh group on `topic`, no retry topic, two tries: a failing record goes straight to the DLQ. */
function straightToDlq (topic: TopicDefinition<Order>, maxBatchRecords: number) {
  return { bootstrapBrokers: brokers, groupId: `g-${randomUUID()}`, topic, retryTopic: undefined, attempts: 2, maxBatchRecords }
}

test('TackleConsumer with only a batchHandler should fall back through it one record at a time when a batch fails', async (t) => {
  const { topic, producer } = await setup(t, 1)
  await Promise.all(Array.from({ length: 60 }, (_, i) => producer.send(topic, { user: 'ann', seq: i })))
  const sizes: number[] = []
  const handled: number[] = []
  const c = consumer(t, {
    ...straightToDlq(topic, 20),
    batchHandler: async records => {
      sizes.push(records.length)
      if (records.some(r => r.value.seq === 33)) throw new Error('poison in this batch')
      handled.push(...records.map(r => r.value.seq))
    },
  })
  await c.start()
  assert.ok(await waitUntil(() => handled.length >= 59 ? true : undefined, { timeoutMs: 60_000 }), `handled ${handled.length} of 59`)
  assert.deepEqual(handled, Array.from({ length: 60 }, (_, i) => i).filter(i => i !== 33), 'every other record once, in order')
  assert.ok(sizes.some(n => n > 1) && sizes.includes(1), `batches, then batches of one after the failure: ${sizes.join(', ')}`)
  const dead = await readAll(brokers, `${topic.name}.dlq`, { expected: 1, timeoutMs: 30_000 })
  assert.deepEqual(dead.map(r => (JSON.parse(r.value) as Order).seq), [33])
})

test('TackleConsumer should refuse options with neither handler nor batchHandler', () => {
  assert.throws(() => new TackleConsumer({ bootstrapBrokers: brokers, groupId: 'g', topic: defineTopic({ name: 'x', schema: Type.Unknown() }) } as never), { code: 'TACKLE_CLIENT_INVALID_OPTIONS', message: /give handler or batchHandler/ })
})

test('TackleConsumer with a batchHandler should hand over waiting records together, in order, and fall back to one by one when a batch fails', async (t) => {
  const { topic, producer } = await setup(t, 2)
  const users = ['ann', 'bob', 'cem', 'dee']
  // A poison record: every batch holding it fails, so it is retried alone and dead-lettered alone.
  await Promise.all(Array.from({ length: 400 }, (_, i) => producer.send(topic, { user: users[i % users.length] as string, seq: i })))
  const batches: number[] = []
  const handled: Order[] = []
  const singly: Order[] = []
  const c = consumer(t, {
    ...straightToDlq(topic, 50),
    batchHandler: async records => {
      if (records.some(r => r.value.seq === 123)) throw new Error('poison in this batch')
      batches.push(records.length)
      handled.push(...records.map(r => r.value))
    },
    handler: async order => {
      if (order.seq === 123) throw new Error('poison')
      singly.push(order)
      handled.push(order)
    },
  })
  await c.start()
  assert.ok(await waitUntil(() => handled.length >= 399 ? true : undefined, { timeoutMs: 60_000 }), `handled ${handled.length} of 399`)
  assert.ok(batches.some(n => n > 1), `records came in batches: ${batches.slice(0, 10).join(', ')}`)
  assert.ok(batches.every(n => n <= 50), 'no batch over maxBatchRecords')
  assert.ok(singly.length >= 1 && singly.length < 50, `only the failed batch was handled one by one: ${singly.length}`)
  for (const user of users) {
    const seqs = handled.filter(o => o.user === user).map(o => o.seq)
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b), `${user}'s orders came in order`)
  }
  assert.equal(handled.filter(o => o.seq === 123).length, 0)
  const dead = await readAll(brokers, `${topic.name}.dlq`, { expected: 1, timeoutMs: 30_000 })
  assert.deepEqual(dead.map(r => (JSON.parse(r.value) as Order).seq), [123])
})
