import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseExperimentDefinition } from '../../src/experiments/experiment-definition.ts'

const minimal = { id: 'checkout-button', variants: [{ key: 'control', weight: 50 }, { key: 'test', weight: 50 }], metrics: [{ kind: 'conversion', event: 'Order Completed' }] }

test('parseExperimentDefinition should fill the defaults into the issue\'s minimal experiment', () => {
  const d = parseExperimentDefinition(minimal)
  assert.equal(d.rollout, 100)
  assert.equal(d.control, 'control')
  assert.deepEqual(d.metrics, [{ kind: 'conversion', name: 'Order Completed', role: 'primary', event: 'Order Completed', inverse: false, minSample: 150 }])
  assert.deepEqual([d.cuped, d.preWindowDays, d.sequential, d.sequentialTuning, d.correction, d.alpha], [true, 14, true, 5000, 'holm-bonferroni', 0.05])
})

test('parseExperimentDefinition should read the first configuration shape', () => {
  const d = parseExperimentDefinition({ id: 'e1', conversionEvent: 'Order Completed', weights: { a: 1, b: 1 }, control: 'b' })
  assert.deepEqual(d.variants, [{ key: 'a', weight: 1 }, { key: 'b', weight: 1 }])
  assert.equal(d.control, 'b')
  assert.equal(d.metrics[0]?.event, 'Order Completed')
})

test('parseExperimentDefinition should name the field of each mistake', () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [[], '', /must be a JSON object/],
    [{ ...minimal, id: undefined }, '/id', /is required/],
    [{ ...minimal, id: 'has space' }, '/id', /pattern/],
    [{ ...minimal, rollout: 101 }, '/rollout', /<= 100/],
    [{ ...minimal, variants: [{ key: 'a', weight: 0 }, { key: 'b', weight: 1 }] }, '/variants/0/weight', /> 0/],
    [{ ...minimal, variants: [{ key: 'a', weight: 1 }, { key: 'a', weight: 1 }] }, '/variants/1/key', /twice/],
    [{ ...minimal, variants: [{ key: 'a', weight: 1 }] }, '/variants', /fewer than 2/],
    [{ ...minimal, control: 'nope' }, '/control', /not one of the variants/],
    [{ ...minimal, metrics: [] }, '/metrics', /fewer than 1/],
    [{ ...minimal, metrics: [{ kind: 'sum', event: 'x' }] }, '/metrics/0/kind', /conversion, mean, ratio/],
    [{ ...minimal, metrics: [{ kind: 'conversion' }] }, '/metrics/0/event', /required/],
    [{ ...minimal, metrics: [{ kind: 'ratio', numerator: { event: 'a' } }] }, '/metrics/0/denominator', /required/],
    [{ ...minimal, metrics: [{ kind: 'conversion', event: 'a', property: 'p' }] }, '/metrics/0/property', /kind "mean"/],
    [{ ...minimal, metrics: [{ kind: 'conversion', event: 'a', role: 'guardrail' }] }, '/metrics', /primary/],
    [{ ...minimal, metrics: [{ kind: 'conversion', event: 'a', role: 'primary' }, { kind: 'conversion', event: 'b', role: 'primary' }] }, '/metrics/1/role', /only one/],
    [{ ...minimal, start: '2026-12-02T00:00:00Z', end: '2026-12-01T00:00:00Z' }, '/end', /after/],
    [{ ...minimal, colour: 'red' }, '/colour', /not a field of this experiment/],
  ]
  for (const [input, field, message] of cases) {
    assert.throws(() => parseExperimentDefinition(input), (error: { code: string, field: string, message: string }) => {
      assert.equal(error.code, 'TACKLE_ANALYTICS_BAD_EXPERIMENT')
      assert.equal(error.field, field, JSON.stringify(input))
      assert.match(error.message, message)
      return true
    })
  }
})
