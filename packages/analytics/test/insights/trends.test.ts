// Hand-computed trends over a fixture with a merge: the anonymous and the identified order of one
// person are one unique person, and a person-property filter reaches the events stored before the
// identify that set the property.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Analytics } from '../../src/analytics.ts'
import type { TrendsResult } from '../../src/insights/trends.ts'
import { DAY, eachStore, event, HOUR, identify, T0, track, type OpenStore } from '../fixtures/stores.ts'

const fixture = () => [
  track('anon-9', 'Order Completed', HOUR, { price: 10, plan: 'pro' }),
  identify('u9', 'anon-9', 2 * HOUR, { tier: 'gold' }),
  event({ userId: 'u9', event: 'Order Completed', atMs: 3 * HOUR, properties: { price: 20, plan: 'pro' } }),
  track('bob', 'Order Completed', 4 * HOUR, { price: 5, plan: 'free' }),
  track('carol', 'Order Completed', DAY + HOUR, { price: 7, plan: 'team' }),
  // The period before, for compare.
  track('xavier', 'Order Completed', -2 * DAY + HOUR, { price: 1 }),
  track('bob', 'Signed Up', HOUR),
]

const range = { from: new Date(T0).toISOString(), to: new Date(T0 + 3 * DAY).toISOString() }

async function run (open: OpenStore, t: Parameters<OpenStore>[0], query: Record<string, unknown>): Promise<TrendsResult> {
  const store = await open(t)
  await store.insertEvents(fixture(), new Date())
  return await new Analytics(store, { resolveEveryMs: 0 }).query({ kind: 'trends', ...range, ...query }) as TrendsResult
}

const values = (r: TrendsResult, i = 0) => r.series[i]?.points.map(p => p.value)

eachStore((open) => {
  test('trends should count per day, unique persons across a merge, and sum, average and median a property', async (t) => {
    const r = await run(open, t, {
      series: [
        { event: 'Order Completed' },
        { event: 'Order Completed', math: 'unique_persons' },
        { event: 'Order Completed', math: 'sum', property: 'price' },
        { event: 'Order Completed', math: 'p50', property: 'price' },
        { event: 'Order Completed', math: 'avg', property: 'price' },
      ],
    })
    assert.deepEqual(r.series[0]?.points.map(p => p.t), [T0, T0 + DAY, T0 + 2 * DAY].map(ms => new Date(ms).toISOString()))
    assert.deepEqual(values(r, 0), [3, 1, 0])
    assert.deepEqual(values(r, 1), [2, 1, 0])
    assert.equal(r.series[1]?.total, 3)
    assert.deepEqual(values(r, 2), [35, 7, 0])
    assert.deepEqual(values(r, 3), [10, 7, null])
    assert.deepEqual(values(r, 4), [35 / 3, 7, null])
  })

  test('trends should break down by a property into the top values and other, and compare with the period before', async (t) => {
    const r = await run(open, t, { series: [{ event: 'Order Completed' }], breakdown: { property: 'plan', limit: 1 }, compare: true })
    assert.deepEqual(r.series.map(s => [s.breakdown, s.other ?? false, s.points.map(p => p.value)]), [['pro', false, [2, 0, 0]], [null, true, [1, 1, 0]]])
    assert.deepEqual(r.previous?.flatMap(s => s.points.map(p => p.value)), [0, 1, 0])
  })

  test('trends should filter on a person property set after the events it reaches, and on event properties', async (t) => {
    const gold = await run(open, t, { series: [{ event: 'Order Completed' }], filters: [{ property: 'tier', type: 'person', value: 'gold' }] })
    assert.deepEqual(values(gold), [2, 0, 0])
    const notGold = await run(open, t, { series: [{ event: 'Order Completed', filters: [{ property: 'tier', type: 'person', operator: 'neq', value: 'gold' }] }] })
    assert.deepEqual(values(notGold), [1, 1, 0])
    const cheap = await run(open, t, { series: [{ event: 'Order Completed', filters: [{ property: 'price', operator: 'lt', value: 8 }] }] })
    assert.deepEqual(values(cheap), [1, 1, 0])
    const byPersonTier = await run(open, t, { series: [{ event: 'Order Completed' }], breakdown: { property: 'tier', type: 'person' } })
    assert.deepEqual(byPersonTier.series.map(s => [s.breakdown, s.total]), [['gold', 2], [null, 2]])
  })

  test('trends should bucket by hour and by week starting on Monday, in UTC', async (t) => {
    const hourly = await run(open, t, { series: [{ event: 'Order Completed' }], interval: 'hour', from: new Date(T0).toISOString(), to: new Date(T0 + 5 * HOUR).toISOString() })
    assert.deepEqual(values(hourly), [0, 1, 0, 1, 1])
    const weekly = await run(open, t, { series: [{ event: 'Order Completed' }], interval: 'week', from: new Date(T0 - 7 * DAY).toISOString() })
    // T0 is Monday 2026-11-02: the week before holds xavier's order.
    assert.deepEqual(weekly.series[0]?.points.map(p => [p.t.slice(0, 10), p.value]), [['2026-10-26', 1], ['2026-11-02', 4]])
  })
  test('insights should leave out events the processor flagged as a bot\'s, unless the query includes them', async (t) => {
    const store = await open(t)
    await store.insertEvents([...fixture(), track('crawler', 'Order Completed', HOUR, { price: 100, $is_bot: true }), track('person', 'Order Completed', HOUR, { price: 1, $is_bot: false })], new Date())
    const analytics = new Analytics(store, { resolveEveryMs: 0 })
    const trends = (extra: Record<string, unknown>) => analytics.query({ kind: 'trends', ...range, series: [{ event: 'Order Completed' }], ...extra }) as Promise<TrendsResult>
    assert.deepEqual(values(await trends({})), [4, 1, 0], 'the bot\'s order is not counted, the flagged-false one is')
    assert.deepEqual(values(await trends({ includeBots: true })), [5, 1, 0])
    const funnel = await analytics.query({ kind: 'funnel', ...range, steps: [{ event: 'Order Completed' }, { event: 'Order Completed' }], order: 'any' }) as { steps: Array<{ count: number }> }
    const withBots = await analytics.query({ kind: 'funnel', ...range, steps: [{ event: 'Order Completed' }, { event: 'Order Completed' }], order: 'any', includeBots: true }) as { steps: Array<{ count: number }> }
    assert.equal((withBots.steps[0]?.count ?? 0) - (funnel.steps[0]?.count ?? 0), 1, 'the funnel leaves the bot out as well')
  })
})
