// Reproduces GrowthBook's Bayesian cases (packages/stats/tests/bayesian/test_tests.py).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bayesianTest, effectRisk } from '../../../src/experiments/statistics/bayesian.ts'
import { mean, proportion } from './growthbook-cases.ts'

const round = (x: number) => Math.round(x * 1e5) / 1e5
const rounded = (r: ReturnType<typeof bayesianTest>) => ({ expected: round(r.expected), ci: r.ci.map(round), chanceToWin: round(r.chanceToWin), risk: r.risk.map(round) })

test('bayesianTest should reproduce GrowthBook\'s binomial case under the flat prior', () => {
  const result = bayesianTest(proportion(49, 100), proportion(51, 100), { relative: true, alpha: 0.05 })
  assert.deepEqual(rounded(result), { expected: 0.04082, ci: [-0.24779, 0.32943], chanceToWin: 0.60918, risk: [0.0814, 0.04058] })
})

test('bayesianTest should reproduce GrowthBook\'s gaussian case, flat and informative', () => {
  const [a, b] = [mean(100, 1002.25, 10), mean(105, 1111.5, 10)]
  assert.deepEqual(rounded(bayesianTest(a, b, { relative: true, alpha: 0.05 })), { expected: 0.05, ci: [-0.02, 0.12], chanceToWin: 0.91923, risk: [0.05131, 0.00131] })
  const informative = bayesianTest(a, b, { relative: true, alpha: 0.05, prior: { mean: 0.1, variance: 0.1, proper: true } })
  assert.deepEqual(rounded(informative), { expected: 0.05063, ci: [-0.01893, 0.12019], chanceToWin: 0.92315, risk: [0.05186, 0.00123] })
})

test('bayesianTest should say 50% with no data', () => {
  const result = bayesianTest(proportion(0, 0), proportion(0, 0), { relative: true, alpha: 0.05 })
  assert.equal(result.chanceToWin, 0.5)
  assert.equal(result.expected, 0)
})

test('effectRisk should reproduce GrowthBook\'s risk values and stay finite far in the tails', () => {
  assert.deepEqual(effectRisk(0.1, 0.05).map(x => Math.round(x * 1e10) / 1e10), [0.1004245351, 0.0004245351])
  assert.deepEqual(effectRisk(0.01, 4.5e-9), [0.01, 0])
  assert.deepEqual(effectRisk(-0.01, 4.5e-9), [0, 0.01])
})
