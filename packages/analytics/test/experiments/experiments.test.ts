// Experiments on a real store: exposures from PostHog and Segment, first exposure deciding, a
// person seen in two variants counted once and reported, conversions on resolved persons, the
// three metric kinds and CUPED's pre-period, checked against sums worked out by hand.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PipelineEvent } from '@tackle/pipeline'
import { Analytics } from '../../src/analytics.ts'
import { parseExperimentDefinition } from '../../src/experiments/experiment-definition.ts'
import { DAY, eachStore, event, HOUR, identify, MINUTE, T0, track } from '../fixtures/stores.ts'

const flagCalled = (id: string, variant: string, atMs: number) => track(id, '$feature_flag_called', atMs, { $feature_flag: 'checkout', $feature_flag_response: variant })
const viewed = (id: string, variant: string, atMs: number) => track(id, 'Experiment Viewed', atMs, { experiment_id: 'checkout', variation_id: variant })
const order = (id: string, atMs: number, revenue: number) => track(id, 'Order Completed', atMs, { revenue })

const definition = {
  id: 'checkout',
  variants: [{ key: 'control', weight: 50 }, { key: 'test', weight: 50 }],
  start: new Date(T0).toISOString(),
  sequential: false,
  metrics: [
    { kind: 'conversion', event: 'Order Completed' },
    { kind: 'mean', event: 'Order Completed', property: 'revenue', name: 'Revenue' },
    { kind: 'ratio', numerator: { event: 'Order Completed', property: 'revenue' }, denominator: { event: 'Order Completed' }, name: 'Revenue per order', role: 'guardrail' },
  ],
}

function fixture (): PipelineEvent[] {
  const events: PipelineEvent[] = []
  for (let i = 0; i < 10; i++) {
    events.push(flagCalled(`c${i}`, 'control', HOUR + i * MINUTE))
    events.push(viewed(`t${i}`, 'test', HOUR + i * MINUTE))
  }
  // control: c0..c2 buy once (10, 20, 30); c9 bought only before exposure (pre-period).
  events.push(order('c0', 2 * HOUR, 10), order('c1', 2 * HOUR, 20), order('c2', 2 * HOUR, 30), order('c9', 0, 99))
  // test: t0..t5 buy; t0 twice.
  for (let i = 0; i < 6; i++) events.push(order(`t${i}`, 3 * HOUR, 10 * (i + 1)))
  events.push(order('t0', 4 * HOUR, 5))
  // c3 is later shown the test variant too: counted once, in control, and reported.
  events.push(viewed('c3', 'test', 5 * HOUR))
  // An anonymous visitor exposed to test signs in and buys as "ursula": one person, converted.
  events.push(flagCalled('anon-u', 'test', HOUR), identify('ursula', 'anon-u', 2 * HOUR), event({ userId: 'ursula', event: 'Order Completed', atMs: 3 * HOUR, properties: { revenue: 40 } }))
  // Not this experiment's, and a response that is no variant.
  events.push(track('x', '$feature_flag_called', HOUR, { $feature_flag: 'other', $feature_flag_response: 'test' }), track('y', '$feature_flag_called', HOUR, { $feature_flag: 'checkout', $feature_flag_response: false }))
  return events
}

eachStore((open) => {
  test('experiment results should count persons by first exposure and metrics after it, on resolved persons', async (t) => {
    const store = await open(t)
    await store.insertEvents(fixture(), new Date())
    const analytics = new Analytics(store, { resolveEveryMs: 0, experiments: { checkout: definition } })
    t.after(() => analytics.close())
    const results = await analytics.experiments.results(await analytics.experiments.definition('checkout'), T0 + DAY)
    assert.deepEqual(results.variants.map(v => [v.key, v.users, v.multipleExposures]), [['control', 10, 1], ['test', 11, 0]])
    const [conversion, revenue, perOrder] = results.metrics
    assert.deepEqual(conversion?.variants.map(v => [v.total, v.value]), [[3, 0.3], [7, 7 / 11]])
    assert.deepEqual(revenue?.variants.map(v => v.total), [60, 10 + 20 + 30 + 40 + 50 + 60 + 5 + 40])
    assert.deepEqual(perOrder?.variants.map(v => v.value), [20, 255 / 8])
    assert.equal(perOrder?.role, 'guardrail')
    const test = conversion?.variants[1]
    assert.ok((test?.chanceToBeatControl ?? 0) > 0.8, 'test converts twice as often')
    const unadjusted = await analytics.experiments.results(parseExperimentDefinition({ ...definition, cuped: false }), T0 + DAY)
    const effect = unadjusted.metrics[0]?.variants[1]?.relative?.effect as number
    assert.ok(Math.abs(effect - (7 / 11 - 0.3) / 0.3) < 1e-12, `relative effect ${effect}`)
    assert.notEqual(test?.relative?.effect, effect, 'CUPED adjusts the estimate by the pre-period')
    assert.ok(results.warnings.some(w => w.code === 'multiple_exposures'))
    assert.ok(results.warnings.some(w => w.code === 'low_sample'), 'far below 150 conversions per arm')
    assert.match(results.verdict, /primary metric \(Order Completed\)/)
    assert.match(results.verdict, /guardrail/)
    assert.equal(results.timeline['Order Completed']?.at(-1)?.users.test, 11)
    // The pre-period purchase of c9 (99) is CUPED's covariate; with one such person it still has variance.
    assert.equal(revenue?.variants[1]?.cupedApplied, true)
  })

  test('experiment list should hold defined experiments and those only seen in exposures', async (t) => {
    const store = await open(t)
    await store.insertEvents(fixture(), new Date())
    const analytics = new Analytics(store, { resolveEveryMs: 0, experiments: { checkout: definition } })
    t.after(() => analytics.close())
    const list = await analytics.experiments.list()
    assert.deepEqual(list.map(e => [e.id, e.defined, e.exposed > 0]).sort(), [['checkout', 'config', true], ['other', null, true]])
    await assert.rejects(analytics.experiments.definition('other'), { code: 'TACKLE_ANALYTICS_EXPERIMENT_NOT_FOUND' })
    const adHoc = await analytics.experiments.definition('other', { metrics: [{ kind: 'conversion', event: 'Order Completed' }] })
    assert.equal((await analytics.experiments.results(adHoc, T0 + DAY)).variants[0]?.users, 1)
  })

  test('experiment registry should store API definitions over the config file\'s and refuse a duplicate', async (t) => {
    const store = await open(t)
    const analytics = new Analytics(store, { resolveEveryMs: 0, experiments: { checkout: definition } })
    t.after(() => analytics.close())
    const registry = analytics.experiments.registry
    await assert.rejects(registry.create(definition), { code: 'TACKLE_ANALYTICS_EXPERIMENT_EXISTS', field: '/id' })
    const created = await registry.create({ id: 'banner', variants: [{ key: 'control', weight: 1 }, { key: 'big', weight: 1 }], metrics: [{ kind: 'conversion', event: 'Signed Up' }] })
    assert.equal(created.rollout, 100)
    const edited = await registry.update('checkout', { ...definition, id: undefined, rollout: 20 })
    assert.equal(edited.rollout, 20)
    assert.equal((await registry.get('checkout'))?.rollout, 20)
    assert.equal(await registry.source('checkout'), 'api')
    await assert.rejects(registry.update('nope', definition), { code: 'TACKLE_ANALYTICS_EXPERIMENT_NOT_FOUND' })
    await assert.rejects(registry.update('checkout', { ...definition, id: 'renamed' }), { code: 'TACKLE_ANALYTICS_BAD_EXPERIMENT', field: '/id' })
  })
})
