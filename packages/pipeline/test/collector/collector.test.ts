// The collector's answers when Kafka cannot take an event: 429 when its producer's buffer is full,
// 503 when the cluster does not acknowledge; both with Retry-After, so SDKs back off and retry.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { ensureTopics } from '@tackle/client'
import { createProducer, testBrokers, testTopicName } from '@tackle/client/testkit'
import { startCollector } from '../../src/collector/collector.ts'
import { allPipelineTopics, pipelineTopics } from '../../src/topics.ts'
import { basicAuth, WRITE_KEY } from '../../src/testkit/index.ts'

const batch = (n: number, size: number) => JSON.stringify({ batch: Array.from({ length: n }, (_, i) => ({ type: 'track', userId: `u${i}`, event: 'A', properties: { pad: 'x'.repeat(size) } })) })

test('the collector should answer 429 with Retry-After when its producer buffer is full', async (t) => {
  const topics = pipelineTopics(testTopicName('overload'))
  await ensureTopics({ bootstrapBrokers: await testBrokers(), topics: allPipelineTopics(topics) })
  const producer = await createProducer(t, { maxBufferBytes: 4096, maxRecordBytes: 4096, onBufferFull: 'reject' })
  const collector = await startCollector({ producer, topics, writeKeys: [WRITE_KEY], port: 0 })
  t.after(() => collector.close())
  const res = await fetch(`${collector.url}/v1/batch`, { method: 'POST', body: batch(20, 1000), headers: { authorization: basicAuth(WRITE_KEY) } })
  const body = await res.json() as { code: string }
  assert.equal(res.status, 429)
  assert.equal(res.headers.get('retry-after'), '1')
  assert.equal(body.code, 'TACKLE_PIPELINE_OVERLOADED')
})

test('the collector should answer 503 with Retry-After when Kafka does not acknowledge', async (t) => {
  // Nothing listens on port 1: every send ends at the delivery deadline.
  const producer = await createProducer(t, { bootstrapBrokers: ['127.0.0.1:1'], deliveryTimeoutMs: 2000, requestTimeoutMs: 1000, logger: pino({ level: 'silent' }) })
  const collector = await startCollector({ producer, topics: pipelineTopics('unreachable'), writeKeys: [WRITE_KEY], port: 0 })
  t.after(() => collector.close())
  const res = await fetch(`${collector.url}/v1/track`, { method: 'POST', body: JSON.stringify({ userId: 'u', event: 'A' }), headers: { authorization: basicAuth(WRITE_KEY) } })
  const body = await res.json() as { code: string, message: string }
  assert.equal(res.status, 503, body.message)
  assert.equal(res.headers.get('retry-after'), '5')
  assert.equal(body.code, 'TACKLE_PIPELINE_UNAVAILABLE')
  const health = await fetch(`${collector.url}/health`)
  assert.equal(health.status, 200, 'still serving')
})
