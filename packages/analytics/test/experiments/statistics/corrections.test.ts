// GrowthBook's correction cases (packages/shared/test/experiments.test.ts).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { adjustPValues } from '../../../src/experiments/statistics/corrections.ts'

test('adjustPValues should reproduce GrowthBook\'s Holm–Bonferroni case', () => {
  assert.deepEqual(adjustPValues([0.01, 0.04, 0.03, 0.005, 0.55, 0.6], 'holm-bonferroni').map(p => +p.toFixed(8)), [0.05, 0.12, 0.12, 0.03, 1, 1])
})

test('adjustPValues should reproduce GrowthBook\'s Benjamini–Hochberg case', () => {
  assert.deepEqual(adjustPValues([0.898, 0.138, 0.007, 0.964, 0.538, 0.006, 0.138], 'benjamini-hochberg').map(p => +p.toFixed(8)), [0.964, 0.2415, 0.0245, 0.964, 0.7532, 0.0245, 0.2415])
})

test('adjustPValues should correct two metrics as GrowthBook\'s results case does', () => {
  assert.deepEqual(adjustPValues([0.025, 0.03], 'holm-bonferroni'), [0.05, 0.05])
  assert.deepEqual(adjustPValues([0.025, 0.03], 'benjamini-hochberg'), [0.03, 0.03])
  assert.deepEqual(adjustPValues([0.025, 0.03], 'none'), [0.025, 0.03])
})
