import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assessHealth } from '../../src/operations/check-health.ts'
import { partition, snapshot } from '../fixtures.ts'

test('assessHealth should find nothing wrong with a healthy cluster, and name the quorum leader as controller', () => {
  const report = assessHealth(snapshot([partition('a', 0, [1, 2, 3]), partition('a', 1, [2, 3, 1])], { cluster: { clusterId: 'c', controllerId: 3, brokers: [1, 2, 3].map(id => ({ id, host: 'h', port: 1, rack: null })) } }))
  assert.equal(report.healthy, true)
  assert.deepEqual(report.problems, [])
  assert.equal(report.controller.id, 1)
  assert.deepEqual(report.brokers.map(b => b.registered), [true, true, true])
})

test('assessHealth should name each problem with its topic and partition', () => {
  const s = snapshot([
    partition('a', 0, [1, 2, 3], [1, 2]),
    partition('a', 1, [1, 2, 3], [1]),
    partition('b', 0, [3], [], 1, -1),
  ], {
    cluster: { clusterId: 'c', controllerId: 1, brokers: [1, 2].map(id => ({ id, host: 'h', port: 1, rack: null })) },
    quorum: { leaderId: 1, leaderEpoch: 1, highWatermark: 1n, observers: [], voters: [{ id: 1, logEndOffset: 1n, lagMs: 0 }, { id: 2, logEndOffset: 1n, lagMs: 10 }, { id: 3, logEndOffset: 0n, lagMs: 60_000 }] },
  })
  const report = assessHealth(s)
  assert.equal(report.healthy, false)
  assert.deepEqual(report.problems.map(p => [p.kind, p.topic ?? null, p.partition ?? null, p.brokerId ?? null]), [
    ['broker-missing', null, null, 3],
    ['quorum-lagging', null, null, 3],
    ['under-replicated', 'a', 0, null],
    ['under-min-isr', 'a', 1, null],
    ['offline', 'b', 0, null],
  ])
  assert.equal(report.brokers.find(b => b.id === 3)?.registered, false)
})

test('assessHealth should report leader imbalance without failing', () => {
  const report = assessHealth(snapshot([partition('a', 0, [1, 2, 3], [1, 2, 3], 2, 2)]))
  assert.equal(report.healthy, true)
  assert.equal(report.leaderImbalance.partitions, 1)
  assert.deepEqual(report.leaderImbalance.leadersByBroker, { 2: 1 })
})
