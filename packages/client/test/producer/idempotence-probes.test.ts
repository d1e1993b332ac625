// What the producer's sequence rules (partition-sequences.ts) assume of the broker, asked of the
// local Kafka 4.4 itself through the producer's own transport, and the producer across an
// expired producer state. A private 1-node cluster: producer ids expire after 3 s there.
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Admin, describeProducersV0 } from '@platformatic/kafka'
import { LocalCluster, waitUntil } from '@tackle/local-kafka'
import { Registry } from 'prom-client'
import Type from 'typebox'
import { TackleProducer } from '../../src/producer/producer.ts'
import { WireTransport, type PartitionAnswer, type WireBatch } from '../../src/producer/wire-transport.ts'
import { readAll } from '../../src/testkit/read-all.ts'
import { defineTopic } from '../../src/topics/define-topic.ts'

const OUT_OF_ORDER_SEQUENCE_NUMBER = 45
const EXPIRY_MS = 3000

const parent = await mkdtemp(join(tmpdir(), 'tackle-idempotence-'))
const cluster = new LocalCluster({
  dir: join(parent, 'kafka'), ownerPid: process.pid, heapMb: 256,
  brokerConfig: { 'producer.id.expiration.ms': String(EXPIRY_MS), 'producer.id.expiration.check.interval.ms': '500' },
})
test.after(async () => {
  await cluster.down({ purge: true })
  await rm(parent, { recursive: true, force: true })
})
const brokers = (await cluster.up({ nodes: 1 })).bootstrap.split(',')
const admin = new Admin({ clientId: 'idempotence-probes', bootstrapBrokers: brokers })
test.after(() => admin.close())

async function newTopic (name: string): Promise<string> {
  await admin.createTopics({ topics: [name], partitions: 1, replicas: 1 })
  return name
}

function transport (t: test.TestContext): WireTransport {
  const wire = new WireTransport({ clientId: 'probe', bootstrapBrokers: brokers, acks: -1, compression: 'none', requestTimeoutMs: 10_000, security: undefined })
  t.after(() => wire.close())
  return wire
}

/** One batch of `count` records, numbered as given, to the partition's leader. */
async function produce (wire: WireTransport, topic: string, numbers: { producerId: bigint, epoch: number, sequence: number }, count: number, tag: string): Promise<PartitionAnswer> {
  const [leader] = (await wire.leaders([topic], true)).get(topic) as number[]
  const batch: WireBatch = {
    topic, partition: 0, ...numbers, encoded: undefined,
    records: Array.from({ length: count }, (_, i) => ({ key: undefined, value: Buffer.from(`${tag}:${i}`), headers: {}, timestamp: BigInt(Date.now()) })),
  }
  return (await wire.produce(leader as number, [batch]))[0] as PartitionAnswer
}

test('a sequence gap should get OUT_OF_ORDER_SEQUENCE_NUMBER and write nothing', async (t) => {
  const wire = transport(t)
  const topic = await newTopic('probe-gap')
  const { producerId, epoch } = await wire.initProducerId()
  assert.equal((await produce(wire, topic, { producerId, epoch, sequence: 0 }, 3, 'a')).errorCode, 0)
  assert.equal((await produce(wire, topic, { producerId, epoch, sequence: 10 }, 3, 'gap')).errorCode, OUT_OF_ORDER_SEQUENCE_NUMBER)
  assert.deepEqual((await readAll(brokers, topic, { expected: 3 })).map(r => r.value), ['a:0', 'a:1', 'a:2'])
})

test('a resend of any of the last five batches should get its original offset and write nothing', async (t) => {
  const wire = transport(t)
  const topic = await newTopic('probe-resend')
  const { producerId, epoch } = await wire.initProducerId()
  const offsets: bigint[] = []
  for (let i = 0; i < 6; i++) {
    const answer = await produce(wire, topic, { producerId, epoch, sequence: i * 2 }, 2, `b${i}`)
    assert.equal(answer.errorCode, 0)
    offsets.push(answer.baseOffset)
  }
  for (const i of [1, 3, 5]) {
    const again = await produce(wire, topic, { producerId, epoch, sequence: i * 2 }, 2, `b${i}`)
    assert.deepEqual({ errorCode: again.errorCode, baseOffset: again.baseOffset }, { errorCode: 0, baseOffset: offsets[i] }, `batch ${i} resent`)
  }
  assert.equal((await readAll(brokers, topic, { expected: 12, idleMs: 500 })).length, 12)
})

test('a new epoch should have to start at sequence 0', async (t) => {
  const wire = transport(t)
  const topic = await newTopic('probe-epoch')
  const { producerId, epoch } = await wire.initProducerId()
  assert.equal((await produce(wire, topic, { producerId, epoch, sequence: 0 }, 4, 'e0')).errorCode, 0)
  assert.equal((await produce(wire, topic, { producerId, epoch: epoch + 1, sequence: 4 }, 1, 'late')).errorCode, OUT_OF_ORDER_SEQUENCE_NUMBER)
  assert.equal((await produce(wire, topic, { producerId, epoch: epoch + 1, sequence: 0 }, 1, 'e1')).errorCode, 0)
  assert.deepEqual((await readAll(brokers, topic, { expected: 5 })).map(r => r.value), ['e0:0', 'e0:1', 'e0:2', 'e0:3', 'e1:0'])
})

test('a partition without state for a producer id should take its batch at any sequence, so a first batch must go alone', async (t) => {
  const wire = transport(t)
  const topic = await newTopic('probe-stateless')
  const { producerId, epoch } = await wire.initProducerId()
  // The batch behind a first batch that failed (NOT_ENOUGH_REPLICAS, say) is written ahead of it.
  assert.equal((await produce(wire, topic, { producerId, epoch, sequence: 7 }, 2, 'second')).errorCode, 0)
  assert.equal((await produce(wire, topic, { producerId, epoch, sequence: 0 }, 7, 'first')).errorCode, OUT_OF_ORDER_SEQUENCE_NUMBER)
  assert.deepEqual((await readAll(brokers, topic, { expected: 2, idleMs: 500 })).map(r => r.value), ['second:0', 'second:1'])
})

test('an idle producer whose state the broker expired should resume without an error or a duplicate', async (t) => {
  const topic = defineTopic<{ n: number }>({ name: await newTopic('probe-expiry'), schema: Type.Object({ n: Type.Integer() }) })
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry() })
  t.after(() => producer.close({ timeoutMs: 5000 }))
  await Promise.all(Array.from({ length: 10 }, (_, n) => producer.send(topic, { n })))
  const connection = await admin.connections.getFirstAvailable([...(await admin.metadata({ topics: [topic.name] })).brokers.values()])
  const activeProducers = async () => (await describeProducersV0.api.async(connection, [{ name: topic.name, partitionIndexes: [0] }])).topics[0]?.partitions[0]?.activeProducers.length
  assert.equal(await activeProducers(), 1)
  const expired = await waitUntil(async () => await activeProducers() === 0 ? true : undefined, { timeoutMs: EXPIRY_MS * 10, maxDelayMs: 500 })
  assert.equal(expired, true, 'the broker expired the idle producer')
  const after = await Promise.all(Array.from({ length: 10 }, (_, i) => producer.send(topic, { n: 10 + i })))
  assert.ok(after.every(r => r.offset >= 10n))
  const read = await readAll(brokers, topic.name, { expected: 20, idleMs: 500 })
  assert.deepEqual(read.map(r => JSON.parse(r.value).n), Array.from({ length: 20 }, (_, n) => n))
})
