// Hand-computed retention by day, three periods, "now" in day 2:
// a signs up day 0, active days 1 and 2; b day 0, active day 2; c day 1, active day 2;
// d signed up the day before the range and again on day 1, active day 2 (first-time: no cohort;
// recurring: day 1's); e signs up anonymous on day 0, identifies on day 1 and is active as the user.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Analytics } from '../../src/analytics.ts'
import type { RetentionResult } from '../../src/insights/retention.ts'
import { DAY, eachStore, event, HOUR, identify, T0, track } from '../fixtures/stores.ts'

const fixture = () => [
  track('a', 'Signed Up', HOUR), track('a', 'Active', DAY + HOUR), track('a', 'Active', 2 * DAY + HOUR),
  track('b', 'Signed Up', 2 * HOUR), track('b', 'Active', 2 * DAY + 2 * HOUR),
  track('c', 'Signed Up', DAY + 3 * HOUR), track('c', 'Active', 2 * DAY + 3 * HOUR),
  track('d', 'Signed Up', -DAY + HOUR), track('d', 'Signed Up', DAY + HOUR), track('d', 'Active', 2 * DAY + HOUR),
  track('anon-e', 'Signed Up', 5 * HOUR), identify('e', 'anon-e', DAY + 4 * HOUR), event({ userId: 'e', event: 'Active', atMs: DAY + 5 * HOUR }),
]

const query = { kind: 'retention', startEvent: { event: 'Signed Up' }, returnEvent: { event: 'Active' }, intervals: 3, from: new Date(T0).toISOString() }
const NOW = T0 + 2 * DAY + 12 * HOUR

eachStore((open) => {
  test('retention should build the first-time triangle on resolved persons', async (t) => {
    const store = await open(t)
    await store.insertEvents(fixture(), new Date())
    const r = await new Analytics(store, { resolveEveryMs: 0 }).query(query, NOW) as RetentionResult
    assert.deepEqual(r.cohorts.map(c => [c.start.slice(0, 10), c.retained]), [['2026-11-02', [3, 2, 2]], ['2026-11-03', [1, 1]], ['2026-11-04', [0]]])
    assert.deepEqual(r.cohorts[0]?.rates, [1, 2 / 3, 2 / 3])
  })

  test('retention should open a cohort for every start event when recurring, and by week', async (t) => {
    const store = await open(t)
    await store.insertEvents(fixture(), new Date())
    const analytics = new Analytics(store, { resolveEveryMs: 0 })
    const recurring = await analytics.query({ ...query, cohort: 'recurring' }, NOW) as RetentionResult
    assert.deepEqual(recurring.cohorts.map(c => c.retained), [[3, 2, 2], [2, 2], [0]])
    const weekly = await analytics.query({ ...query, interval: 'week', intervals: 2 }, T0 + 8 * DAY) as RetentionResult
    // One weekly cohort of four (d started the week before, in October's last week), none back the week after.
    assert.deepEqual(weekly.cohorts.map(c => [c.start.slice(0, 10), c.retained]), [['2026-11-02', [4, 0]], ['2026-11-09', [0]]])
  })
})
