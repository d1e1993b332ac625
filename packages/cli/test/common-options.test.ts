import assert from 'node:assert/strict'
import { test } from 'node:test'
import { formatByteRate, formatDurationFlag, parseByteRate, parseDuration } from '../src/common-options.ts'

test('parseDuration should take every unit, and a plain number only where the flag names its unit', () => {
  assert.deepEqual(['1500ms', '90s', '30m', '1h', '7d', '0.5s'].map(v => parseDuration(v)), [1500, 90_000, 1_800_000, 3_600_000, 604_800_000, 500])
  assert.equal(parseDuration('120', 's'), 120_000)
  assert.throws(() => parseDuration('10000'), /with its unit.*\(10000 has none\)/)
  assert.throws(() => parseDuration('-5', 's'), /with its unit/)
  assert.throws(() => parseDuration('0s'), /greater than 0/)
  assert.throws(() => parseDuration('5 minutes'), /such as 30m/)
})

test('formatDurationFlag and formatByteRate should spell a default the way the flag takes it', () => {
  assert.deepEqual([10_000, 1_800_000, 21_600_000, 86_400_000, 1500, 90_000].map(formatDurationFlag), ['10s', '30m', '6h', '1d', '1500ms', '90s'])
  for (const ms of [10_000, 1500, 21_600_000]) assert.equal(parseDuration(formatDurationFlag(ms)), ms, 'what --help shows is accepted back')
  assert.deepEqual([50 * 1024 ** 2, 1024, 3 * 1024 ** 3, 1000].map(formatByteRate), ['50MiB/s', '1KiB/s', '3GiB/s', '1000B/s'])
  for (const rate of [50 * 1024 ** 2, 1000]) assert.equal(parseByteRate(formatByteRate(rate)), rate)
})
