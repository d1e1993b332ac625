import assert from 'node:assert/strict'
import { test } from 'node:test'
import { estimateRemainingMs, formatDuration, Progress } from '../src/progress.ts'

test('estimateRemainingMs should extrapolate from the fraction done, else from the last run', () => {
  assert.equal(estimateRemainingMs(10_000, 0.5, undefined), 10_000)
  assert.equal(estimateRemainingMs(3000, 0.75, 99_000), 1000, 'measured progress beats memory')
  assert.equal(estimateRemainingMs(4000, 0, 10_000), 6000)
  assert.equal(estimateRemainingMs(12_000, undefined, 10_000), 0, 'never negative')
  assert.equal(estimateRemainingMs(1000, undefined, undefined), undefined)
})

test('formatDuration should print seconds, then minutes and seconds', () => {
  assert.equal(formatDuration(4_400), '4s')
  assert.equal(formatDuration(125_000), '2m05s')
})

test('Progress should print a line per step with counts and an ETA on a plain stream', () => {
  const lines: string[] = []
  const progress = new Progress({ stream: { write: (text: string) => lines.push(text) } })
  progress.update('nodes ready', { done: 0, total: 3, expectedMs: 20_000 })
  progress.update('nodes ready', { done: 0, total: 3, expectedMs: 20_000 })
  progress.update('nodes ready', { done: 1, total: 3 })
  progress.update('checking the KRaft quorum')
  progress.done('done')
  assert.equal(lines.length, 4, 'an unchanged step is not printed again within 5 s on a plain stream')
  assert.match(lines[0] as string, /^nodes ready 0\/3 {2}0s elapsed, ETA 20s\n$/)
  assert.match(lines[1] as string, /^nodes ready 1\/3 {2}0s elapsed, ETA 0s\n$/)
  assert.match(lines[2] as string, /^checking the KRaft quorum {2}0s elapsed\n$/)
  assert.equal(lines[3], 'done\n')
})

test('Progress should redraw one line in place on a terminal and clear it when done', () => {
  const writes: string[] = []
  const progress = new Progress({ stream: { write: (text: string) => writes.push(text), isTTY: true } })
  progress.update('fetching', { expectedMs: 5000 })
  progress.update('fetching', { expectedMs: 5000 })
  progress.done()
  assert.equal(writes.length, 3)
  assert.ok(writes.slice(0, 2).every(w => w.startsWith('\r\x1b[2Kfetching')))
  assert.equal(writes[2], '\r\x1b[2K')
})

test('Progress should print nothing when disabled', () => {
  const writes: string[] = []
  const progress = new Progress({ stream: { write: (text: string) => writes.push(text) }, enabled: false })
  progress.update('x')
  progress.done('y')
  assert.deepEqual(writes, [])
})
