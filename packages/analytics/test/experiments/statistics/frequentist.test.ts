// Reproduces GrowthBook's frequentist cases (packages/stats/tests/frequentist/test_tests.py) to the
// five decimals they are printed with.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { frequentistTest, type FrequentistOptions } from '../../../src/experiments/statistics/frequentist.ts'
import type { MetricStat } from '../../../src/experiments/statistics/moments.ts'
import { mean, proportion, RATIO_CUPED_A, RATIO_CUPED_B } from './growthbook-cases.ts'

const round = (x: number) => Math.round(x * 1e5) / 1e5

function expectResult (a: MetricStat, b: MetricStat, options: Partial<FrequentistOptions>, expected: { expected: number, ci: [number, number], pValue: number, standardError: number }) {
  const result = frequentistTest(a, b, { relative: true, alpha: 0.05, ...options })
  assert.equal(result.errorMessage, null)
  assert.deepEqual(
    { expected: round(result.expected), ci: result.ci.map(round), pValue: round(result.pValue), standardError: round(result.standardError) },
    { ...expected, expected: round(expected.expected) },
  )
}

const A = mean(1396.87, 52377.9767, 3407)
const B = mean(2422.7, 134698.29, 3461)

test('frequentistTest should reproduce GrowthBook\'s two-sided t-test, relative', () => {
  expectResult(A, B, {}, { expected: 0.70732, ci: [-0.03526, 1.44989], pValue: 0.06191, standardError: 0.37879 })
})

test('frequentistTest should reproduce GrowthBook\'s two-sided t-test, absolute', () => {
  expectResult(A, B, { relative: false }, { expected: 0.7 - 0.41, ci: [0.04538, 0.53462], pValue: 0.02016, standardError: 0.12478 })
})

test('frequentistTest should reproduce GrowthBook\'s two-sided t-test on proportions', () => {
  expectResult(proportion(14, 28), proportion(16, 30), {}, { expected: (16 / 30 - 0.5) / 0.5, ci: [-0.47767, 0.61101], pValue: 0.80707, standardError: 0.2717 })
})

test('frequentistTest should fall back to the uninformative result when an arm has no variance', () => {
  const result = frequentistTest(mean(1396.87, 52377.9767, 2), B, { relative: true, alpha: 0.05 })
  assert.deepEqual(result, { expected: 0, ci: [0, 0], pValue: 1, standardError: 0, errorMessage: 'ZERO_NEGATIVE_VARIANCE', cupedApplied: false })
})

test('frequentistTest should reproduce GrowthBook\'s ratio metric with CUPED (delta method)', () => {
  expectResult(RATIO_CUPED_A, RATIO_CUPED_B, {}, { expected: -0.0007, ci: [-0.00841, 0.007], pValue: 0.85771, standardError: 0.00391 })
  assert.equal(frequentistTest(RATIO_CUPED_A, RATIO_CUPED_B, { relative: true, alpha: 0.05 }).cupedApplied, true)
})

const A3000 = mean(1396.87, 52377.9767, 3000)

test('frequentistTest should reproduce GrowthBook\'s sequential test at tuning 1000', () => {
  expectResult(A3000, B, { sequentialTuning: 1000 }, { expected: 0.50336, ci: [-0.55844, 1.56516], pValue: 1, standardError: 0.33341 })
})

test('frequentistTest should reproduce GrowthBook\'s sequential test on proportions', () => {
  expectResult(proportion(1396, 3000), proportion(2422, 3461), { sequentialTuning: 5000 }, { expected: 0.50386, ci: [0.40098, 0.60675], pValue: 0, standardError: 0.03386 })
})

test('frequentistTest should reproduce GrowthBook\'s sequential test with CUPED', () => {
  const a = { kind: 'cuped', n: 3000, post: A3000, pre: mean(16.87, 527.9767, 3000), postPreSumOfProducts: 1 } as const
  const b = { kind: 'cuped', n: 3461, post: B, pre: mean(22.7, 1348.29, 3461), postPreSumOfProducts: 1 } as const
  expectResult(a, b, { sequentialTuning: 5000 }, { expected: 0.50338, ci: [-0.50969, 1.51646], pValue: 1, standardError: 0.33341 })
})

test('frequentistTest should reproduce GrowthBook\'s sequential test on a ratio with CUPED', () => {
  expectResult(RATIO_CUPED_A, RATIO_CUPED_B, { sequentialTuning: 5000 }, { expected: -0.0007, ci: [-0.02063, 0.01923], pValue: 1, standardError: 0.00391 })
})

test('frequentistTest should give the tightest sequence where the tuning parameter is near the sample size', () => {
  const width = (tuning: number) => {
    const { ci } = frequentistTest(A3000, B, { relative: true, alpha: 0.05, sequentialTuning: tuning })
    return ci
  }
  const [below, near, above] = [width(10), width(6461), width(10000)]
  assert.ok(below[0] < above[0] && below[1] > above[1])
  assert.ok(below[0] < near[0] && below[1] > near[1])
  assert.ok(above[0] < near[0] && above[1] > near[1])
})

test('frequentistTest should fall back to the unadjusted test when the pre-period has no variance', () => {
  const zero = mean(0, 0, 3000)
  const a = { kind: 'cuped', n: 3000, post: A3000, pre: zero, postPreSumOfProducts: 0 } as const
  const b = { kind: 'cuped', n: 3461, post: B, pre: mean(0, 0, 3461), postPreSumOfProducts: 0 } as const
  const adjusted = frequentistTest(a, b, { relative: true, alpha: 0.05 })
  const plain = frequentistTest(A3000, B, { relative: true, alpha: 0.05 })
  assert.equal(adjusted.cupedApplied, false)
  assert.deepEqual({ ...adjusted, cupedApplied: true }, { ...plain, cupedApplied: true })
})
