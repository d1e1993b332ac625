import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Producer } from '@platformatic/kafka'
import Type from 'typebox'
import { ClusterAdmin } from '../../src/admin/cluster-admin.ts'
import { createProducer, createTestTopic, testBrokers } from '../../src/testkit/index.ts'
import { TopicReader, type TopicRecord } from '../../src/topics/topic-reader.ts'

async function collect (iterable: AsyncIterable<TopicRecord>): Promise<TopicRecord[]> {
  const records: TopicRecord[] = []
  for await (const record of iterable) records.push(record)
  return records
}

test('TopicReader should read compressed batches from given offsets, keys, headers and bytes intact, and join no group', async (t) => {
  const brokers = await testBrokers()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  const reader = new TopicReader({ bootstrapBrokers: brokers })
  t.after(() => Promise.all([admin.close(), reader.close()]))
  const topic = await createTestTopic<{ n: number }>({ prefix: 'reader', schema: Type.Object({ n: Type.Integer() }), partitions: 3, key: v => String(v.n % 3) })
  // Tackle's producer batches with lz4: several records per compressed batch.
  const producer = await createProducer(t, { lingerMs: 20 })
  await Promise.all(Array.from({ length: 30 }, (_, n) => producer.send(topic, { n })))
  // A raw record that is not JSON nor UTF-8, with a header.
  const raw = new Producer({ clientId: 'reader-test', bootstrapBrokers: brokers, idempotent: true, acks: -1 })
  t.after(() => raw.close())
  await raw.send({ messages: [{ topic: topic.name, partition: 0, key: Buffer.from('bin'), value: Buffer.from([0xff, 0x00, 0xfe]), headers: new Map([[Buffer.from('h'), Buffer.from('v')]]) }] })
  const groupsBefore = (await admin.groups()).length

  const ends = (await admin.endOffsets([0, 1, 2].map(partition => ({ topic: topic.name, partition })))).get(topic.name)
  assert.equal([...(ends?.values() ?? [])].reduce((a, b) => a + b, 0n), 31n)
  const all = await collect(reader.read(topic.name, new Map([[0, 0n], [1, 0n], [2, 0n]])))
  assert.equal(all.length, 31)
  assert.deepEqual(all.filter(r => r.value?.[0] !== 0xff).map(r => JSON.parse(String(r.value)).n).sort((a: number, b: number) => a - b), Array.from({ length: 30 }, (_, n) => n))
  for (const p of [0, 1, 2]) {
    const offsets = all.filter(r => r.partition === p).map(r => r.offset)
    assert.deepEqual(offsets, offsets.map((_, i) => BigInt(i)), `partition ${p} in offset order, each once`)
  }
  const binary = all.find(r => r.value?.[0] === 0xff)
  assert.deepEqual([...(binary?.value ?? [])], [0xff, 0x00, 0xfe])
  assert.equal(binary?.key?.toString(), 'bin')
  assert.deepEqual(binary?.headers.map(([k, v]) => [k, v?.toString()]), [['h', 'v']])
  assert.ok(all.every(r => Math.abs(r.timestampMs - Date.now()) < 120_000))

  // From the middle of a compressed batch: the records before the offset are trimmed.
  const fullest = [0, 1, 2].sort((a, b) => Number((ends?.get(b) ?? 0n) - (ends?.get(a) ?? 0n)))[0] as number
  const fromThree = await collect(reader.read(topic.name, new Map([[fullest, 3n]])))
  assert.deepEqual(fromThree.map(r => r.offset), Array.from({ length: Number((ends?.get(fullest) ?? 0n) - 3n) }, (_, i) => BigInt(3 + i)))
  // An offset past the end reads nothing, and ends.
  assert.deepEqual(await collect(reader.read(topic.name, new Map([[fullest, 1000n]]))), [])
  // Following waits at the end for what comes next, and stops on the signal.
  const controller = new AbortController()
  const followed: TopicRecord[] = []
  const following = (async () => {
    for await (const record of reader.read(topic.name, new Map([[2, ends?.get(2) ?? 0n]]), { follow: true, maxWaitMs: 200, signal: controller.signal })) {
      followed.push(record)
      controller.abort()
    }
  })().then(() => 'ended', (error: Error) => error.name)
  await producer.send(topic, { n: 2 })
  assert.equal(await following, 'AbortError')
  assert.deepEqual(followed.map(r => JSON.parse(String(r.value)).n), [2])
  assert.equal((await admin.groups()).length, groupsBefore, 'reading joined no consumer group')
  await assert.rejects(reader.partitions('no-such-topic-' + Date.now()), /does not exist/)
})
