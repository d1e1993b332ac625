import assert from 'node:assert/strict'
import { test } from 'node:test'
import { normalizePosthogItem, posthogApiKey } from '../../src/collector/normalize-posthog.ts'

const receivedAt = new Date('2026-11-25T12:00:00.000Z')
const ctx = { writeKey: 'phc_1', receivedAt, sentAt: undefined, ip: '198.51.100.7', maxEventBytes: 32 * 1024 }

test('normalizePosthogItem should map capture events onto Segment call types', () => {
  const pageview = normalizePosthogItem({ event: '$pageview', distinct_id: 'd1', uuid: 'u-1', properties: { $current_url: 'https://x.test/a' } }, ctx)
  const identify = normalizePosthogItem({ event: '$identify', distinct_id: 'd1', properties: { $set: { email: 'a@b.c' } } }, ctx)
  const custom = normalizePosthogItem({ event: 'Clicked', properties: { distinct_id: 'd2', $lib: 'web' } }, ctx)
  assert.ok(pageview.ok && identify.ok && custom.ok)
  assert.deepEqual([pageview.value.type, pageview.value.event, pageview.value.messageId], ['page', '$pageview', 'u-1'], 'one event name for every page view; the URL stays a property')
  assert.equal(pageview.value.properties.$current_url, 'https://x.test/a')
  assert.deepEqual([identify.value.type, identify.value.traits], ['identify', { email: 'a@b.c' }])
  assert.deepEqual([custom.value.type, custom.value.event, custom.value.userId, custom.value.source], ['track', 'Clicked', 'd2', 'posthog'])
})

test('normalizePosthogItem should reject an event without distinct_id or name', () => {
  const noId = normalizePosthogItem({ event: 'Clicked' }, ctx)
  const noName = normalizePosthogItem({ distinct_id: 'd' }, ctx)
  assert.ok(!noId.ok && /distinct_id is required/.test(noId.reason))
  assert.ok(!noName.ok && /event is required/.test(noName.reason))
})

test('posthogApiKey should find the key in the body, a batch item or properties.token', () => {
  assert.equal(posthogApiKey({ api_key: 'k1', batch: [] }), 'k1')
  assert.equal(posthogApiKey({ batch: [{ api_key: 'k2' }] }), 'k2')
  assert.equal(posthogApiKey([{ event: 'x', properties: { token: 'k3' } }]), 'k3')
  assert.equal(posthogApiKey({ event: 'x' }), undefined)
})

test('normalizePosthogItem should store every page view and screen view under one name, whatever the URL', () => {
  const names = ['https://x.test/a', 'https://x.test/b?q=1', undefined].map(url => {
    const result = normalizePosthogItem({ event: '$pageview', distinct_id: 'd1', properties: url === undefined ? {} : { $current_url: url } }, ctx)
    assert.ok(result.ok)
    return result.value.event
  })
  assert.deepEqual(names, ['$pageview', '$pageview', '$pageview'])
  const screen = normalizePosthogItem({ event: '$screen', distinct_id: 'd1', properties: { $screen_name: 'Cart' } }, ctx)
  assert.ok(screen.ok)
  assert.deepEqual([screen.value.type, screen.value.event, screen.value.properties.$screen_name], ['screen', '$screen', 'Cart'])
  const leave = normalizePosthogItem({ event: '$pageleave', distinct_id: 'd1', properties: { $current_url: 'https://x.test/a' } }, ctx)
  assert.ok(leave.ok)
  assert.deepEqual([leave.value.type, leave.value.event], ['track', '$pageleave'])
})
