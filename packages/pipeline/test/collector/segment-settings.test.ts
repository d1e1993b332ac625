// The settings analytics.js 2.0 fetches from its CDN, served by the collector for `cdnURL`.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { TackleProducer } from '@tackle/client'
import { buildCollector } from '../../src/collector/collector.ts'
import { pipelineTopics } from '../../src/topics.ts'
import { WRITE_KEY } from '../../src/testkit/index.ts'

test('GET /v1/projects/{writeKey}/settings should name the collector as the Segment.io destination, and refuse an unknown key', async (t) => {
  // Settings never produce: a producer with nowhere to send is enough.
  const producer = new TackleProducer({ bootstrapBrokers: ['127.0.0.1:1'], logger: pino({ level: 'silent' }) })
  const app = await buildCollector({ producer, topics: pipelineTopics('settings'), writeKeys: [WRITE_KEY] })
  t.after(async () => { await app.close(); await producer.close({ timeoutMs: 1000 }) })
  const response = await app.inject({ method: 'GET', url: `/v1/projects/${WRITE_KEY}/settings`, headers: { host: 'collector.test:8080' } })
  assert.equal(response.statusCode, 200)
  const settings = response.json()
  assert.deepEqual(settings.integrations['Segment.io'].apiKey, WRITE_KEY)
  assert.equal(settings.integrations['Segment.io'].apiHost, 'collector.test:8080/v1')
  assert.equal(settings.integrations['Segment.io'].protocol, 'http')
  assert.deepEqual(Object.keys(settings.integrations), ['Segment.io'], 'no other destination is loaded')
  assert.equal(settings.metrics.sampleRate, 0)
  const unknown = await app.inject({ method: 'GET', url: '/v1/projects/nope/settings' })
  assert.equal(unknown.statusCode, 401)
  assert.equal(unknown.json().code, 'TACKLE_PIPELINE_UNKNOWN_WRITE_KEY')
})
