// The spool needs a cluster that is down altogether, so it gets a private 1-node one.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { LocalCluster, waitUntil } from '@tackle/local-kafka'
import { Registry } from 'prom-client'
import Type from 'typebox'
import { EVENT_ID_HEADER, TackleProducer } from '../../src/producer/producer.ts'
import { readAll } from '../../src/testkit/read-all.ts'
import { defineTopic } from '../../src/topics/define-topic.ts'

test('records sent while the cluster is down should be spooled to disk and delivered in order when it returns, even by the next process', async (t) => {
  const parent = await mkdtemp(join(tmpdir(), 'tackle-spool-'))
  const cluster = new LocalCluster({ dir: join(parent, 'kafka'), ownerPid: process.pid, heapMb: 256 })
  // One hook, in this order: node:test runs after-hooks first-added first, and deleting the
  // directory under running nodes races with their writes.
  t.after(async () => {
    await cluster.down({ purge: true })
    await rm(parent, { recursive: true, force: true })
  })
  const brokers = (await cluster.up({ nodes: 1 })).bootstrap.split(',')
  const topic = defineTopic<{ n: number }>({ name: 'spooled', schema: Type.Object({ n: Type.Integer() }) })
  const admin = new Admin({ clientId: 'spool-test', bootstrapBrokers: brokers })
  await admin.createTopics({ topics: [topic.name], partitions: 1, replicas: 1 })
  await admin.close()

  const spoolDir = join(parent, 'spool')
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry(), spool: { dir: spoolDir, unreachableAfterMs: 2000, probeIntervalMs: 500 } })
  t.after(() => producer.close({ timeoutMs: 5000 }))
  const before = await Promise.all(Array.from({ length: 100 }, (_, n) => producer.send(topic, { n })))
  assert.ok(before.every(r => !r.spooled && r.offset >= 0n))

  await cluster.down()
  const during = await Promise.all(Array.from({ length: 200 }, (_, i) => producer.send(topic, { n: 100 + i })))
  assert.ok(during.every(r => r.spooled), 'acknowledged by the spool while the cluster is down')
  assert.equal(await producer.spooledRecords(), 200)

  // A second process spools too, and dies before the cluster returns.
  const fixture = new URL('fixtures/spool-while-down.ts', import.meta.url).pathname
  const otherSpool = join(parent, 'spool-2')
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', fixture, brokers.join(','), topic.name, otherSpool, '50'], { stdio: ['ignore', 'pipe', 'ignore'] })
  t.after(() => child.kill('SIGKILL'))
  const [line] = await once(child.stdout, 'data') as [Buffer]
  assert.equal(line.toString().trim(), '50 spooled')
  child.kill('SIGKILL')
  await once(child, 'exit')

  await cluster.up()
  assert.ok(await waitUntil(async () => await producer.spooledRecords() === 0 ? true : undefined, { timeoutMs: 60_000 }), 'the spool was replayed')
  const after = await producer.send(topic, { n: 300 })
  assert.ok(!after.spooled)

  // The next producer given the dead process's spool replays it.
  const heir = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry(), spool: { dir: otherSpool, probeIntervalMs: 500 } })
  t.after(() => heir.close({ timeoutMs: 5000 }))
  assert.ok(await waitUntil(async () => await heir.spooledRecords() === 0 ? true : undefined, { timeoutMs: 60_000 }), 'the dead process\'s spool was replayed')

  const read = (await readAll(brokers, topic.name, { expected: 351 })).map(r => ({ n: (JSON.parse(r.value) as { n: number }).n, eventId: r.headers.get(EVENT_ID_HEADER) }))
  const ns = read.map(r => r.n)
  assert.deepEqual(new Set(ns), new Set(Array.from({ length: 301 }, (_, n) => n).concat(Array.from({ length: 50 }, (_, i) => 1000 + i))), 'nothing lost')
  const mine = ns.filter(n => n < 1000)
  assert.deepEqual(mine.filter((n, i) => mine.indexOf(n) === i), Array.from({ length: 301 }, (_, n) => n), 'in the order they were sent')
  const ids = read.map(r => r.eventId)
  assert.ok(ids.every(id => typeof id === 'string' && id.length === 36), 'every record carries an event id')
  assert.equal(new Set(ids).size, new Set(ns).size, 'one event id per event: a repeated replay is detectable')
})
