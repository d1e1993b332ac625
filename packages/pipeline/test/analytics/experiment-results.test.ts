import assert from 'node:assert/strict'
import { test } from 'node:test'
import { experimentResults } from '../../src/analytics/experiment-results.ts'

test('experimentResults should compare each variant with control and check the split', () => {
  const results = experimentResults('exp-1', [
    { variant: 'control', users: 1000, conversions: 200 },
    { variant: 'new-checkout', users: 1000, conversions: 250 },
  ], { conversionEvent: 'Order Completed' })
  assert.equal(results.control, 'control')
  const [control, treatment] = results.variants
  assert.equal(control?.isControl, true)
  assert.equal(control?.comparison, null)
  assert.equal(treatment?.rate, 0.25)
  assert.ok(Math.abs((treatment?.comparison?.pValue ?? 1) - 0.00742) < 1e-4)
  assert.equal(results.sampleRatio.mismatch, false)
})

test('experimentResults should take the named control, else the first variant by name', () => {
  const counts = [{ variant: 'b', users: 10, conversions: 1 }, { variant: 'a', users: 10, conversions: 2 }]
  assert.equal(experimentResults('e', counts, { conversionEvent: 'x' }).control, 'a')
  assert.equal(experimentResults('e', counts, { conversionEvent: 'x', control: 'b' }).control, 'b')
  assert.equal(experimentResults('e', counts, { conversionEvent: 'x', control: 'zzz' }).control, null)
})
