// POST /api/query on a real (in-memory DuckDB) store through inject(): results, and the field a
// malformed query gets wrong.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DuckDbStore, LiveStats, type PipelineEvent } from '@tackle/pipeline'
import { buildDashboard } from '../../src/server.ts'

const TOKEN = 'test-token-0123456789abcdef'
const headers = { authorization: `Bearer ${TOKEN}` }
const T0 = Date.parse('2026-11-02T00:00:00.000Z')

const event = (messageId: string, anonymousId: string, name: string, atMs: number): PipelineEvent => ({
  messageId, writeKey: 'wk', type: 'track', event: name, userId: null, anonymousId, timestamp: new Date(T0 + atMs).toISOString(), originalTimestamp: null,
  sentAt: null, receivedAt: new Date(T0 + atMs).toISOString(), properties: {}, traits: {}, context: {}, source: 'segment', ip: null,
})

async function dashboard (t: { after (fn: () => unknown): void }) {
  const store = await DuckDbStore.open(':memory:')
  const app = await buildDashboard({ store, stats: new LiveStats(), token: TOKEN })
  t.after(async () => { await app.close(); await store.close() })
  return { app, store }
}

test('POST /api/query should answer a funnel with its numbers', async (t) => {
  const { app, store } = await dashboard(t)
  await store.insertEvents([event('1', 'a', 'Viewed', 0), event('2', 'a', 'Bought', 60_000), event('3', 'b', 'Viewed', 0)], new Date())
  const response = await app.inject({ method: 'POST', url: '/api/query', headers, payload: { kind: 'funnel', steps: [{ event: 'Viewed' }, { event: 'Bought' }], from: new Date(T0).toISOString(), to: new Date(T0 + 86_400_000).toISOString() } })
  assert.equal(response.statusCode, 200)
  assert.deepEqual(response.json().steps.map((s: { count: number }) => s.count), [2, 1])
  const names = await app.inject({ method: 'GET', url: '/api/query/events', headers })
  assert.equal(names.statusCode, 200)
})

test('POST /api/query should answer a malformed query with 400 naming the field', async (t) => {
  const { app } = await dashboard(t)
  const cases: Array<[unknown, string]> = [
    [{ kind: 'funnel', steps: [{ event: 'A' }] }, '/steps'],
    [{ kind: 'trends', series: [{ event: 'A', math: 'sum' }] }, '/series/0/property'],
    [{ kind: 'nope' }, '/kind'],
    [{ kind: 'trends', series: [{ event: 7 }] }, '/series/0/event'],
  ]
  for (const [payload, field] of cases) {
    const response = await app.inject({ method: 'POST', url: '/api/query', headers, payload: payload as object })
    assert.equal(response.statusCode, 400, JSON.stringify(payload))
    assert.equal(response.json().code, 'TACKLE_ANALYTICS_BAD_QUERY')
    assert.equal(response.json().field, field)
    assert.ok(response.json().message.includes(field))
  }
  const notJson = await app.inject({ method: 'POST', url: '/api/query', headers: { ...headers, 'content-type': 'application/json' }, payload: '{"kind":' })
  assert.equal(notJson.statusCode, 400)
})

test('GET /api/query/schema should publish the schema of every kind', async (t) => {
  const { app } = await dashboard(t)
  const schema = (await app.inject({ method: 'GET', url: '/api/query/schema', headers })).json()
  assert.deepEqual(schema.anyOf.map((s: { properties: { kind: { const: string } } }) => s.properties.kind.const), ['trends', 'funnel', 'retention', 'sessions'])
})
