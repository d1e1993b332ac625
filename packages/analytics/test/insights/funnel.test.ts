// Hand-computed funnels: A → B → C within one hour. Per person (what counts, and why):
// p1 A 0, B 10m, C 20m: all three, 10m and 10m.
// p2 A 0, C 5m, B 10m: in order only A, B (10m); in any order all three.
// p3 A 0, B 2h (outside the window); a second attempt A 3h, B 3h10m: A, B (10m). First touch "free".
// p4 A and B at the same millisecond: A, B (0).
// p5 A while anonymous, identify at 1m, then B 2m, C 3m as the user: all three across the merge.
// p6 B only: not in an ordered funnel; step 1 of an any-order one.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PipelineEvent } from '@tackle/pipeline'
import { Analytics } from '../../src/analytics.ts'
import type { FunnelResult } from '../../src/insights/funnel.ts'
import { DAY, eachStore, event, HOUR, identify, MINUTE, T0, track, type OpenStore } from '../fixtures/stores.ts'

const fixture = (): PipelineEvent[] => [
  track('p1', 'A', 0, { plan: 'pro' }), track('p1', 'B', 10 * MINUTE), track('p1', 'C', 20 * MINUTE),
  track('p2', 'A', 0, { plan: 'pro' }), track('p2', 'C', 5 * MINUTE), track('p2', 'B', 10 * MINUTE),
  track('p3', 'A', 0, { plan: 'free' }), track('p3', 'B', 2 * HOUR), track('p3', 'A', 3 * HOUR, { plan: 'pro' }), track('p3', 'B', 3 * HOUR + 10 * MINUTE),
  track('p4', 'A', 0), track('p4', 'B', 0),
  track('anon-5', 'A', 0, { plan: 'pro' }), event({ userId: 'u5', event: 'B', atMs: 2 * MINUTE }), event({ userId: 'u5', event: 'C', atMs: 3 * MINUTE }),
  track('p6', 'B', 0),
]
// Stored last, as a late identify would be.
const lateIdentify = () => identify('u5', 'anon-5', MINUTE)

const steps = [{ event: 'A' }, { event: 'B' }, { event: 'C' }]
const range = { from: new Date(T0).toISOString(), to: new Date(T0 + DAY).toISOString(), windowMs: HOUR }

async function run (open: OpenStore, t: Parameters<OpenStore>[0], query: Record<string, unknown>, extra: PipelineEvent[] = []): Promise<FunnelResult> {
  const store = await open(t)
  await store.insertEvents([...fixture(), ...extra], new Date())
  await store.insertEvents([lateIdentify()], new Date())
  return await new Analytics(store, { resolveEveryMs: 0 }).query({ kind: 'funnel', steps, ...range, ...query }) as FunnelResult
}

eachStore((open) => {
  test('funnel should count each person at the furthest step of their best attempt, with conversion, drop-off and time to convert', async (t) => {
    const r = await run(open, t, {})
    assert.deepEqual(r.steps.map(s => s.count), [5, 5, 2])
    assert.deepEqual(r.steps.map(s => s.conversionRate), [1, 1, 0.4])
    assert.deepEqual(r.steps.map(s => s.stepConversionRate), [1, 1, 0.4])
    assert.deepEqual(r.steps.map(s => s.dropOff), [0, 0, 3])
    // A → B: 10m, 10m, 10m, 0, 2m; B → C: 10m, 1m.
    assert.deepEqual(r.steps.map(s => s.medianTimeToConvertMs), [null, 10 * MINUTE, 5.5 * MINUTE])
    assert.deepEqual(r.steps.map(s => s.averageTimeToConvertMs), [null, 6.4 * MINUTE, 5.5 * MINUTE])
  })

  test('funnel should in strict order take only the very next event, and in any order take the steps as they come', async (t) => {
    // Strict: p2 has C between; p3's first B is outside the window; p5's identify sits between A and B.
    const strict = await run(open, t, { order: 'strict' })
    assert.deepEqual(strict.steps.map(s => s.count), [5, 3, 1])
    const any = await run(open, t, { order: 'any' })
    assert.deepEqual(any.steps.map(s => s.count), [6, 5, 3])
  })

  test('funnel should drop an attempt with an excluded event between its steps, and not one after them', async (t) => {
    const extra = [track('p8', 'A', 0), track('p8', 'Cancelled', 5 * MINUTE), track('p8', 'B', 10 * MINUTE), track('p9', 'A', 0), track('p9', 'B', 10 * MINUTE), track('p9', 'Cancelled', 15 * MINUTE)]
    const without = await run(open, t, {}, extra)
    assert.deepEqual(without.steps.map(s => s.count), [7, 7, 2])
    const r = await run(open, t, { exclusions: [{ event: 'Cancelled', fromStep: 0, toStep: 1 }] }, extra)
    assert.deepEqual(r.steps.map(s => s.count), [6, 6, 2])
  })

  test('funnel should break down by the first touch: the value on the person\'s first step-1 event', async (t) => {
    const r = await run(open, t, { breakdown: { property: 'plan' } })
    assert.deepEqual(r.breakdowns?.map(b => [b.value, b.steps.map(s => s.count)]), [['pro', [3, 3, 2]], ['free', [1, 1, 0]], [null, [1, 1, 0]]])
  })

  test('funnel should never let one event fill two steps of the same name', async (t) => {
    const extra = [track('q1', 'Viewed', 0), track('q2', 'Viewed', 0), track('q2', 'Viewed', 0), track('q3', 'Viewed', 0), track('q3', 'Viewed', MINUTE)]
    const r = await run(open, t, { steps: [{ event: 'Viewed' }, { event: 'Viewed' }] }, extra)
    assert.deepEqual(r.steps.map(s => s.count), [3, 2])
  })
})
