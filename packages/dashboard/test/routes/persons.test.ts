// The persons API on a real (in-memory DuckDB) store through inject().
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DuckDbStore, LiveStats, type PipelineEvent } from '@tackle/pipeline'
import { buildDashboard } from '../../src/server.ts'

const TOKEN = 'test-token-0123456789abcdef'
const headers = { authorization: `Bearer ${TOKEN}` }

const event = (messageId: string, over: Partial<PipelineEvent>): PipelineEvent => ({
  messageId, writeKey: 'wk', type: 'track', event: 'Viewed', userId: null, anonymousId: null, timestamp: '2026-11-02T00:00:00.000Z', originalTimestamp: null,
  sentAt: null, receivedAt: '2026-11-02T00:00:00.000Z', properties: {}, traits: {}, context: {}, source: 'segment', ip: null, ...over,
})

test('the persons API should find, show and erase a merged person, and 404 an unknown one', async (t) => {
  const store = await DuckDbStore.open(':memory:')
  const app = await buildDashboard({ store, stats: new LiveStats(), token: TOKEN })
  t.after(async () => { await app.close(); await store.close() })
  await store.insertEvents([
    event('1', { anonymousId: 'anon-1' }),
    event('2', { type: 'identify', event: null, userId: 'ann', anonymousId: 'anon-1', traits: { email: 'ann@example.com' }, timestamp: '2026-11-02T00:01:00.000Z' }),
  ], new Date())
  const found = await app.inject({ method: 'GET', url: '/api/persons?q=ann%40', headers })
  assert.deepEqual(found.json(), { persons: [{ id: 'ann', distinctIds: 2 }] })
  const person = (await app.inject({ method: 'GET', url: '/api/persons/anon-1', headers })).json()
  assert.deepEqual([person.id, person.distinctIds, person.properties, person.events], ['ann', ['ann', 'anon-1'], { email: 'ann@example.com' }, 2])
  assert.deepEqual(person.recentEvents.map((e: { messageId: string }) => e.messageId), ['2', '1'])
  const unknown = await app.inject({ method: 'GET', url: '/api/persons/nobody', headers })
  assert.equal(unknown.statusCode, 404)
  assert.equal(unknown.json().code, 'TACKLE_ANALYTICS_PERSON_NOT_FOUND')
  const erased = await app.inject({ method: 'DELETE', url: '/api/persons/ann', headers })
  assert.equal(erased.statusCode, 200)
  assert.equal(erased.json().erased.events, 2)
  assert.equal((await app.inject({ method: 'GET', url: '/api/persons/ann', headers })).statusCode, 404)
})
