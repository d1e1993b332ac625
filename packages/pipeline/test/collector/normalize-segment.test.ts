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
    [{ userId: 'u', event: 'A', timestamp: 'yesterday-ish' }, /timestamp is not a date/],
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
