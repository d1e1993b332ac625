import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Admin, Consumer, stringDeserializers } from '@platformatic/kafka'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { Registry } from 'prom-client'
import Type from 'typebox'
import { TackleProducer, type RecordMetadata } from '../../src/producer/producer.ts'
import { resolveProducerOptions } from '../../src/producer/options.ts'
import { defineTopic } from '../../src/topics/define-topic.ts'
import { checkSequences, type AckedRecord } from '../../src/testkit/sequence-checker.ts'
import { readAll } from '../../src/testkit/read-all.ts'
import { testTopicName } from '../../src/testkit/topics.ts'

const { cluster, brokers } = await sharedTestCluster()

const Value = Type.Object({ id: Type.String(), n: Type.Integer({ minimum: 0 }) })

async function topicFor (t: test.TestContext, partitions = 6) {
  const name = testTopicName('producer')
  const admin = new Admin({ clientId: 'producer-test', bootstrapBrokers: brokers })
  t.after(() => admin.close())
  await admin.createTopics({ topics: [name], partitions, replicas: 3 })
  // The value is the record's id, so the sequence checker can read it straight back.
  return defineTopic<Type.Static<typeof Value>>({ name, schema: Value, key: v => v.id.split(':')[0], serde: {
    contentType: 'text/plain',
    serialize: v => Buffer.from(v.id),
    deserialize: b => ({ id: b.toString(), n: 0 }),
  } })
}

function producer (t: test.TestContext, options: Partial<ConstructorParameters<typeof TackleProducer>[0]> = {}): TackleProducer {
  const p = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry(), ...options })
  t.after(() => p.close({ timeoutMs: 5000 }))
  return p
}

test('send should resolve with the offset the record was stored at', async (t) => {
  const topic = await topicFor(t)
  const p = producer(t)
  const acked: AckedRecord[] = []
  await Promise.all(Array.from({ length: 2000 }, async (_, i) => {
    const value = `k${i % 17}:${i}`
    const at: RecordMetadata = await p.send(topic, { id: value, n: i })
    acked.push({ value, partition: at.partition, offset: at.offset })
  }))
  const report = checkSequences(acked, await readAll(brokers, topic.name, { expected: 2000 }), v => ({ producer: v.split(':')[0] as string, sequence: Number(v.split(':')[1]) }))
  assert.deepEqual({ lost: report.lost.length, duplicated: report.duplicated.length, reordered: report.reordered.length, inconsistent: report.inconsistent.length }, { lost: 0, duplicated: 0, reordered: 0, inconsistent: 0 })
  assert.equal(report.valid, true)
  assert.equal(report.read, 2000)
  const metrics = await p.options.registry?.getSingleMetricAsString('tackle_producer_records_acked_total')
  assert.match(metrics ?? '', new RegExp(`tackle_producer_records_acked_total\\{client_id="tackle-producer",topic="${topic.name}"\\} 2000`))
})

test('send should keep each request under the broker\'s message.max.bytes, however many keyless records wait', async (t) => {
  const topic = defineTopic<Buffer>({ name: (await topicFor(t, 6)).name, schema: Type.Unknown(), serde: { contentType: 'application/octet-stream', serialize: b => b, deserialize: b => b } })
  // Uncompressed, so the bytes on the wire are the bytes buffered.
  const p = producer(t, { lingerMs: 50, compression: 'none' })
  const value = Buffer.alloc(1000, 7)
  const results = await Promise.all(Array.from({ length: 3000 }, () => p.send(topic, value)))
  assert.equal(results.length, 3000)
})

test('send should carry headers to the consumer', async (t) => {
  const topic = await topicFor(t, 1)
  const p = producer(t)
  await p.send(topic, { id: 'h:1', n: 1 }, { headers: { 'x-source': 'web', traceparent: '00-abc' } })
  const wire = new Consumer({ groupId: testTopicName('g'), clientId: 'headers', bootstrapBrokers: brokers, deserializers: stringDeserializers })
  t.after(() => wire.close(true))
  const stream = await wire.consume({ topics: [topic.name], mode: 'earliest' })
  for await (const message of stream) {
    assert.equal(message.headers.get('x-source'), 'web')
    assert.equal(message.headers.get('traceparent'), '00-abc')
    break
  }
})

test('send should reject an invalid value before sending, naming the field', async (t) => {
  const topic = await topicFor(t, 1)
  const p = producer(t)
  await assert.rejects(p.send(topic, { id: 'x', n: -1 }), (error: Error & { code?: string, paths?: string[] }) => {
    assert.equal(error.code, 'TACKLE_CLIENT_INVALID_VALUE')
    assert.deepEqual(error.paths, ['/n'])
    return true
  })
  await p.flush()
  assert.equal((await readAll(brokers, topic.name, { idleMs: 1500 })).length, 0, 'nothing reached Kafka')
})

test('send should fail fast and typed for a topic that does not exist, not hang', async (t) => {
  const p = producer(t)
  const missing = defineTopic({ name: testTopicName('missing'), schema: Value })
  await assert.rejects(p.send(missing, { id: 'a', n: 1 }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_CLIENT_FATAL')
    assert.match(error.message, /cannot be produced to/)
    return true
  })
})

test('send with a spool should still fail fast for a topic that does not exist, spooling nothing', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-spool-missing-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const p = producer(t, { spool: { dir } })
  const missing = defineTopic({ name: testTopicName('missing'), schema: Value })
  await assert.rejects(p.send(missing, { id: 'a', n: 1 }), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_CLIENT_FATAL')
    assert.match(error.message, /cannot be produced to/)
    return true
  })
  assert.equal(await p.spooledRecords(), 0, 'an unknown topic is not an unreachable cluster')
})

test('send should reject with buffer-full when asked to rather than wait', async (t) => {
  const topic = await topicFor(t, 1)
  const p = producer(t, { maxBufferBytes: 2048, maxRecordBytes: 1024, onBufferFull: 'reject', lingerMs: 200 })
  const first = p.send(topic, { id: `a:${'x'.repeat(900)}`, n: 1 })
  const second = p.send(topic, { id: `b:${'x'.repeat(900)}`, n: 2 })
  await assert.rejects(p.send(topic, { id: `c:${'x'.repeat(900)}`, n: 3 }), (error: Error & { code?: string }) => error.code === 'TACKLE_CLIENT_BUFFER_FULL')
  await Promise.all([first, second])
  await assert.rejects(p.send(topic, { id: `d:${'x'.repeat(2000)}`, n: 4 }), (error: Error & { code?: string }) => error.code === 'TACKLE_CLIENT_TOO_LARGE')
})

test('send should wait for room in a full buffer and then deliver everything', async (t) => {
  const topic = await topicFor(t, 3)
  const p = producer(t, { maxBufferBytes: 4096, maxRecordBytes: 1024 })
  const results = await Promise.all(Array.from({ length: 300 }, (_, i) => p.send(topic, { id: `w:${i}`.padEnd(200, '.'), n: i })))
  assert.equal(results.length, 300)
  assert.equal((await readAll(brokers, topic.name, { expected: 300 })).length, 300)
})

test('close should flush every record handed over mid-stream', async (t) => {
  const topic = await topicFor(t)
  const p = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry() })
  const sends = Array.from({ length: 5000 }, (_, i) => p.send(topic, { id: `c${i % 7}:${i}`, n: i }))
  const report = await p.close({ timeoutMs: 60_000 })
  assert.deepEqual(report, { delivered: 5000, undelivered: 0 })
  assert.equal((await Promise.allSettled(sends)).filter(s => s.status === 'fulfilled').length, 5000)
  await assert.rejects(p.send(topic, { id: 'late', n: 1 }), (error: Error & { code?: string }) => error.code === 'TACKLE_CLIENT_CLOSED')
  assert.equal((await readAll(brokers, topic.name, { expected: 5000 })).length, 5000)
})

test('a broker killed mid-stream should lose no acknowledged record and duplicate none', async (t) => {
  const topic = await topicFor(t)
  const p = producer(t)
  const total = 50_000
  const acked: AckedRecord[] = []
  const failed: string[] = []
  const status = await cluster.status()
  const victim = status?.nodes[1]?.id as number
  t.after(async () => {
    if ((await cluster.status())?.nodes.find(n => n.id === victim)?.state === 'stopped') await cluster.node(victim, 'start')
  })

  // 500 sends outstanding at once, like a busy app; each takes its sequence number as it is sent.
  let next = 0
  const worker = async () => {
    while (next < total) {
      const value = `w:${next++}`
      try {
        const at = await p.send(topic, { id: value, n: 0 })
        acked.push({ value, partition: at.partition, offset: at.offset })
      } catch (error) {
        failed.push(`${value}: ${(error as Error).message}`)
      }
    }
  }
  const load = Promise.all(Array.from({ length: 500 }, worker))
  while (acked.length < 10_000) await new Promise(resolve => setTimeout(resolve, 20))
  await cluster.node(victim, 'kill')
  const ackedAtKill = acked.length
  await load
  assert.ok(ackedAtKill < total * 0.8, `the kill came mid-stream (${ackedAtKill} of ${total} acknowledged)`)
  assert.deepEqual(failed.slice(0, 3), [], 'no send failed: the producer rode out the failover')

  const read = await readAll(brokers, topic.name, { expected: total, timeoutMs: 180_000 })
  // One producer writes w:0..w:N; on one partition its sequence must only grow.
  const report = checkSequences(acked, read, v => ({ producer: 'w', sequence: Number(v.slice(2)) }))
  assert.equal(report.acked, total)
  assert.deepEqual({ lost: report.lost.length, duplicated: report.duplicated.length, inconsistent: report.inconsistent.length }, { lost: 0, duplicated: 0, inconsistent: 0 })
  assert.deepEqual(report.reordered.slice(0, 3), [])
  assert.equal(report.valid, true)
  await cluster.node(victim, 'start')
})

test('closeOnSigterm should deliver what is buffered, then let SIGTERM end the process', async (t) => {
  const topic = await topicFor(t, 3)
  const fixture = new URL('fixtures/send-then-wait.ts', import.meta.url).pathname
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', fixture, brokers.join(','), topic.name, '2000'], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => child.kill('SIGKILL'))
  await once(child.stdout, 'data')
  assert.equal((await readAll(brokers, topic.name, { idleMs: 1000 })).length, 0, 'nothing sent yet: the records wait in the buffer')
  child.kill('SIGTERM')
  const [code, signal] = await once(child, 'exit') as [number | null, NodeJS.Signals | null]
  assert.deepEqual([code, signal], [null, 'SIGTERM'], 'the process still ends by SIGTERM')
  assert.equal((await readAll(brokers, topic.name, { expected: 2000 })).length, 2000)
})

test('unsafeAcks should need unsafeDisableIdempotence, and only take 0 or 1', () => {
  assert.throws(() => resolveProducerOptions({ bootstrapBrokers: ['127.0.0.1:1'], unsafeAcks: 1 }), { code: 'TACKLE_CLIENT_INVALID_OPTIONS', message: /needs unsafeDisableIdempotence/ })
  assert.throws(() => resolveProducerOptions({ bootstrapBrokers: ['127.0.0.1:1'], unsafeAcks: 2 as 1, unsafeDisableIdempotence: true }), { message: /unsafeAcks must be 0 or 1/ })
  assert.equal(resolveProducerOptions({ bootstrapBrokers: ['127.0.0.1:1'], unsafeAcks: 1, unsafeDisableIdempotence: true }).unsafeAcks, 1)
  assert.equal(resolveProducerOptions({ bootstrapBrokers: ['127.0.0.1:1'] }).unsafeAcks, undefined, 'acks=all by default')
})

test('sendMany should deliver many records in one call, in order per key, with one metrics update and each record\'s offset', async (t) => {
  const topic = await topicFor(t)
  const registry = new Registry()
  const p = producer(t, { registry })
  const values = Array.from({ length: 3000 }, (_, i) => ({ id: `m${i % 11}:${i}`, n: i }))
  const [first, second] = await Promise.all([p.sendMany(topic, values.slice(0, 1500)), p.sendMany(topic, values.slice(1500))])
  const metadata = [...first, ...second]
  assert.equal(metadata.length, 3000)
  const acked = metadata.map((at, i) => ({ value: values[i]?.id as string, partition: at.partition, offset: at.offset }))
  const report = checkSequences(acked, await readAll(brokers, topic.name, { expected: 3000 }), v => ({ producer: v.split(':')[0] as string, sequence: Number(v.split(':')[1]) }))
  assert.deepEqual({ lost: report.lost.length, duplicated: report.duplicated.length, reordered: report.reordered.length, inconsistent: report.inconsistent.length }, { lost: 0, duplicated: 0, reordered: 0, inconsistent: 0 })
  assert.match(await registry.getSingleMetricAsString('tackle_producer_records_sent_total'), new RegExp(`topic="${topic.name}"\\} 3000`))
  assert.match(await registry.getSingleMetricAsString('tackle_producer_ack_latency_seconds'), /tackle_producer_ack_latency_seconds_count\{client_id="tackle-producer"\} 2$/m, 'one latency sample per call')
  assert.deepEqual(await p.sendMany(topic, []), [])
})

test('sendMany should reject the whole call before sending anything when one value is invalid, naming its index', async (t) => {
  const topic = await topicFor(t, 1)
  const p = producer(t)
  await assert.rejects(p.sendMany(topic, [{ id: 'a', n: 1 }, { id: 'b', n: -1 }, { id: 'c', n: 3 }]), (error: Error & { code?: string, paths?: string[] }) => {
    assert.equal(error.code, 'TACKLE_CLIENT_INVALID_VALUE')
    assert.match(error.message, /^sendMany: value 1: /)
    assert.deepEqual(error.paths, ['/1/n'])
    return true
  })
  await p.flush()
  assert.equal((await readAll(brokers, topic.name, { idleMs: 1500 })).length, 0, 'nothing reached Kafka')
})

test('sendMany should wait for room in a buffer smaller than the call and deliver everything, and reject what finds no room', async (t) => {
  const topic = await topicFor(t, 3)
  const waiting = producer(t, { maxBufferBytes: 4096, maxRecordBytes: 1024 })
  const values = Array.from({ length: 300 }, (_, i) => ({ id: `w:${i}`.padEnd(200, '.'), n: i }))
  assert.equal((await waiting.sendMany(topic, values)).length, 300)
  assert.equal((await readAll(brokers, topic.name, { expected: 300 })).length, 300)
  const rejecting = producer(t, { maxBufferBytes: 2048, maxRecordBytes: 1024, onBufferFull: 'reject', lingerMs: 200 })
  await assert.rejects(rejecting.sendMany(topic, values.slice(0, 20)), (error: Error & { code?: string }) => error.code === 'TACKLE_CLIENT_BUFFER_FULL')
  assert.equal((await rejecting.close({ timeoutMs: 10_000 })).undelivered, 0, 'what was handed over before the buffer filled was delivered')
})
