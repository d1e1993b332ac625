import assert from 'node:assert/strict'
import { test } from 'node:test'
import { normalizeSegmentItem } from '../../src/collector/normalize-segment.ts'

const receivedAt = new Date('2026-11-25T12:00:10.000Z')
const ctx = { writeKey: 'wk', receivedAt, sentAt: undefined, ip: '203.0.113.9', maxEventBytes: 32 * 1024 }

test('normalizeSegmentItem should correct the timestamp for client clock skew using sentAt', () => {
  // The client's clock is 1 h fast: it says it sent at 13:00:05 an event from 13:00:00.
  const result = normalizeSegmentItem({ userId: 'u1', event: 'Signed Up', timestamp: '2026-11-25T13:00:00.000Z', sentAt: '2026-11-25T13:00:05.000Z' }, 'track', ctx)
  assert.ok(result.ok)
  assert.equal(result.value.timestamp, '2026-11-25T12:00:05.000Z')
  assert.equal(result.value.originalTimestamp, '2026-11-25T13:00:00.000Z')
  assert.equal(result.value.receivedAt, receivedAt.toISOString())
})

test('normalizeSegmentItem should keep a messageId and make one up when missing', () => {
  const kept = normalizeSegmentItem({ userId: 'u1', event: 'A', messageId: 'm-1' }, 'track', ctx)
  const made = normalizeSegmentItem({ anonymousId: 'a1', event: 'A' }, 'track', ctx)
  assert.ok(kept.ok && made.ok)
  assert.equal(kept.value.messageId, 'm-1')
  assert.match(made.value.messageId, /^tackle-[0-9a-f-]{36}$/)
  assert.equal(made.value.timestamp, receivedAt.toISOString(), 'no timestamp: receivedAt')
})

test('normalizeSegmentItem should take the type from the batch item and numeric ids as strings', () => {
  const result = normalizeSegmentItem({ type: 'identify', userId: 42, traits: { plan: 'pro' } }, undefined, ctx)
  assert.ok(result.ok)
  assert.equal(result.value.type, 'identify')
  assert.equal(result.value.userId, '42')
  assert.deepEqual(result.value.traits, { plan: 'pro' })
  assert.equal(result.value.ip, '203.0.113.9')
})

test('normalizeSegmentItem should reject each malformed item with a reason naming the field', () => {
  const cases: Array<[unknown, RegExp]> = [
    ['just a string', /event must be an object, got string/],
    [{ event: 'A' }, /userId or anonymousId is required/],
    [{ userId: 'u' }, /event is required/],
    [{ userId: 'u', event: 7 }, /event must be a string, got number/],
    [{ userId: { id: 1 }, event: 'A' }, /userId must be a string, got object/],
    [{ userId: 'u', event: 'A', properties: [1, 2] }, /properties must be an object, got array/],
    [{ userId: 'u', event: 'A', timestamp: 'yesterday-ish' }, /timestamp is not an ISO 8601 date/],
    [{ userId: 'u', event: 'A', properties: { big: 'x'.repeat(40_000) } }, /over the 32768 allowed per event/],
    [{ userId: 'u', event: 'A', properties: JSON.parse('{"a":'.repeat(40) + '1' + '}'.repeat(40)) as unknown }, /nested deeper than 32 levels/],
  ]
  for (const [item, reason] of cases) {
    const result = normalizeSegmentItem(item, 'track', ctx)
    assert.equal(result.ok, false, JSON.stringify(item).slice(0, 60))
    if (!result.ok) assert.match(result.reason, reason)
  }
  const badType = normalizeSegmentItem({ type: 'purchase', userId: 'u' }, undefined, ctx)
  assert.ok(!badType.ok && /type must be one of track, identify/.test(badType.reason))
  const alias = normalizeSegmentItem({ userId: 'u' }, 'alias', ctx)
  assert.ok(!alias.ok && /alias needs userId and previousId/.test(alias.reason))
})

test('normalizeSegmentItem should check the item with its batch context merged in', () => {
  const big = { pad: 'x'.repeat(40_000) }
  const deep = JSON.parse('{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000)) as Record<string, unknown>
  const tooBig = normalizeSegmentItem({ userId: 'u', event: 'A' }, 'track', ctx, big)
  assert.ok(!tooBig.ok && tooBig.tooLarge && /over the 32768 allowed per event/.test(tooBig.reason))
  const tooDeep = normalizeSegmentItem({ userId: 'u', event: 'A' }, 'track', ctx, deep)
  assert.ok(!tooDeep.ok && /nested deeper than 32 levels/.test(tooDeep.reason))
  const merged = normalizeSegmentItem({ userId: 'u', event: 'A', context: { locale: 'pl' } }, 'track', ctx, { ip: '198.51.100.7', locale: 'en' })
  assert.ok(merged.ok)
  assert.deepEqual(merged.value.context, { ip: '198.51.100.7', locale: 'pl' }, 'the item\'s own context wins')
  assert.equal(merged.value.ip, '198.51.100.7')
})

test('normalizeSegmentItem should reject, not throw on, ids and dates that are not what they claim', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ userId: 'u', event: 'A', previousId: { toString: 0, valueOf: 0 } }, /previousId must be a string, got object/],
    [{ userId: 'u', groupId: { toString: 0 } }, /groupId must be a string/],
    [{ userId: 'u', event: 'A', timestamp: '+275760-09-13T00:00:00.000Z' }, /timestamp is not an ISO 8601 date/],
    [{ userId: 'u', event: 'A', timestamp: 8.64e15 }, /timestamp is 8640000000000000 ms since 1970, outside the years 0001 to 9999/],
    [{ userId: 'u', event: 'A', sentAt: -8.64e15 }, /sentAt is .* outside the years/],
    [{ userId: 'u', event: 'A', timestamp: '2026-02-30T10:00:00Z' }, /day 30, but that month has 28 days/],
    [{ userId: 'u', event: 'A', timestamp: '10000-01-01T00:00:00Z' }, /timestamp is not an ISO 8601 date/],
    [{ userId: 'u', event: 'A', properties: { s: '\uD800' } }, /properties.s holds a lone UTF-16 surrogate/],
  ]
  for (const [item, reason] of cases) {
    const result = normalizeSegmentItem(item, item.event === undefined ? 'group' : 'track', ctx)
    assert.equal(result.ok, false, JSON.stringify(item))
    if (!result.ok) assert.match(result.reason, reason)
  }
})

test('normalizeSegmentItem should replace a timestamp far in the future by receivedAt and say so', () => {
  const future = normalizeSegmentItem({ userId: 'u', event: 'A', timestamp: '2999-01-01T00:00:00.000Z' }, 'track', ctx)
  assert.ok(future.ok)
  assert.equal(future.value.timestamp, receivedAt.toISOString())
  assert.equal(future.value.originalTimestamp, '2999-01-01T00:00:00.000Z')
  assert.match(String((future.value.context.tackle as { timestampAdjusted: { reason: string } }).timestampAdjusted.reason), /more than 23 hours after receipt/)
  // The skew correction may push a date past the storable years: then too, receivedAt.
  const skewed = normalizeSegmentItem({ userId: 'u', event: 'A', timestamp: '0001-01-01T00:00:00Z', sentAt: '9999-12-31T00:00:00Z' }, 'track', ctx)
  assert.ok(skewed.ok)
  assert.equal(skewed.value.timestamp, receivedAt.toISOString())
  const soon = normalizeSegmentItem({ userId: 'u', event: 'A', timestamp: '2026-11-25T20:00:00.000Z' }, 'track', ctx)
  assert.ok(soon.ok)
  assert.equal(soon.value.timestamp, '2026-11-25T20:00:00.000Z', 'eight hours ahead is within the tolerance')
  assert.equal(soon.value.context.tackle, undefined)
})

test('normalizeSegmentItem should store page and screen calls under PostHog\'s view names, with the URL and name as properties', () => {
  const page = normalizeSegmentItem({ userId: 'u1', name: 'Pricing', properties: { url: 'https://x.test/pricing', path: '/pricing' } }, 'page', ctx)
  const unnamed = normalizeSegmentItem({ anonymousId: 'a1', properties: { url: 'https://x.test/' } }, 'page', ctx)
  const screen = normalizeSegmentItem({ userId: 'u1', name: 'Cart' }, 'screen', ctx)
  const own = normalizeSegmentItem({ userId: 'u1', name: 'Home', properties: { name: 'Landing', $current_url: 'https://y.test/' } }, 'page', ctx)
  assert.ok(page.ok && unnamed.ok && screen.ok && own.ok)
  assert.deepEqual([page.value.event, page.value.properties.name, page.value.properties.$current_url, page.value.properties.path], ['$pageview', 'Pricing', 'https://x.test/pricing', '/pricing'])
  assert.deepEqual([unnamed.value.event, unnamed.value.properties.name], ['$pageview', undefined], 'a page without a name is a page view all the same')
  assert.deepEqual([screen.value.event, screen.value.properties.$screen_name, screen.value.properties.name], ['$screen', 'Cart', 'Cart'])
  assert.deepEqual([own.value.properties.name, own.value.properties.$current_url], ['Landing', 'https://y.test/'], 'what the SDK sent is not overwritten')
})
