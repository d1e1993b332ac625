import assert from 'node:assert/strict'
import { test } from 'node:test'
import { destinationNames, destinationTarget, parseDestinations } from '../../src/destinations/destination.ts'

test('parseDestinations should take webhooks and files as configured and name the first problem of a wrong one by index and field', () => {
  const good = [
    { name: 'crm', type: 'webhook', url: 'https://crm.example/hook', secret: 'whsec_0123456789abcdef', batchSize: 50 },
    { name: 'lake', type: 'files', dir: '/srv/lake' },
  ]
  assert.deepEqual(parseDestinations(good), good)
  const refused: Array<[unknown, RegExp]> = [
    [{ destinations: [] }, /^destinations must be an array$/],
    [[{ name: 'crm', type: 'kafka' }], /^destinations\[0\]\.type must be "webhook" or "files", got "kafka"$/],
    [[{ name: 'crm', type: 'webhook' }], /^destinations\[0\]: must have required property 'url'$/],
    [[{ name: 'Big Name', type: 'files' }], /^destinations\[0\]\.name: must match pattern/],
    [[{ name: 'crm', type: 'webhook', url: 'https://a', secret: 'short' }], /^destinations\[0\]\.secret: must NOT have fewer than 16 characters$/],
    [[{ name: 'crm', type: 'webhook', url: 'https://a', bachSize: 10 }], /^destinations\[0\]\.bachSize: is not a setting of a webhook destination$/],
    [[{ name: 'lake', type: 'files' }, { name: 'lake', type: 'files', dir: '/x' }], /^destinations\[1\]\.name: lake is named twice$/],
  ]
  for (const [given, message] of refused) {
    assert.throws(() => parseDestinations(given), (error: { code?: string, message: string }) => {
      assert.equal(error.code, 'TACKLE_PIPELINE_INVALID_OPTIONS')
      assert.match(error.message, message)
      return true
    }, JSON.stringify(given))
  }
})

test('destinationNames should give each destination a group and failure topics of its own; destinationTarget should leave out credentials', () => {
  assert.deepEqual(destinationNames('tackle.events', 'crm'), { group: 'tackle.destination.crm', retryTopic: 'tackle.events.destination.crm.retry', dlqTopic: 'tackle.events.destination.crm.dlq' })
  assert.equal(destinationTarget({ name: 'crm', type: 'webhook', url: 'https://user:pass@crm.example:8443/hooks/in?token=abc' }), 'https://crm.example:8443/hooks/in')
  assert.equal(destinationTarget({ name: 'lake', type: 'files', dir: '/srv/lake' }), '/srv/lake')
})
