import assert from 'node:assert/strict'
import { test } from 'node:test'
import { statVariance, withPooledTheta } from '../../../src/experiments/statistics/moments.ts'
import { mean } from './growthbook-cases.ts'

// packages/stats/tests/test_shared_models.py
const METRIC_1 = [0.3, 0.5, 0.9, 22]
const METRIC_3 = [2, 1, 5, 3]
const of = (xs: number[]) => mean(xs.reduce((s, x) => s + x, 0), xs.reduce((s, x) => s + x * x, 0), xs.length)
const products = METRIC_1.reduce((s, x, i) => s + x * (METRIC_3[i] as number), 0)

test('withPooledTheta should reproduce GrowthBook\'s compute_theta case (0.01864)', () => {
  const stat = { kind: 'cuped', n: 4, post: of(METRIC_3), pre: of(METRIC_1), postPreSumOfProducts: products } as const
  const { a, adjusted } = withPooledTheta(stat, stat)
  assert.equal(adjusted, true)
  assert.equal(Math.round((a as { theta: number }).theta * 1e5) / 1e5, 0.01864)
})

test('withPooledTheta should give the plain statistics back when the pre-period has no variance', () => {
  const stat = { kind: 'cuped', n: 4, post: of(METRIC_3), pre: mean(0, 0, 4), postPreSumOfProducts: 0 } as const
  assert.deepEqual(withPooledTheta(stat, stat), { a: of(METRIC_3), b: of(METRIC_3), adjusted: false })
})

test('statVariance should match numpy\'s ratio covariance and be 0 for a zero denominator', () => {
  const ratio = { kind: 'ratio', n: 4, m: of(METRIC_1), d: of(METRIC_3), mdSumOfProducts: products } as const
  assert.ok(statVariance(ratio) > 0)
  assert.equal(statVariance({ ...ratio, d: { ...of(METRIC_3), sum: 0 } }), 0)
})
