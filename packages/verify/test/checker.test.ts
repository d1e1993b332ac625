import assert from 'node:assert/strict'
import { test } from 'node:test'
import { check } from '../src/checker.ts'
import type { Episode, History, PollOp, ReadOp, SendOp } from '../src/history.ts'

const ok = (value: string, partition: number, offset: number): SendOp => {
  const [producer, sequence] = value.split(':') as [string, string]
  return { producer, sequence: Number(sequence), value, sentAt: 0, settledAt: 1, outcome: 'ok', partition, offset: BigInt(offset) }
}
const read = (value: string, partition: number, offset: number): ReadOp => ({ value, partition, offset: BigInt(offset) })
const poll = (value: string, partition: number, offset: number): PollOp => ({ ...read(value, partition, offset), consumer: 'c1', at: 2 })

function history (changes: Partial<History>): History {
  const sends = [ok('p1:0', 0, 0), ok('p1:1', 0, 1), ok('p2:0', 1, 0)]
  return { sends, polls: [], final: sends.map(s => read(s.value, s.partition as number, Number(s.offset))), episodes: [], ...changes }
}

test('check should find a clean history valid', () => {
  const result = check(history({}))
  assert.equal(result.valid, true)
  assert.deepEqual([result.sent, result.acked, result.read], [3, 3, 3])
})

test('check should report an acknowledged value the final read lacks as lost', () => {
  const result = check(history({ final: [read('p1:0', 0, 0), read('p2:0', 1, 0)] }))
  assert.deepEqual(result.lost, ['p1:1 acked at 0@1'])
  assert.equal(result.valid, false)
})

test('check should report a value at two offsets as duplicated', () => {
  const h = history({})
  const result = check({ ...h, final: [...h.final, read('p1:1', 0, 2)] })
  assert.deepEqual(result.duplicated, ['p1:1 at 0@1, 0@2'])
})

test('check should report a later send at a lower offset of the same producer and partition as reordered', () => {
  const sends = [ok('p1:0', 0, 1), ok('p1:1', 0, 0)]
  const result = check({ sends, polls: [], final: [read('p1:1', 0, 0), read('p1:0', 0, 1)], episodes: [] })
  assert.deepEqual(result.reordered, ['p1 sequence 0 at 0@1, after 1'])
})

test('check should report one offset polled with one value and read with another as inconsistent', () => {
  const result = check(history({ polls: [poll('p9:0', 0, 1)] }))
  assert.deepEqual(result.inconsistent, ['0@1: p1:1 / p9:0'])
})

test('check should report a value read whose send definitely failed as an aborted read', () => {
  const h = history({})
  const failed: SendOp = { producer: 'p3', sequence: 0, value: 'p3:0', sentAt: 0, settledAt: 1, outcome: 'failed', error: 'invalid' }
  const result = check({ ...h, sends: [...h.sends, failed], final: [...h.final, read('p3:0', 1, 1)] })
  assert.deepEqual(result.abortedReads, ['p3:0 at 1@1'])
  assert.equal(result.failed, 1)
})

test('check should not count an indeterminate send that was written as anything but read', () => {
  const h = history({})
  const maybe: SendOp = { producer: 'p3', sequence: 0, value: 'p3:0', sentAt: 0, settledAt: 1, outcome: 'indeterminate' }
  const result = check({ ...h, sends: [...h.sends, maybe], final: [...h.final, read('p3:0', 1, 1)] })
  assert.equal(result.valid, true)
  assert.equal(result.indeterminate, 1)
})

test('check should report an offset the consumers passed over as skipped', () => {
  const sends = [ok('p1:0', 0, 0), ok('p1:1', 0, 1), ok('p1:2', 0, 2)]
  const final = sends.map(s => read(s.value, 0, Number(s.offset)))
  const result = check({ sends, polls: [poll('p1:0', 0, 0), poll('p1:2', 0, 2)], final, episodes: [] })
  assert.deepEqual(result.skipped, ['p1:1 at 0@1'])
})

test('check should time recovery from the heal, and null when it never came', () => {
  const episodes: Episode[] = [{ index: 0, fault: 'kill-leader', detail: '', startedAt: 0, healedAt: 1000, recoveredAt: 1800 }, { index: 1, fault: 'pause', detail: '', startedAt: 2000, healedAt: 3000, recoveredAt: null }]
  assert.deepEqual(check(history({ episodes })).recoveryMs, [800, null])
})
