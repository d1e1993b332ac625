import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { BrokerInfo, PartitionInfo } from '@tackle/client'
import { decommissionMoves, raiseReplicationMoves, replaceMoves } from '../../src/reassign/plan-moves.ts'

function p (topic: string, partition: number, replicas: number[]): PartitionInfo {
  return { topic, partition, leader: replicas[0] ?? -1, replicas, isr: replicas, offlineReplicas: [] }
}

function brokers (racks: Record<number, string | null>): BrokerInfo[] {
  return Object.entries(racks).map(([id, rack]) => ({ id: Number(id), host: '127.0.0.1', port: 9000 + Number(id), rack }))
}

test('replaceMoves should swap OLD for NEW in place and leave other partitions alone', () => {
  const moves = replaceMoves([p('a', 0, [3, 1, 2]), p('a', 1, [1, 2, 4]), p('b', 0, [2, 3, 1])], 3, 5)
  assert.deepEqual(moves.map(m => [m.topic, m.partition, m.from, m.to]), [
    ['a', 0, [3, 1, 2], [5, 1, 2]],
    ['b', 0, [2, 3, 1], [2, 5, 1]],
  ])
})

test('replaceMoves should refuse a NEW that already holds a replica of a partition on OLD', () => {
  assert.throws(() => replaceMoves([p('a', 0, [3, 4, 2])], 3, 4), { code: 'TACKLE_OPS_INVALID_OPTIONS', message: /broker 4 already holds a replica of 1 partitions.*a-0/ })
  assert.throws(() => replaceMoves([], 3, 3), { code: 'TACKLE_OPS_INVALID_OPTIONS' })
})

test('decommissionMoves should spread the replicas evenly, keeping positions', () => {
  const partitions = [0, 1, 2, 3].map(i => p('t', i, [1, 2, 3]))
  const moves = decommissionMoves(partitions, 3, brokers({ 1: null, 2: null, 3: null, 4: null, 5: null }))
  assert.deepEqual(moves.map(m => m.to), [[1, 2, 4], [1, 2, 5], [1, 2, 4], [1, 2, 5]])
})

test('decommissionMoves should prefer a rack the partition is not on yet', () => {
  const racks = brokers({ 1: 'a', 2: 'b', 3: 'c', 4: 'a', 5: 'c' })
  const moves = decommissionMoves([p('t', 0, [1, 2, 3]), p('t', 1, [3, 1, 2])], 3, racks)
  assert.deepEqual(moves.map(m => m.to), [[1, 2, 5], [5, 1, 2]], 'broker 5 is on rack c, which 3 leaves; 4 would put two replicas on rack a')
})

test('decommissionMoves should refuse when no other live broker can take a replica', () => {
  assert.throws(() => decommissionMoves([p('t', 0, [1, 2, 3])], 3, brokers({ 1: null, 2: null, 3: null })), { code: 'TACKLE_OPS_INVALID_OPTIONS', message: /t-0 has 3 replicas but only 2 other live brokers/ })
})

test('raiseReplicationMoves should add replicas on the least loaded brokers', () => {
  const moves = raiseReplicationMoves([p('t', 0, [1]), p('t', 1, [2, 3]), p('t', 2, [1, 2, 3])], 3, brokers({ 1: null, 2: null, 3: null }))
  assert.deepEqual(moves.map(m => [m.partition, m.to]), [[0, [1, 2, 3]], [1, [2, 3, 1]]])
})
