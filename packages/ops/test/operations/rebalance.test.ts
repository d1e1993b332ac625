// On a cluster of its own (it adds and removes a broker, which the shared one must not see):
// three brokers with topics under acks=all load, a fourth added and filled by rebalance, then
// decommissioned under the same load, removed from the harness and unregistered, with Kafka's own
// kafka-cluster tool as the witness that it is gone. The load's sequences prove nothing was lost.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ClusterAdmin, defineTopic, ensureTopics, TackleProducer, Type } from '@tackle/client'
import { checkSequences, readAll, startSequenceLoad } from '@tackle/client/testkit'
import { LocalCluster, runKafkaTool, waitUntil } from '@tackle/local-kafka'
import { TEST_BROKER_CONFIG } from '@tackle/local-kafka/testing'
import { Registry } from 'prom-client'
import { checkHealth } from '../../src/operations/check-health.ts'
import { decommissionBroker } from '../../src/operations/decommission-broker.ts'
import { rebalance, type RebalanceResult } from '../../src/operations/rebalance.ts'
import { unregisterBroker } from '../../src/operations/unregister-broker.ts'
import type { ReassignResult } from '../../src/reassign/execute-moves.ts'
import { band } from '../../src/reassign/balance-moves.ts'
import { throttlesLeft } from '../throttles-left.ts'

async function until (check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  assert.ok(await waitUntil(async () => (await check().catch(() => false)) || undefined, { timeoutMs }), `timed out waiting for ${what}`)
}

test('rebalance should fill a newly added broker to its share under load, and decommission, remove and unregister it again: nothing lost, no throttle left', { timeout: 600_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-rebalance-'))
  const cluster = new LocalCluster({ dir, ownerPid: process.pid, brokerConfig: TEST_BROKER_CONFIG, heapMb: 384 })
  const status = await cluster.up({ nodes: 3 })
  const brokers = status.bootstrap.split(',')
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers, requestTimeoutMs: 10_000 })
  const Value = Type.Object({ id: Type.String() })
  const loaded = defineTopic<Type.Static<typeof Value>>({ name: `rebalance-${randomUUID()}`, schema: Value, partitions: 8, key: v => v.id.split(':')[0] })
  await ensureTopics({ bootstrapBrokers: brokers, topics: [loaded] })
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry(), lingerMs: 2 })
  const load = startSequenceLoad(producer, loaded, id => ({ id }))
  // One hook, in order: the load stops and the clients close before the nodes go, and the nodes before their directory.
  t.after(async () => {
    await load.stop().catch(() => undefined)
    await producer.close({ timeoutMs: 5_000 }).catch(() => undefined)
    await admin.close()
    await cluster.down({ purge: true })
    await rm(dir, { recursive: true, force: true })
  })
  await until(async () => load.acked.length > 300, 'load to start')

  const added = await cluster.addBroker()
  assert.equal(added.id, 4)
  await until(async () => (await admin.describeCluster()).brokers.some(b => b.id === 4), 'broker 4 to register')
  const stateFile = join(dir, 'reassignment.json')
  const balanced = await rebalance({ admin, stateFile, throttleBytesPerSec: 10 * 1024 * 1024, maxMovesPerBroker: 10 }) as RebalanceResult
  const ours = (await admin.partitions()).filter(p => !p.topic.startsWith('__'))
  const replicasOn4 = ours.filter(p => p.replicas.includes(4)).length
  // 8 partitions of RF 3 over 4 brokers: 6 replicas each.
  const { lower, upper } = band(ours.length * 3 / 4, 0.1, true)
  assert.ok(replicasOn4 >= lower && replicasOn4 <= upper, `broker 4 holds ${replicasOn4} of our replicas (band ${lower}..${upper})`)
  const after4 = balanced.after.find(l => l.broker === 4)
  const all = balanced.after.map(l => l.replicas)
  const whole = band(all.reduce((a, b) => a + b, 0) / all.length, 0.1, true)
  assert.ok(all.every(n => n >= whole.lower && n <= whole.upper), `every broker within 10% of the mean: ${all}`)
  assert.ok((after4?.leaders ?? 0) > 0, 'broker 4 leads partitions after the preferred-leader election')
  await until(async () => (await admin.partitions()).filter(p => p.replicas[0] === 4).every(p => p.leader === 4), 'broker 4 to lead its preferred partitions')
  assert.deepEqual(balanced.unmet, [])
  assert.deepEqual(await throttlesLeft(admin, [1, 2, 3, 4], [loaded.name]), [], 'no throttle is left after the rebalance')

  const decommissioned = await decommissionBroker({ admin, stateFile, brokerId: 4, throttleBytesPerSec: 10 * 1024 * 1024, maxMovesPerBroker: 10 }) as ReassignResult & { unregister: { unregistered: boolean, reason: string | null } }
  assert.ok(decommissioned.moves.length >= replicasOn4)
  assert.equal(decommissioned.unregister.unregistered, false, 'a running broker is not unregistered')
  assert.match(decommissioned.unregister.reason ?? '', /still running/)
  assert.deepEqual((await admin.partitions()).filter(p => p.replicas.includes(4)).map(p => `${p.topic}-${p.partition}`), [])
  await load.stop()
  assert.deepEqual(load.errors, [], 'no send failed')

  await assert.rejects(cluster.removeNode(1), { code: 'TACKLE_LOCAL_KAFKA_NODE_STATE', message: /controller/ })
  const removed = await cluster.removeNode(4)
  assert.equal(removed.purged, false)
  assert.deepEqual((await cluster.status())?.nodes.map(n => n.id), [1, 2, 3])
  const endpoints = async () => (await runKafkaTool(await cluster.distribution(), 'kafka-cluster', ['list-endpoints', '--bootstrap-server', brokers[0] as string, '--include-fenced-brokers'])).stdout
  await until(async () => /^4\s.*fenced/m.test(await endpoints()), 'broker 4 to show as fenced in Kafka\'s own list')
  await unregisterBroker(admin, 4)
  assert.doesNotMatch(await endpoints(), /^4\s/m, 'kafka-cluster list-endpoints no longer lists broker 4')
  const health = await checkHealth(admin, { expectedBrokers: [1, 2, 3] })
  assert.deepEqual(health.brokers.map(b => b.id), [1, 2, 3])
  assert.equal(health.healthy, true, JSON.stringify(health.problems))

  const report = checkSequences(load.acked, (await readAll(brokers, loaded.name, { expected: load.acked.length })).map(r => ({ ...r, value: (JSON.parse(r.value) as { id: string }).id })))
  assert.deepEqual({ lost: report.lost.length, duplicated: report.duplicated.length, reordered: report.reordered.length }, { lost: 0, duplicated: 0, reordered: 0 })
  t.diagnostic(`rebalanced ${balanced.moves.length} partitions onto broker 4 in ${balanced.durationMs} ms, decommissioned ${decommissioned.moves.length} in ${decommissioned.durationMs} ms; ${load.acked.length} records under load`)
})
