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

test('assessHealth should warn of a disk at 80% and a certificate within 30 days, and fail at 90% and 7 days', () => {
  const now = Date.parse('2026-12-01T00:00:00Z')
  const day = 86_400_000
  const dir = (broker: number, usedRatio: number) => ({ broker, dir: `/data-${broker}`, totalBytes: 1000, usableBytes: 1000 - usedRatio * 1000, error: null, usedRatio })
  const cert = (broker: number, days: number | null) => ({ broker, listener: 'SECURE', host: 'h', port: 9292, notAfter: days === null ? null : new Date(now + days * day).toISOString(), subject: 'CN=h', error: days === null ? 'refused' : null })
  const report = assessHealth(snapshot([partition('a', 0, [1, 2, 3])]), undefined, {
    now,
    logDirs: [dir(1, 0.5), dir(2, 0.85), dir(3, 0.95)],
    certificates: [cert(1, 90), cert(2, 20), cert(3, 3), cert(3, -1), cert(2, null)],
  })
  assert.equal(report.healthy, false)
  assert.deepEqual(report.problems.map(p => [p.kind, p.brokerId]), [['log-dir-full', 3], ['certificate-expiring', 3], ['certificate-expiring', 3]])
  assert.match(report.problems[0]?.detail ?? '', /broker 3's log directory \/data-3 is 95\.0% full/)
  assert.match(report.problems[2]?.detail ?? '', /certificate expired/)
  assert.deepEqual(report.warnings.map(p => [p.kind, p.brokerId]), [['log-dir-full', 2], ['certificate-expiring', 2], ['certificate-unreadable', 2]])
  const fine = assessHealth(snapshot([partition('a', 0, [1, 2, 3])]), undefined, { now, logDirs: [dir(1, 0.79)], certificates: [cert(1, 31)] })
  assert.equal(fine.healthy, true)
  assert.deepEqual(fine.warnings, [])
})
