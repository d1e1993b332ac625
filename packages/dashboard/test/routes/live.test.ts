// The live stream over real HTTP: a snapshot at once, then each batch the processor stores.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DuckDbStore, LiveStats, type PipelineEvent } from '@tackle/pipeline'
import { startDashboard } from '../../src/server.ts'

const TOKEN = 'test-token-0123456789abcdef'

test('GET /api/live should push a snapshot, then the events stored after it, as server-sent events', async (t) => {
  const store = await DuckDbStore.open(':memory:')
  const stats = new LiveStats()
  const dashboard = await startDashboard({ store, stats, token: TOKEN, port: 0 })
  t.after(async () => { await dashboard.close(); await store.close() })
  const abort = new AbortController()
  t.after(() => abort.abort())
  const response = await fetch(`${dashboard.url}/api/live`, { headers: { authorization: `Bearer ${TOKEN}` }, signal: abort.signal })
  assert.equal(response.status, 200)
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/)
  const reader = (response.body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream()).getReader()
  let text = ''
  const until = async (pattern: RegExp) => {
    const deadline = Date.now() + 10_000
    while (!pattern.test(text)) {
      assert.ok(Date.now() < deadline, `no ${pattern} in ${text.slice(0, 500)}`)
      const { value, done } = await reader.read()
      assert.ok(!done, 'the stream ended')
      text += value
    }
  }
  await until(/event: snapshot\ndata: \{.*"minutes"/)
  const now = new Date().toISOString()
  const stored: PipelineEvent = { messageId: 'live-1', writeKey: 'wk', type: 'track', event: 'Pushed Event', userId: 'u1', anonymousId: null, timestamp: now, originalTimestamp: null, sentAt: null, receivedAt: now, properties: {}, traits: {}, context: {}, source: 'segment', ip: null }
  stats.recordStored([stored], new Date())
  await until(/event: events\ndata: .*"Pushed Event"/)
  const unauthorised = await fetch(`${dashboard.url}/api/live`)
  assert.equal(unauthorised.status, 401)
  await unauthorised.body?.cancel()
})

test('the dashboard should close while a live stream is open', async (t) => {
  const store = await DuckDbStore.open(':memory:')
  t.after(() => store.close())
  const dashboard = await startDashboard({ store, stats: new LiveStats(), token: TOKEN, port: 0 })
  const response = await fetch(`${dashboard.url}/api/live`, { headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(response.status, 200)
  const started = Date.now()
  await dashboard.close()
  assert.ok(Date.now() - started < 5_000, 'close did not wait for the stream')
  await response.body?.cancel().catch(() => undefined)
})
