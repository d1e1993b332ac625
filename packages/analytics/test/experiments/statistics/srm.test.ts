// GrowthBook's SRM cases (packages/back-end/test/stats.test.ts), to the nine decimals printed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { srmPValue } from '../../../src/experiments/statistics/srm.ts'

test('srmPValue should reproduce GrowthBook\'s SRM cases', () => {
  const p = (users: number[], weights: number[]) => +srmPValue(users, weights).toFixed(9)
  assert.equal(p([1000, 1200], [0.5, 0.5]), 0.000020079)
  assert.equal(p([135, 115], [0.5, 0.5]), 0.205903211)
  assert.equal(p([310, 98], [0.75, 0.25]), 0.647434186)
  assert.equal(p([1000], [0.5, 0.5]), 1)
  assert.equal(p([1000, 900, 800], [1, 0, 0]), 1)
  assert.equal(p([1000, 1200, 900], [0.5, 0.5, 0]), 0.000020079)
  assert.equal(p([0, 0, 0], [0.34, 0.33, 0.33]), 1)
  assert.equal(p([0, 10, 10], [0.34, 0.33, 0.33]), 0.005790624)
  assert.equal(p([500, 500, 600], [0.34, 0.33, 0.33]), 0.000592638)
  assert.equal(p([500, 500], [0.5, 0.5]), 1)
})
