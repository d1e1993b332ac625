// GrowthBook's power cases (packages/shared/test/power.test.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { minimumDetectableEffect, power, sampleSizeFor } from '../../../src/experiments/statistics/power.ts'

const metric = { mean: 10, variance: 3909.9997749994377 }

test('power should reproduce GrowthBook\'s fixed-horizon and sequential power', () => {
  assert.equal(+power(metric, 0.05, 400000, { alpha: 0.05, variations: 3 }).toFixed(5), 0.52144)
  assert.equal(+power(metric, 0.05, 400000, { alpha: 0.05, variations: 3, sequentialTuning: 5000 }).toFixed(5), 0.20596)
})

test('minimumDetectableEffect should reproduce GrowthBook\'s fixed-horizon and sequential MDE', () => {
  assert.equal(+(minimumDetectableEffect(metric, 0.8, 400000, { alpha: 0.05, variations: 3 }) as number).toFixed(5), 0.07027)
  assert.equal(+(minimumDetectableEffect(metric, 0.8, 400000, { alpha: 0.05, variations: 3, sequentialTuning: 5000 }) as number).toFixed(5), 0.12821)
  assert.equal(minimumDetectableEffect(metric, 0.8, 10, { alpha: 0.05, variations: 3 }), null)
})

test('sampleSizeFor should find the persons at which power reaches the target', () => {
  const n = sampleSizeFor(metric, 0.05, 0.8, { alpha: 0.05, variations: 2 }) as number
  assert.ok(power(metric, 0.05, n, { alpha: 0.05, variations: 2 }) >= 0.8)
  assert.ok(power(metric, 0.05, n * 0.99, { alpha: 0.05, variations: 2 }) < 0.8)
})
