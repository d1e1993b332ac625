import assert from 'node:assert/strict'
import { test } from 'node:test'
import { canRoll } from '../../src/roll/can-roll.ts'
import { partition, snapshot } from '../fixtures.ts'

const reasons = (v: ReturnType<typeof canRoll>) => v.blockers.map(b => `${b.reason}${b.partition ? ` ${b.partition}` : ''}`)

test('canRoll should let a broker go when every partition keeps min ISR without it', () => {
  const verdict = canRoll(2, snapshot([partition('a', 0, [1, 2, 3]), partition('a', 1, [2, 3, 1])]))
  assert.equal(verdict.canRoll, true)
  assert.deepEqual(verdict.blockers, [])
})

test('canRoll should refuse when a partition is at min ISR and the broker is in its ISR', () => {
  const verdict = canRoll(1, snapshot([partition('a', 0, [1, 2, 3], [1, 2])]))
  assert.equal(verdict.canRoll, false)
  assert.deepEqual(reasons(verdict), ['at-min-isr a-0'])
  assert.match(verdict.blockers[0]?.detail ?? '', /ISR 1,2 = min.insync.replicas 2 and broker 1 is in it/)
})

test('canRoll should refuse when a partition on the broker is already under min ISR', () => {
  assert.deepEqual(reasons(canRoll(1, snapshot([partition('a', 0, [1, 2, 3], [1])]))), ['under-min-isr a-0'])
})

test('canRoll should refuse while another broker\'s replica is out of sync, but not for the broker\'s own', () => {
  const s = snapshot([partition('a', 0, [1, 2, 3], [1, 2], 1)])
  assert.deepEqual(reasons(canRoll(1, s)), ['under-replicated a-0'])
  // Restarting broker 3, the one out of sync, is the fix: unhealthy brokers go first.
  assert.equal(canRoll(3, s).canRoll, true)
})

test('canRoll should only warn when replicas ≤ min ISR', () => {
  const verdict = canRoll(1, snapshot([partition('rf2', 0, [1, 2], [1, 2], 2)]))
  assert.equal(verdict.canRoll, true)
  assert.deepEqual(verdict.warnings.map(w => `${w.reason} ${w.partition}`), ['replicas-at-most-min-isr rf2-0'])
})

test('canRoll should refuse while any partition is offline', () => {
  assert.deepEqual(reasons(canRoll(2, snapshot([partition('a', 0, [3], [], 1, -1)]))), ['offline a-0'])
})

test('canRoll should refuse when the quorum would lose its caught-up majority without the node', () => {
  const lagging = snapshot([], { quorum: { leaderId: 1, leaderEpoch: 1, highWatermark: 100n, observers: [], voters: [{ id: 1, logEndOffset: 100n, lagMs: 0 }, { id: 2, logEndOffset: 100n, lagMs: 40 }, { id: 3, logEndOffset: 60n, lagMs: 30_000 }] } })
  assert.deepEqual(reasons(canRoll(1, lagging)), ['quorum-lagging'])
  assert.match(canRoll(2, lagging).blockers[0]?.detail ?? '', /without node 2 only 1 of 3 controllers are caught up \(2 needed\); lagging: 3/)
  // Node 3 itself may go: the caught-up majority (1, 2) stays.
  assert.equal(canRoll(3, lagging).canRoll, true)
})

test('canRoll should refuse when the quorum has no leader', () => {
  assert.deepEqual(reasons(canRoll(1, snapshot([], { quorum: { leaderId: -1, leaderEpoch: 1, highWatermark: 0n, observers: [], voters: [] } }))), ['quorum-no-leader'])
})
