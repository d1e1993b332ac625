import assert from 'node:assert/strict'
import { test } from 'node:test'
import { planOffsetReset, type PartitionPosition } from '../../src/operations/reset-offsets.ts'

const positions: PartitionPosition[] = [
  { topic: 'e', partition: 0, current: 40n, earliest: 10n, latest: 100n, atTime: 60n },
  { topic: 'e', partition: 1, current: null, earliest: 0n, latest: 5n, atTime: 5n },
]

test('planOffsetReset should resolve each target per partition with the lag after', () => {
  assert.deepEqual(planOffsetReset({ to: 'earliest' }, positions).map(r => [r.target, r.lagAfter]), [[10n, 90n], [0n, 5n]])
  assert.deepEqual(planOffsetReset({ to: 'latest' }, positions).map(r => [r.target, r.lagAfter]), [[100n, 0n], [5n, 0n]])
  assert.deepEqual(planOffsetReset({ to: 'datetime', timestampMs: 0 }, positions).map(r => r.target), [60n, 5n])
  assert.deepEqual(planOffsetReset({ to: 'offset', offset: 5n }, [positions[1] as PartitionPosition]).map(r => r.target), [5n])
  // A partition never committed shifts from the start of its log.
  assert.deepEqual(planOffsetReset({ to: 'shift', by: 3n }, positions).map(r => r.target), [43n, 3n])
  assert.deepEqual(planOffsetReset({ to: 'shift', by: -30n }, [positions[0] as PartitionPosition]).map(r => [r.current, r.target]), [[40n, 10n]])
})

test('planOffsetReset should refuse a target outside the log, naming every such partition and its valid range', () => {
  assert.throws(() => planOffsetReset({ to: 'offset', offset: 7n }, positions), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_OPS_OFFSET_OUT_OF_RANGE')
    assert.match(error.message, /e-0 \(would be 7; valid 10\.\.100\)/)
    assert.match(error.message, /e-1 \(would be 7; valid 0\.\.5\)/)
    return true
  })
  assert.throws(() => planOffsetReset({ to: 'shift', by: -31n }, [positions[0] as PartitionPosition]), { code: 'TACKLE_OPS_OFFSET_OUT_OF_RANGE', message: /would be 9; valid 10\.\.100/ })
  assert.throws(() => planOffsetReset({ to: 'shift', by: 61n }, [positions[0] as PartitionPosition]), { message: /would be 101/ })
})

test('resetOffsets should refuse while the group has a member, naming it; then plan, apply with one commit and read back; deleteGroup likewise', async (t) => {
  const { ClusterAdmin, TopicReader, Type } = await import('@tackle/client')
  const { createConsumer, createProducer, createTestTopic, testBrokers } = await import('@tackle/client/testkit')
  const { resetOffsets } = await import('../../src/operations/reset-offsets.ts')
  const { deleteGroup } = await import('../../src/operations/delete-group.ts')
  const { describeGroup } = await import('../../src/operations/describe-group.ts')
  const brokers = await testBrokers()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  const reader = new TopicReader({ bootstrapBrokers: brokers })
  t.after(() => Promise.all([admin.close(), reader.close()]))
  const topic = await createTestTopic<{ n: number }>({ prefix: 'reset', schema: Type.Object({ n: Type.Integer() }), partitions: 2, key: v => String(v.n % 2) })
  const producer = await createProducer(t)
  await Promise.all(Array.from({ length: 20 }, (_, n) => producer.send(topic, { n })))
  const middle = Date.now()
  await new Promise(resolve => setTimeout(resolve, 20))
  await Promise.all(Array.from({ length: 10 }, (_, n) => producer.send(topic, { n: 100 + n })))

  const group = `reset-group-${Math.random().toString(36).slice(2)}`
  let seen = 0
  const consumer = await createConsumer(t, { groupId: group, topic, retryTopic: undefined, handler: async () => { seen++ } })
  await consumer.start()
  const deadline = Date.now() + 30_000
  while (((await admin.committedOffsets([group])).get(group)?.get(topic.name)?.size ?? 0) < 2 || seen < 30) {
    assert.ok(Date.now() < deadline, 'the consumer caught up and committed')
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  const live = await describeGroup(admin, reader, group)
  assert.equal(live.members.length, 1)
  assert.deepEqual(live.members[0]?.assignment.filter(a => a.topic === topic.name).map(a => a.partition).sort(), [0, 1])
  assert.deepEqual(live.partitions.map(p => [p.partition, p.committed, p.lagRecords]), [[0, 15n, 0n], [1, 15n, 0n]])
  const member = live.members[0]?.id as string
  await assert.rejects(resetOffsets({ admin, group, target: { to: 'earliest' } }), (error: Error & { code?: string }) => error.code === 'TACKLE_OPS_GROUP_ACTIVE' && error.message.includes(member))
  await assert.rejects(deleteGroup(admin, group), { code: 'TACKLE_OPS_GROUP_ACTIVE' })
  await consumer.close()

  // A dry run changes nothing.
  const plan = await resetOffsets({ admin, group, target: { to: 'datetime', timestampMs: middle }, dryRun: true })
  assert.equal(plan.applied, false)
  assert.deepEqual(plan.partitions.map(r => [r.partition, r.current, r.target, r.lagAfter]), [[0, 15n, 10n, 5n], [1, 15n, 10n, 5n]])
  assert.equal((await admin.committedOffsets([group])).get(group)?.get(topic.name)?.get(0), 15n)

  const applied = await resetOffsets({ admin, group, target: { to: 'datetime', timestampMs: middle } })
  assert.equal(applied.applied, true)
  assert.deepEqual([...((await admin.committedOffsets([group])).get(group)?.get(topic.name) ?? [])].sort(), [[0, 10n], [1, 10n]])
  // Lag in time is the age of the first record not consumed: one of the last ten.
  const after = await describeGroup(admin, reader, group)
  assert.equal(after.lagRecords, 10n)
  assert.ok(after.lagMs !== null && after.lagMs >= 0 && after.lagMs < 60_000, `lag time ${after.lagMs}`)
  assert.equal(after.status, 'STOP')

  await assert.rejects(resetOffsets({ admin, group, target: { to: 'shift', by: -11n }, topics: [{ topic: topic.name, partitions: [1] }] }), { code: 'TACKLE_OPS_OFFSET_OUT_OF_RANGE', message: /valid 0\.\.15/ })
  const shifted = await resetOffsets({ admin, group, target: { to: 'shift', by: -3n }, topics: [{ topic: topic.name, partitions: [1] }] })
  assert.deepEqual(shifted.partitions.map(r => [r.partition, r.target]), [[1, 7n]])
  assert.equal((await admin.committedOffsets([group])).get(group)?.get(topic.name)?.get(0), 10n, 'the partition not named is untouched')

  await deleteGroup(admin, group)
  assert.equal((await admin.groups()).some(g => g.id === group), false)
  await assert.rejects(deleteGroup(admin, group), { code: 'TACKLE_OPS_GROUP_NOT_FOUND' })
})
