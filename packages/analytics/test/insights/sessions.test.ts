// Hand-computed sessions. p: events at 0, 10m, 35m (one session of 35m, 3 events), then 70m (a
// new one: 35m of quiet). q: the SDK's $session_id s1 at 0 and 50m (one session, 50m, despite
// the gap), then s2 at 55m (a new one). r: one event the next day.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Analytics } from '../../src/analytics.ts'
import type { SessionsResult } from '../../src/insights/sessions.ts'
import { DAY, eachStore, MINUTE, T0, track } from '../fixtures/stores.ts'

const fixture = () => [
  track('p', 'Page Viewed', 0), track('p', 'Clicked', 10 * MINUTE), track('p', 'Page Viewed', 35 * MINUTE), track('p', 'Page Viewed', 70 * MINUTE),
  track('q', 'Page Viewed', 0, { $session_id: 's1' }), track('q', 'Page Viewed', 50 * MINUTE, { $session_id: 's1' }), track('q', 'Page Viewed', 55 * MINUTE, { $session_id: 's2' }),
  track('r', 'Page Viewed', DAY + MINUTE),
]

eachStore((open) => {
  test('sessions should split on 30 minutes of quiet or a new $session_id, and give counts, durations and events per session', async (t) => {
    const store = await open(t)
    await store.insertEvents(fixture(), new Date())
    const r = await new Analytics(store, { resolveEveryMs: 0 }).query({ kind: 'sessions', from: new Date(T0).toISOString(), to: new Date(T0 + 2 * DAY).toISOString() }) as SessionsResult
    assert.deepEqual(r.points.map(p => [p.t.slice(0, 10), p.sessions]), [['2026-11-02', 4], ['2026-11-03', 1]])
    assert.equal(r.points[0]?.medianDurationMs, 17.5 * MINUTE)
    assert.equal(r.points[0]?.averageDurationMs, 21.25 * MINUTE)
    assert.equal(r.points[0]?.eventsPerSession, 1.75)
    assert.equal(r.total.sessions, 5)
  })
})
