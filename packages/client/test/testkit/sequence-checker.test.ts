import assert from 'node:assert/strict'
import { test } from 'node:test'
import { checkSequences, producerSequenceOrigin, type AckedRecord, type ReadRecord } from '../../src/testkit/sequence-checker.ts'

const rec = (value: string, partition: number, offset: number): AckedRecord & ReadRecord => ({ value, partition, offset: BigInt(offset) })

test('checkSequences should find a clean history valid', () => {
  const history = [rec('p1:0', 0, 0), rec('p1:1', 0, 1), rec('p2:0', 1, 0), rec('p1:2', 0, 2)]
  const report = checkSequences(history, history)
  assert.equal(report.valid, true)
  assert.deepEqual([report.acked, report.read, report.lost.length, report.duplicated.length], [4, 4, 0, 0])
})

test('checkSequences should report an acknowledged record that was never read as lost', () => {
  const acked = [rec('p1:0', 0, 0), rec('p1:1', 0, 1)]
  const report = checkSequences(acked, [rec('p1:0', 0, 0)])
  assert.equal(report.valid, false)
  assert.deepEqual(report.lost.map(r => r.value), ['p1:1'])
})

test('checkSequences should report one value at two offsets as duplicated', () => {
  const acked = [rec('p1:0', 0, 0)]
  const report = checkSequences(acked, [rec('p1:0', 0, 0), rec('p1:0', 0, 5)])
  assert.deepEqual(report.duplicated, [{ value: 'p1:0', positions: [{ partition: 0, offset: 0n }, { partition: 0, offset: 5n }] }])
  assert.equal(report.valid, false)
})

test('checkSequences should not call a value read twice at one offset (a re-read) a duplicate', () => {
  const history = [rec('p1:0', 0, 0)]
  assert.equal(checkSequences(history, [...history, ...history]).valid, true)
})

test('checkSequences should report a later send of one producer at a lower offset of one partition as reordered', () => {
  const read = [rec('p1:0', 0, 0), rec('p1:2', 0, 1), rec('p1:1', 0, 2), rec('p2:9', 0, 3)]
  const report = checkSequences([], read)
  assert.deepEqual(report.reordered, [{ producer: 'p1', partition: 0, offset: 2n, sequence: 1, after: 2 }])
})

test('checkSequences should allow one producer\'s sequences to interleave across partitions', () => {
  const read = [rec('p1:1', 0, 0), rec('p1:0', 1, 0), rec('p1:2', 1, 1)]
  assert.equal(checkSequences([], read).reordered.length, 0)
})

test('checkSequences should report one offset with two values, and a value read away from its acknowledged offset, as inconsistent', () => {
  const split = checkSequences([], [rec('a:0', 0, 7), rec('b:0', 0, 7)])
  assert.deepEqual(split.inconsistent, [{ partition: 0, offset: 7n, values: ['a:0', 'b:0'] }])
  const moved = checkSequences([rec('a:0', 0, 3)], [rec('a:0', 0, 4)])
  assert.deepEqual(moved.inconsistent, [{ partition: 0, offset: 3n, values: ['a:0'] }])
  assert.equal(moved.valid, false)
})

test('producerSequenceOrigin should split at the last colon and ignore other values', () => {
  assert.deepEqual(producerSequenceOrigin('host:1:42'), { producer: 'host:1', sequence: 42 })
  assert.equal(producerSequenceOrigin('plain'), undefined)
  assert.equal(producerSequenceOrigin('p:x'), undefined)
})
