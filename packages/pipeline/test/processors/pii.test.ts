import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import type { PipelineEvent } from '../../src/event.ts'
import { anonymizeIp, applyPii, defaultPiiRules, REDACTED } from '../../src/processors/pii.ts'

const event: PipelineEvent = {
  messageId: 'm', writeKey: 'wk', type: 'track', event: 'Signed Up', userId: 'u1', anonymousId: null,
  timestamp: '2026-11-25T10:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: '2026-11-25T10:00:00.000Z',
  properties: { email: 'ann@example.com', password: 'hunter2', address: { street: '1 Main St', city: 'Oslo' }, plan: 'pro' },
  traits: { phone: '+47 555 0100' }, context: { ip: '203.0.113.77' }, source: 'segment', ip: '203.0.113.77',
}

test('applyPii should drop, hash and redact named properties and traits, nested paths included', () => {
  const clean = applyPii(event, { ...defaultPiiRules, drop: ['password'], hash: ['email'], redact: ['address.street', 'phone'], hashSalt: 's' })
  assert.deepEqual(clean.properties, {
    email: createHash('sha256').update('s').update('ann@example.com').digest('hex'),
    address: { street: REDACTED, city: 'Oslo' },
    plan: 'pro',
  })
  assert.deepEqual(clean.traits, { phone: REDACTED })
  assert.equal(event.properties.password, 'hunter2', 'the original is not changed')
})

test('applyPii should anonymise IP addresses by default, and keep them when told to', () => {
  const clean = applyPii(event, defaultPiiRules)
  assert.equal(clean.ip, '203.0.113.0')
  assert.equal(clean.context.ip, '203.0.113.0')
  assert.equal(applyPii(event, { ...defaultPiiRules, anonymizeIp: false }).ip, '203.0.113.77')
})

test('anonymizeIp should keep the network part of IPv4 and IPv6 and redact what is not an address', () => {
  assert.equal(anonymizeIp('192.168.10.200'), '192.168.10.0')
  assert.equal(anonymizeIp('2001:db8:85a3:8d3:1319:8a2e:370:7348'), '2001:db8:85a3::')
  assert.equal(anonymizeIp('::ffff:10.1.2.3'), '::ffff:10.1.2.0')
  assert.equal(anonymizeIp('not an ip'), REDACTED)
})
