import assert from 'node:assert/strict'
import { test } from 'node:test'
import { evaluatePartition, worstStatus, type LagSample } from '../../src/operations/consumer-lag.ts'

/** Samples one second apart from [committed, end] pairs. */
function window (...pairs: Array<[number, number]>): LagSample[] {
  return pairs.map(([committed, end], i) => ({ at: i * 1000, committed: BigInt(committed), end: BigInt(end) }))
}

test('evaluatePartition should call a consumer that keeps up OK, with its lag in records and time', () => {
  const result = evaluatePartition(window([10, 20], [20, 30], [30, 40], [40, 45]), true)
  assert.deepEqual(result, { status: 'OK', lagRecords: 5n, lagMs: 0, lagMsAtLeast: false })
})

test('evaluatePartition should call a group with members whose committed offset never moves STALL', () => {
  const result = evaluatePartition(window([10, 20], [10, 25], [10, 30]), true)
  assert.equal(result.status, 'STALL')
  assert.equal(result.lagRecords, 20n)
  // The record at offset 10 already existed at the first sample: the time lag is at least the window.
  assert.equal(result.lagMs, 2000)
  assert.equal(result.lagMsAtLeast, true)
})

test('evaluatePartition should call lag with nobody in the group STOP', () => {
  assert.equal(evaluatePartition(window([10, 20], [10, 20]), false).status, 'STOP')
})

test('evaluatePartition should never flag an idle group with zero lag', () => {
  assert.equal(evaluatePartition(window([50, 50], [50, 50], [50, 50]), false).status, 'OK')
  assert.equal(evaluatePartition(window([50, 50]), false).status, 'OK')
})

test('evaluatePartition should call a committed offset that went backwards REWIND', () => {
  assert.equal(evaluatePartition(window([50, 60], [20, 60], [30, 60]), true).status, 'REWIND')
})

test('evaluatePartition should warn when lag grows at every sample or passes the threshold', () => {
  assert.equal(evaluatePartition(window([10, 20], [15, 30], [20, 45]), true).status, 'WARN')
  assert.equal(evaluatePartition(window([10, 20], [20, 30]), true, { thresholdRecords: 5 }).status, 'WARN')
  assert.equal(evaluatePartition(window([10, 20], [20, 30]), true, { thresholdRecords: 50 }).status, 'OK')
})

test('evaluatePartition should time the lag from when the log end passed the committed offset', () => {
  const result = evaluatePartition(window([10, 10], [10, 10], [11, 15], [12, 18]), true)
  assert.equal(result.lagRecords, 6n)
  // End offset first passed 12 at the third sample (t = 2 s); the last is at t = 3 s.
  assert.equal(result.lagMs, 1000)
  assert.equal(result.lagMsAtLeast, false)
})

test('worstStatus should rank ERR over STOP over STALL over REWIND over WARN over OK', () => {
  assert.equal(worstStatus(['OK', 'WARN', 'OK']), 'WARN')
  assert.equal(worstStatus(['STALL', 'REWIND']), 'STALL')
  assert.equal(worstStatus(['STOP', 'ERR']), 'ERR')
  assert.equal(worstStatus([]), 'OK')
})

test('LagMonitor should call an idle caught-up group OK, the same group STOP once records wait, and a stuck member STALL', async (t) => {
  const { ClusterAdmin, TackleConsumer, TackleProducer, defineTopic, ensureTopics, Type } = await import('@tackle/client')
  const { sharedTestCluster } = await import('@tackle/local-kafka/testing')
  const { Registry } = await import('prom-client')
  const { randomUUID } = await import('node:crypto')
  const { LagMonitor } = await import('../../src/operations/consumer-lag.ts')
  const { brokers } = await sharedTestCluster()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const topic = defineTopic<{ n: number }>({ name: `lag-${randomUUID()}`, schema: Type.Object({ n: Type.Integer() }), partitions: 1 })
  await ensureTopics({ bootstrapBrokers: brokers, topics: [topic] })
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry() })
  t.after(() => producer.close())
  await Promise.all(Array.from({ length: 10 }, (_, n) => producer.send(topic, { n })))

  const judge = async (group: string) => {
    const monitor = new LagMonitor(admin, { groups: [group] })
    await monitor.sample()
    await new Promise(resolve => setTimeout(resolve, 300))
    await monitor.sample()
    return monitor.evaluate()[0]
  }

  // Consume everything, then leave: an idle group at zero lag.
  const idle = `lag-idle-${randomUUID()}`
  let seen = 0
  let allSeen: () => void = () => undefined
  const done = new Promise<void>(resolve => { allSeen = resolve })
  const consumer = new TackleConsumer({ bootstrapBrokers: brokers, groupId: idle, topic, retryTopic: undefined, registry: new Registry(), handler: async () => { if (++seen === 10) allSeen() } })
  await consumer.start()
  await done
  await consumer.close()
  const caughtUp = await judge(idle)
  assert.equal(caughtUp?.status, 'OK')
  assert.equal(caughtUp?.lagRecords, 0n)

  await Promise.all(Array.from({ length: 5 }, (_, n) => producer.send(topic, { n })))
  const stopped = await judge(idle)
  assert.equal(stopped?.status, 'STOP')
  assert.equal(stopped?.lagRecords, 5n)

  // A member that handles one record, then gets stuck on the next: in the group, its committed offset frozen.
  const stuck = `lag-stuck-${randomUUID()}`
  let release: () => void = () => undefined
  const blocked = new Promise<void>(resolve => { release = resolve })
  let handled = 0
  const member = new TackleConsumer({ bootstrapBrokers: brokers, groupId: stuck, topic, retryTopic: undefined, registry: new Registry(), handler: async () => { if (++handled > 1) await blocked } })
  t.after(async () => { release(); await member.close() })
  await member.start()
  const deadline = Date.now() + 30_000
  while ((await admin.committedOffsets([stuck])).get(stuck)?.get(topic.name)?.get(0) !== 1n) {
    assert.ok(Date.now() < deadline, 'the stuck member committed its first record')
    await new Promise(resolve => setTimeout(resolve, 200))
  }
  const stalled = await judge(stuck)
  assert.equal(stalled?.status, 'STALL')
  assert.equal(stalled?.lagRecords, 14n)
})
