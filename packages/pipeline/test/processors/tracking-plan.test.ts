import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PipelineEvent } from '../../src/event.ts'
import { TrackingPlans } from '../../src/processors/tracking-plan.ts'

const base: PipelineEvent = {
  messageId: 'm', writeKey: 'shop', type: 'track', event: 'Order Completed', userId: 'u1', anonymousId: null,
  timestamp: '2026-11-25T10:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: '2026-11-25T10:00:00.000Z',
  properties: { total: 30, currency: 'EUR' }, traits: {}, context: {}, source: 'segment', ip: null,
}
const orderSchema = { type: 'object', required: ['total', 'currency'], properties: { total: { type: 'number', minimum: 0 }, currency: { type: 'string', minLength: 3, maxLength: 3 } } }

test('TrackingPlans should pass a conforming event and name each violation of one that is not', () => {
  const plans = new TrackingPlans({ shop: { mode: 'enforce', events: { 'Order Completed': orderSchema } } })
  assert.equal(plans.check(base), undefined)
  const verdict = plans.check({ ...base, properties: { total: -1 } })
  assert.equal(verdict?.mode, 'enforce')
  assert.deepEqual(verdict?.violations.sort(), ['properties must have required property \'currency\'', 'properties.total must be >= 0'])
})

test('TrackingPlans should leave other write keys, other call types and unplanned events alone unless told', () => {
  const plans = new TrackingPlans({ shop: { mode: 'warn', events: { 'Order Completed': orderSchema } }, strict: { mode: 'enforce', events: {}, allowUnplanned: false } })
  assert.equal(plans.check({ ...base, writeKey: 'blog', properties: {} }), undefined)
  assert.equal(plans.check({ ...base, type: 'identify', properties: {} }), undefined)
  assert.equal(plans.check({ ...base, event: 'Other' }), undefined)
  assert.deepEqual(plans.check({ ...base, writeKey: 'strict' })?.violations, ['event "Order Completed" is not in the tracking plan'])
  assert.equal(plans.check({ ...base, properties: {} })?.mode, 'warn')
})

test('TrackingPlans should refuse a plan with a bad mode or schema, naming it', () => {
  assert.throws(() => new TrackingPlans({ shop: { mode: 'block' as 'warn', events: {} } }), /tracking plan of write key "shop": mode must be/)
  assert.throws(() => new TrackingPlans({ shop: { mode: 'warn', events: { A: { type: 'no-such-type' } } } }), /write key "shop", event "A"/)
})
