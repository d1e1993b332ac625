import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ClusterAdmin } from '@tackle/client'
import { testTopicName } from '@tackle/client/testkit'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { parseResetTarget, parseTopicSelection } from '../../src/commands/group.ts'
import { onlyJson, runTackle } from '../run-tackle.ts'

test('parseResetTarget should read each --to form and list the allowed ones otherwise', () => {
  assert.deepEqual(parseResetTarget(['earliest']), { to: 'earliest' })
  assert.deepEqual(parseResetTarget(['shift', '-5']), { to: 'shift', by: -5n })
  assert.deepEqual(parseResetTarget(['offset', '7']), { to: 'offset', offset: 7n })
  assert.deepEqual(parseResetTarget(['datetime', '2026-11-30T00:00:00Z']), { to: 'datetime', timestampMs: Date.parse('2026-11-30T00:00:00Z') })
  assert.throws(() => parseResetTarget(['offset', 'x']), /--to offset needs a whole number/)
  assert.throws(() => parseResetTarget(['datetime', 'soon']), /ISO date-time/)
  assert.throws(() => parseResetTarget(['start']), /one of earliest, latest, datetime ISO, offset N, shift ±N; got "start"/)
  assert.deepEqual(parseTopicSelection('t:0,2', [{ topic: 'a' }]), [{ topic: 'a' }, { topic: 't', partitions: [0, 2] }])
})

test('tackle group should list and describe a group, plan a reset as JSON, refuse one outside the log, apply one and delete the group', async (t) => {
  const { cluster, brokers } = await sharedTestCluster()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const topic = testTopicName('cli-group')
  await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3 })
  const { Producer, stringSerializers } = await import('@platformatic/kafka')
  const producer = new Producer({ clientId: 'cli-group-test', bootstrapBrokers: brokers, serializers: stringSerializers, idempotent: true })
  await producer.send({ messages: Array.from({ length: 10 }, (_, n) => ({ topic, partition: 0, value: String(n) })) })
  await producer.close()
  const group = testTopicName('cli-group')
  await admin.commitGroupOffsets(group, [{ topic, partition: 0, offset: 8n }])
  const dir = ['--dir', cluster.dir]

  const list = onlyJson(await runTackle(['group', 'list', '--json', ...dir])) as { groups: Array<{ group: string, lagRecords: number }> }
  assert.equal(list.groups.find(g => g.group === group)?.lagRecords, 2)
  const described = await runTackle(['group', 'describe', group, ...dir])
  assert.equal(described.code, 1, 'lag with nobody consuming is STOP')
  assert.match(described.stdout, new RegExp(`${topic}\\s+0\\s+8\\s+10\\s+2\\s+\\S+\\s+STOP`))

  const plan = await runTackle(['group', 'reset-offsets', group, '--to', 'shift', '-3', '--dry-run', '--json', ...dir])
  assert.equal(plan.code, 0, plan.stderr)
  assert.deepEqual((onlyJson(plan).partitions as Array<Record<string, unknown>>).map(r => [r.current, r.target, r.lagAfter]), [[8, 5, 5]])
  assert.equal((await admin.committedOffsets([group])).get(group)?.get(topic)?.get(0), 8n, 'a dry run commits nothing')
  const outside = await runTackle(['group', 'reset-offsets', group, '--to', 'offset', '11', '--yes', ...dir])
  assert.equal(outside.code, 64)
  assert.match(outside.stderr, /valid 0\.\.10/)
  const unconfirmed = await runTackle(['group', 'reset-offsets', group, '--to', 'earliest', ...dir])
  assert.equal(unconfirmed.code, 64)
  assert.match(unconfirmed.stderr, /pass --yes/)
  const applied = await runTackle(['group', 'reset-offsets', group, '--to', 'earliest', '--yes', ...dir])
  assert.equal(applied.code, 0, applied.stderr)
  assert.match(applied.stdout, /1 partitions reset to the earliest offset; read back/)
  assert.equal((await admin.committedOffsets([group])).get(group)?.get(topic)?.get(0), 0n)
  assert.equal((await runTackle(['group', 'delete', group, '--yes', ...dir])).code, 0)
  const gone = await runTackle(['group', 'describe', group, ...dir])
  assert.equal(gone.code, 1)
  assert.match(gone.stderr, /no consumer group/)
})

test('tackle rebalance --dry-run should print the plan with each broker\'s load before and after, and change nothing', async () => {
  const { cluster } = await sharedTestCluster()
  const run = await runTackle(['rebalance', '--dry-run', '--json', '--dir', cluster.dir])
  assert.equal(run.code, 0, run.stderr)
  const plan = onlyJson(run) as { dryRun: boolean, moves: unknown[], before: Array<{ broker: number }>, after: Array<{ broker: number }> }
  assert.equal(plan.dryRun, true)
  assert.deepEqual(plan.before.map(l => l.broker), [1, 2, 3])
  assert.deepEqual(plan.after.map(l => l.broker), [1, 2, 3])
  const text = await runTackle(['rebalance', '--dry-run', '--goals', 'replicas,nope', '--dir', cluster.dir])
  assert.equal(text.code, 64)
  assert.match(text.stderr, /goals are a comma-separated list of replicas, disk, leaders; not nope/)
})
