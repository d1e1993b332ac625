import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ClusterAdmin, defineTopic, ensureTopics, TackleProducer, Type } from '@tackle/client'
import { checkSequences, readAll, startSequenceLoad } from '@tackle/client/testkit'
import { LocalCluster, runKafkaTool, waitUntil } from '@tackle/local-kafka'
import { TEST_BROKER_CONFIG } from '@tackle/local-kafka/testing'
import { Registry } from 'prom-client'
import { cancelReassignment } from '../../src/operations/cancel-reassignment.ts'
import { replaceBroker } from '../../src/operations/replace-broker.ts'
import type { ReassignProgress, ReassignResult } from '../../src/reassign/execute-moves.ts'
import { throttlesLeft } from '../throttles-left.ts'

async function until (check: () => Promise<boolean>, options: { timeoutMs: number, what: string }): Promise<void> {
  const held = await waitUntil(async () => (await check().catch(() => false)) || undefined, { timeoutMs: options.timeoutMs })
  assert.ok(held, `timed out waiting for ${options.what}`)
}

async function tempDir (t: test.TestContext, prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

// A cluster of its own: this test kills a node for good and adds a fourth, which the shared one must not see.
test('replaceBroker should move a dead broker\'s replicas to a new one under load: nothing lost, RF 3 again, no throttle left', { timeout: 600_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-replace-'))
  const cluster = new LocalCluster({ dir, ownerPid: process.pid, brokerConfig: TEST_BROKER_CONFIG, heapMb: 384 })
  // One hook: node:test runs after-hooks first-added first, and the nodes must stop before their directory goes.
  t.after(async () => {
    await cluster.down({ purge: true })
    await rm(dir, { recursive: true, force: true })
  })
  const status = await cluster.up({ nodes: 3 })
  const brokers = status.bootstrap.split(',')
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers, requestTimeoutMs: 10_000 })
  t.after(() => admin.close())
  const Value = Type.Object({ id: Type.String() })
  const definition = defineTopic<Type.Static<typeof Value>>({ name: `replace-${randomUUID()}`, schema: Value, partitions: 6, key: v => v.id.split(':')[0] })
  await ensureTopics({ bootstrapBrokers: brokers, topics: [definition] })
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry(), lingerMs: 2 })
  t.after(() => producer.close({ timeoutMs: 10_000 }))

  const load = startSequenceLoad(producer, definition, id => ({ id }))
  const { acked, errors } = load
  await until(async () => acked.length > 500, { timeoutMs: 60_000, what: 'load to start' })

  await cluster.node(3, 'kill')
  await until(async () => !(await admin.describeCluster()).brokers.some(b => b.id === 3), { timeoutMs: 60_000, what: 'broker 3 to be fenced' })
  const added = await cluster.addBroker()
  assert.equal(added.id, 4)
  await until(async () => (await admin.describeCluster()).brokers.some(b => b.id === 4), { timeoutMs: 60_000, what: 'broker 4 to register' })

  const stateFile = join(await tempDir(t, 'tackle-replace-state-'), 'reassignment.json')
  const events: ReassignProgress[] = []
  let cancelRefusal: unknown
  const result = await replaceBroker({
    admin, stateFile, oldId: 3, newId: 4, throttleBytesPerSec: 1024 * 1024, maxMovesPerBroker: 10,
    onProgress: (event) => {
      events.push(event)
      // Cancelling would put replicas back on dead broker 3: it must be refused, and the moves go on.
      if (event.phase === 'throttle') cancelRefusal = cancelReassignment({ admin, stateFile }).then(() => 'not refused', (e: Error) => e)
    },
  }) as ReassignResult & { unregister: { unregistered: boolean } }
  await load.stop()
  assert.equal(result.unregister.unregistered, true, 'the dead broker is unregistered once it holds nothing')
  const endpoints = (await runKafkaTool(await cluster.distribution(), 'kafka-cluster', ['list-endpoints', '--bootstrap-server', brokers[0] as string, '--include-fenced-brokers'])).stdout
  assert.doesNotMatch(endpoints, /^3\s/m, 'Kafka\'s own list no longer has broker 3')
  assert.match(endpoints, /^4\s/m)

  assert.equal(((await cancelRefusal) as { code?: string }).code, 'TACKLE_OPS_CANCEL_REFUSED')
  assert.deepEqual(errors, [], 'no send failed')
  assert.ok(result.moves.length >= 6, `every partition on broker 3 moved (${result.moves.length})`)
  assert.ok(result.moves.every(m => m.to.includes(4) && !m.to.includes(3) && m.from.indexOf(3) === m.to.indexOf(4)), 'each replica kept its position')
  assert.ok(!result.throttledBrokers.includes(3), 'no config was written to dead broker 3')
  assert.ok(events.some(e => e.phase === 'throttle'))
  const partitions = await admin.partitions()
  assert.deepEqual(partitions.filter(p => p.replicas.includes(3)).map(p => `${p.topic}-${p.partition}`), [], 'no replica is left on broker 3')
  assert.deepEqual(partitions.filter(p => p.topic === definition.name).map(p => p.replicas.length), [3, 3, 3, 3, 3, 3])
  await until(async () => (await admin.partitions([definition.name])).every(p => p.isr.length === 3), { timeoutMs: 60_000, what: 'every replica to be in sync' })
  assert.deepEqual(await throttlesLeft(admin, [1, 2, 4], [...new Set(partitions.map(p => p.topic))]), [], 'no throttle is left')
  await assert.rejects(stat(stateFile), { code: 'ENOENT' }, 'the state file is gone once done')

  const report = checkSequences(acked, (await readAll(brokers, definition.name, { expected: acked.length })).map(r => ({ ...r, value: (JSON.parse(r.value) as { id: string }).id })))
  assert.deepEqual({ lost: report.lost.length, duplicated: report.duplicated.length, reordered: report.reordered.length }, { lost: 0, duplicated: 0, reordered: 0 })
  t.diagnostic(`replaced dead broker 3 with 4: ${result.moves.length} partitions, ${result.bytesCopied} bytes in ${result.durationMs} ms; ${acked.length} records under load`)
})
