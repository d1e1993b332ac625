import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LiveStats, MAX_NAMES_PER_MINUTE, OTHER_EVENTS } from '../../src/analytics/live-stats.ts'
import type { PipelineEvent } from '../../src/event.ts'

const NOW = Date.parse('2026-11-25T12:30:30.000Z')

function event (over: Partial<PipelineEvent>): PipelineEvent {
  return {
    messageId: 'm', writeKey: 'wk', type: 'track', event: 'Clicked', userId: 'u1', anonymousId: null,
    timestamp: new Date(NOW - 1000).toISOString(), originalTimestamp: null, sentAt: null, receivedAt: new Date(NOW - 500).toISOString(),
    properties: {}, traits: {}, context: {}, source: 'segment', ip: null, ...over,
  }
}

test('LiveStats should count an hour-late event in the minute it happened, not the current one', () => {
  const stats = new LiveStats({ now: () => NOW })
  stats.recordStored([event({ userId: 'u1' }), event({ userId: 'u2', event: 'Bought' })], new Date(NOW))
  const hourAgo = new Date(NOW - 3_600_000)
  stats.recordStored([event({ userId: 'late', timestamp: hourAgo.toISOString() })], new Date(NOW))
  const snapshot = stats.snapshot()
  const current = snapshot.minutes.find(m => m.minute === '2026-11-25T12:30:00.000Z')
  const then = snapshot.minutes.find(m => m.minute === '2026-11-25T11:30:00.000Z')
  assert.deepEqual(current?.byEvent, { Clicked: 1, Bought: 1 })
  assert.equal(then?.total, 1, 'the late event corrects the minute it belongs to')
  assert.equal(snapshot.late, 1)
  assert.deepEqual(snapshot.activeUsers, { last1m: 2, last5m: 2 }, 'a late event does not make its user active now')
  assert.equal(snapshot.stored, 3)
})

test('LiveStats should report receipt-to-storage latency quantiles and the failed rate', () => {
  const stats = new LiveStats({ now: () => NOW })
  const events = Array.from({ length: 100 }, (_, i) => event({ messageId: `m${i}`, receivedAt: new Date(NOW - (i + 1)).toISOString() }))
  stats.recordStored(events, new Date(NOW))
  stats.recordFailed([{ reason: 'bad', step: 'collect', writeKey: 'wk', messageId: null, payload: {}, receivedAt: new Date(NOW - 10).toISOString(), failedAt: new Date(NOW).toISOString() }])
  const snapshot = stats.snapshot()
  assert.equal(snapshot.latencyMs.p50, 50)
  assert.equal(snapshot.latencyMs.p99, 99)
  assert.equal(snapshot.latencyMs.samples, 100)
  assert.equal(snapshot.failed, 1)
  assert.ok(Math.abs(snapshot.failedRate5m - 1 / 101) < 1e-9)
})

test('LiveStats should forget minutes past its retention', () => {
  let now = NOW
  const stats = new LiveStats({ now: () => now, retentionMinutes: 10 })
  stats.recordStored([event({})], new Date(now))
  now += 11 * 60_000
  assert.deepEqual(stats.snapshot().minutes, [])
  assert.deepEqual(stats.snapshot().activeUsers, { last1m: 0, last5m: 0 })
})

test('LiveStats should stay bounded whatever the events claim: no bucket for a far-future minute, names capped per minute', () => {
  let now = NOW
  const stats = new LiveStats({ now: () => now })
  stats.recordStored([event({ userId: 'clock-wrong', timestamp: '2999-01-01T00:00:00.000Z' })], new Date(NOW))
  assert.deepEqual(stats.snapshot().minutes, [], 'a minute in 2999 is not kept')
  now = NOW + 6 * 60_000
  assert.equal(stats.snapshot().activeUsers.last5m, 0, 'a future timestamp does not keep a user active for ever')
  now = NOW
  const names = Array.from({ length: MAX_NAMES_PER_MINUTE + 50 }, (_, i) => event({ messageId: `n${i}`, event: `Event ${i}` }))
  stats.recordStored(names, new Date(NOW))
  const [minute] = stats.snapshot().minutes
  assert.equal(Object.keys(minute?.byEvent ?? {}).length, MAX_NAMES_PER_MINUTE + 1)
  assert.equal(minute?.byEvent[OTHER_EVENTS], 50)
  assert.equal(minute?.total, MAX_NAMES_PER_MINUTE + 50)
})
