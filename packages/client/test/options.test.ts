// Each module's options: checked and frozen once, defaults exported.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import Type from 'typebox'
import { defaultConsumerOptions, resolveConsumerOptions } from '../src/consumer/options.ts'
import { defaultSpoolOptions, resolveProducerOptions } from '../src/producer/options.ts'
import { defineTopic } from '../src/topics/define-topic.ts'

const bootstrapBrokers = ['127.0.0.1:1']

test('resolveProducerOptions should fill the spool\'s defaults, check them and freeze them', () => {
  const spool = resolveProducerOptions({ bootstrapBrokers, spool: { dir: '/tmp/spool' } }).spool
  assert.deepEqual(spool, { dir: '/tmp/spool', ...defaultSpoolOptions })
  assert.ok(Object.isFrozen(spool) && Object.isFrozen(defaultSpoolOptions))
  assert.equal(resolveProducerOptions({ bootstrapBrokers, spool: { dir: '/s', probeIntervalMs: 250 } }).spool?.probeIntervalMs, 250)
  assert.throws(() => resolveProducerOptions({ bootstrapBrokers, spool: { dir: '' } }), { code: 'TACKLE_CLIENT_INVALID_OPTIONS', message: /spool\.dir must name a directory/ })
  assert.throws(() => resolveProducerOptions({ bootstrapBrokers, spool: { dir: '/s', unreachableAfterMs: 0 } }), { message: /spool\.unreachableAfterMs must be a number > 0, got 0/ })
})

test('resolveConsumerOptions should start from the exported defaults and freeze what it returns', () => {
  const topic = defineTopic({ name: 'orders', schema: Type.Unknown() })
  const options = resolveConsumerOptions({ bootstrapBrokers, groupId: 'g', topic, handler: async () => {}, attempts: 5 })
  assert.equal(options.attempts, 5)
  assert.deepEqual([options.maxBatchRecords, options.partitionConcurrency, options.retryDelayMs], [defaultConsumerOptions.maxBatchRecords, defaultConsumerOptions.partitionConcurrency, defaultConsumerOptions.retryDelayMs])
  assert.deepEqual([options.retryTopic, options.dlqTopic], ['orders.retry', 'orders.dlq'])
  assert.ok(Object.isFrozen(options) && Object.isFrozen(options.backoff) && Object.isFrozen(defaultConsumerOptions))
  assert.equal(resolveConsumerOptions({ bootstrapBrokers, groupId: 'g', topic, handler: async () => {}, retryTopic: undefined }).retryTopic, undefined, 'an explicit undefined skips the retry topic')
})
