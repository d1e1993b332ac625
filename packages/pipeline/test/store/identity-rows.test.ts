import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PipelineEvent } from '../../src/event.ts'
import { identityLinkOf, propertySetsOf } from '../../src/store/identity-rows.ts'

const base: PipelineEvent = {
  messageId: 'm1', writeKey: 'wk', type: 'track', event: 'Clicked', userId: null, anonymousId: null, timestamp: '2026-11-02T00:00:00.000Z',
  originalTimestamp: null, sentAt: null, receivedAt: '2026-11-02T00:00:00.000Z', properties: {}, traits: {}, context: {}, source: 'segment', ip: null,
}
const ev = (over: Partial<PipelineEvent>): PipelineEvent => ({ ...base, ...over })

test('identityLinkOf should link Segment identify and alias, and PostHog $identify, $create_alias and $merge_dangerously', () => {
  const link = (e: PipelineEvent) => { const l = identityLinkOf(e); return l && [l.kind, l.intoId, l.otherId] }
  assert.deepEqual(link(ev({ type: 'identify', userId: 'u1', anonymousId: 'a1' })), ['identify', 'u1', 'a1'])
  assert.deepEqual(link(ev({ type: 'identify', userId: 'u1' })), ['identify', 'u1', null])
  assert.equal(link(ev({ type: 'identify', anonymousId: 'a1', traits: { plan: 'pro' } })), null)
  assert.deepEqual(link(ev({ type: 'alias', userId: 'u2', properties: { previousId: 'u1' } })), ['alias', 'u2', 'u1'])
  // The PostHog normaliser maps $identify to identify with $anon_distinct_id as anonymousId, $create_alias to alias.
  assert.deepEqual(link(ev({ source: 'posthog', type: 'identify', userId: 'u1', anonymousId: 'anon-uuid' })), ['identify', 'u1', 'anon-uuid'])
  assert.deepEqual(link(ev({ source: 'posthog', type: 'alias', userId: 'u1', properties: { alias: 'u1-old' } })), ['alias', 'u1', 'u1-old'])
  assert.deepEqual(link(ev({ source: 'posthog', event: '$merge_dangerously', userId: 'u1', properties: { alias: 'u9' } })), ['merge', 'u1', 'u9'])
  assert.equal(link(ev({ userId: 'u1', anonymousId: 'a1' })), null, 'a track call links nothing')
  assert.equal(link(ev({ type: 'alias', userId: 'u2', properties: { previousId: 42 } })), null, 'an alias without a text previousId links nothing')
})

test('propertySetsOf should take identify traits, and PostHog $set and $set_once from any event', () => {
  const sets = (e: PipelineEvent) => propertySetsOf(e).map(s => [s.distinctId, s.key, s.value, s.kind])
  assert.deepEqual(sets(ev({ type: 'identify', userId: 'u1', traits: { plan: 'pro', seats: 3, beta: true, address: { city: 'Utrecht' } } })),
    [['u1', 'plan', 'pro', 'set'], ['u1', 'seats', '3', 'set'], ['u1', 'beta', 'true', 'set'], ['u1', 'address', '{"city":"Utrecht"}', 'set']])
  assert.deepEqual(sets(ev({ userId: 'u1', traits: { plan: 'pro' } })), [], 'a Segment track call\'s traits describe the call, not the person')
  assert.deepEqual(sets(ev({ source: 'posthog', userId: 'd1', traits: { plan: 'team' }, properties: { $set_once: { first: '/a' } } })),
    [['d1', 'plan', 'team', 'set'], ['d1', 'first', '/a', 'set_once']])
})
