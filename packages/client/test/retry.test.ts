import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffMs, retriesWithin } from '../src/retry.ts'

const options = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0.2 }

test('backoffMs should double from initialMs and stop at maxMs', () => {
  const middle = () => 0.5
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(a => backoffMs(a, options, middle)), [100, 200, 400, 800, 1000, 1000])
})

test('backoffMs should spread each delay by ±jitter', () => {
  assert.equal(backoffMs(3, options, () => 0), 320)
  assert.equal(backoffMs(3, options, () => 0.999999), 480)
  const seen = new Set(Array.from({ length: 200 }, () => backoffMs(3, options)))
  assert.ok(seen.size > 20, 'random draws differ')
  for (const delay of seen) assert.ok(delay >= 320 && delay <= 480)
})

test('retriesWithin should count the retries that fit a time budget at the shortest delays', () => {
  // 80 + 160 + 320 + 640 + 800 = 2000
  assert.equal(retriesWithin(2000, options), 5)
  assert.equal(retriesWithin(2001, options), 6)
  assert.equal(retriesWithin(1, options), 1)
})
