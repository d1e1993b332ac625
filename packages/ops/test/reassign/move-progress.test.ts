import assert from 'node:assert/strict'
import { test } from 'node:test'
import { moveStatus, nextMoves } from '../../src/reassign/move-progress.ts'
import type { Move } from '../../src/reassign/plan-moves.ts'
import { partition, snapshot } from '../fixtures.ts'

const move = (index: number, from: number[], to: number[]): Move => ({ topic: 't', partition: index, from, to })

test('moveStatus should count a move done only when its replicas are its target and nothing runs', () => {
  const moves = [move(0, [1, 2, 3], [1, 2, 4]), move(1, [3, 1, 2], [4, 1, 2]), move(2, [2, 3, 1], [2, 4, 1])]
  const status = moveStatus(moves, snapshot([partition('t', 0, [1, 2, 4]), partition('t', 1, [4, 1, 2, 3], [1, 2, 3]), partition('t', 2, [2, 3, 1])]),
    [{ topic: 't', partition: 1, replicas: [4, 1, 2, 3], adding: [4], removing: [3] }], new Set([3]))
  assert.deepEqual([status.done, status.inFlight, status.pending].map(ms => ms.map(m => m.partition)), [[0], [1], [2]])
  assert.deepEqual(status.atMinIsr, [], 'the adding replica 4 is not missing')
  assert.deepEqual(status.stuck.map(s => s.brokers), [[4]], 'broker 4 is not registered in the fixture')
})

test('moveStatus should pause at min ISR and stop under it, but not for the broker being removed', () => {
  const atMin = partition('t', 0, [1, 2, 3], [1, 2])
  const under = partition('t', 1, [1, 2, 3], [1])
  const leavingOnly = partition('t', 2, [1, 2, 3], [1, 2])
  assert.deepEqual(moveStatus([], snapshot([atMin, under]), [], new Set()).atMinIsr.map(p => p.partition), [0])
  assert.deepEqual(moveStatus([], snapshot([atMin, under]), [], new Set()).underMinIsr.map(p => p.partition), [1])
  assert.deepEqual(moveStatus([], snapshot([leavingOnly]), [], new Set([3])).atMinIsr, [], 'broker 3 being out of sync is why it is replaced')
})

test('nextMoves should start at most maxPerBroker moves per broker', () => {
  const pending = [1, 2, 3, 4].map(i => move(i, [1, 2, 3], [1, 2, 4]))
  const status = { done: [], inFlight: [move(0, [1, 2, 3], [1, 2, 4])], pending, stuck: [], atMinIsr: [], underMinIsr: [] }
  assert.deepEqual(nextMoves(status, 2).map(m => m.partition), [1])
  assert.deepEqual(nextMoves({ ...status, inFlight: [] }, 3).map(m => m.partition), [1, 2, 3])
})
