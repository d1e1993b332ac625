// The dashboard's API on a real (in-memory DuckDB) store, through inject(): auth, queries and
// their validation, experiment results.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DuckDbStore, LiveStats, type PipelineEvent } from '@tackle/pipeline'
import { rawRequest, trickle } from '@tackle/pipeline/testkit'
import { buildDashboard } from '../src/server.ts'

const TOKEN = 'test-token-0123456789abcdef'
const auth = { authorization: `Bearer ${TOKEN}` }

function event (messageId: string, over: Partial<PipelineEvent> = {}): PipelineEvent {
  return {
    messageId, writeKey: 'wk', type: 'track', event: 'Clicked', userId: 'u1', anonymousId: null,
    timestamp: '2026-11-25T10:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: '2026-11-25T10:00:00.100Z',
    properties: {}, traits: {}, context: {}, source: 'segment', ip: null, ...over,
  }
}

async function dashboard (t: { after (fn: () => unknown): void }) {
  const store = await DuckDbStore.open(':memory:')
  const stats = new LiveStats()
  const app = await buildDashboard({ store, stats, token: TOKEN, experiments: { 'exp-1': { conversionEvent: 'Order Completed' } } })
  t.after(async () => { await app.close(); await store.close() })
  return { app, store, stats }
}

test('the dashboard API should refuse requests without the right bearer token, and serve the page without one', async (t) => {
  const { app } = await dashboard(t)
  const none = await app.inject({ method: 'GET', url: '/api/events' })
  const wrong = await app.inject({ method: 'GET', url: '/api/stats', headers: { authorization: 'Bearer nope' } })
  assert.equal(none.statusCode, 401)
  assert.equal(none.json().code, 'TACKLE_DASHBOARD_UNAUTHORIZED')
  assert.equal(wrong.statusCode, 401)
  const page = await app.inject({ method: 'GET', url: '/' })
  assert.equal(page.statusCode, 200)
  assert.match(page.headers['content-type'] as string, /text\/html/)
  assert.match(page.body, /Live events/)
})

test('GET /api/events should return events newest first, filtered by name and limited', async (t) => {
  const { app, store } = await dashboard(t)
  await store.insertEvents([
    event('a', { timestamp: '2026-11-25T10:00:00.000Z' }),
    event('b', { timestamp: '2026-11-25T10:01:00.000Z', event: 'Bought' }),
    event('c', { timestamp: '2026-11-25T10:02:00.000Z' }),
  ], new Date())
  const all = await app.inject({ method: 'GET', url: '/api/events', headers: auth })
  assert.deepEqual(all.json().events.map((e: PipelineEvent) => e.messageId), ['c', 'b', 'a'])
  const clicked = await app.inject({ method: 'GET', url: '/api/events?event=Clicked&limit=1', headers: auth })
  assert.deepEqual(clicked.json().events.map((e: PipelineEvent) => e.messageId), ['c'])
  const bad = await app.inject({ method: 'GET', url: '/api/events?limit=0', headers: auth })
  assert.equal(bad.statusCode, 400)
  assert.match(bad.json().message, /limit must be a whole number from 1 to 1000/)
})

test('GET /api/experiments/:id should give every metric for every variant, keeping the first API\'s fields', async (t) => {
  const { app, store } = await dashboard(t)
  const events: PipelineEvent[] = []
  for (const [variant, users, converting] of [['control', 100, 20], ['b', 100, 30]] as const) {
    for (let u = 0; u < users; u++) {
      events.push(event(`${variant}-x-${u}`, { userId: `${variant}${u}`, event: 'Experiment Viewed', properties: { experiment_id: 'exp-1', variation_id: variant } }))
      if (u < converting) events.push(event(`${variant}-c-${u}`, { userId: `${variant}${u}`, event: 'Order Completed', timestamp: '2026-11-25T10:05:00.000Z' }))
    }
  }
  await store.insertEvents(events, new Date())
  const response = await app.inject({ method: 'GET', url: '/api/experiments/exp-1', headers: auth })
  assert.equal(response.statusCode, 200)
  const results = response.json()
  assert.equal(results.control, 'control')
  assert.deepEqual(results.variants.map((v: { variant: string, users: number, conversions: number }) => [v.variant, v.users, v.conversions]), [['b', 100, 30], ['control', 100, 20]])
  const b = results.variants[0]
  assert.ok(Math.abs(b.comparison.lift - 0.5) < 1e-9)
  assert.ok(b.comparison.pValue > 0.05, `p = ${b.comparison.pValue}: a 50% lift on 100 per arm is not significant, and less so sequentially`)
  assert.equal(results.sampleRatio.mismatch, false)
  const [metric] = results.metrics
  assert.deepEqual(Object.keys(metric.variants[0]).sort(), ['absolute', 'chanceToBeatControl', 'cupedApplied', 'direction', 'errorMessage', 'isControl', 'lowSample', 'pValueAdjusted', 'relative', 'risk', 'significant', 'total', 'users', 'value', 'variant'])
  assert.match(results.verdict, /primary metric/)

  const unconfigured = await app.inject({ method: 'GET', url: '/api/experiments/exp-2', headers: auth })
  assert.equal(unconfigured.statusCode, 404)
  assert.match(unconfigured.json().message, /\?conversion=EVENT/)
  const unknown = await app.inject({ method: 'GET', url: '/api/experiments/exp-2?conversion=Order%20Completed', headers: auth })
  assert.equal(unknown.statusCode, 404)
  const listed = await app.inject({ method: 'GET', url: '/api/experiments', headers: auth })
  assert.deepEqual(listed.json().experiments.map((e: { experimentId: string, users: number, conversionEvent: string }) => [e.experimentId, e.users, e.conversionEvent]), [['exp-1', 200, 'Order Completed']])
  // Without variants defined, the power calculator reads the same control the results compare with.
  const power = await app.inject({ method: 'POST', url: '/api/experiments/exp-1/power', headers: auth, payload: {} })
  assert.equal(power.statusCode, 200, power.body)
  assert.deepEqual([power.json().mean, power.json().variations, power.json().personsSoFar], [0.2, 2, 200])
})

test('POST and PUT /api/experiments should define and edit experiments, naming the field of a mistake', async (t) => {
  const { app } = await dashboard(t)
  const body = { id: 'checkout-button', variants: [{ key: 'control', weight: 50 }, { key: 'test', weight: 50 }], metrics: [{ kind: 'conversion', event: 'Order Completed' }] }
  const created = await app.inject({ method: 'POST', url: '/api/experiments', headers: auth, payload: body })
  assert.equal(created.statusCode, 201)
  assert.equal(created.json().rollout, 100)
  assert.equal((await app.inject({ method: 'POST', url: '/api/experiments', headers: auth, payload: body })).statusCode, 409)
  const bad = await app.inject({ method: 'POST', url: '/api/experiments', headers: auth, payload: { ...body, id: 'x', variants: [{ key: 'a', weight: -1 }, { key: 'b', weight: 1 }] } })
  assert.equal(bad.statusCode, 400)
  assert.equal(bad.json().field, '/variants/0/weight')
  const edited = await app.inject({ method: 'PUT', url: '/api/experiments/checkout-button', headers: auth, payload: { ...body, rollout: 10 } })
  assert.equal(edited.json().rollout, 10)
  assert.equal((await app.inject({ method: 'GET', url: '/api/experiments/checkout-button/definition', headers: auth })).json().rollout, 10)
  const results = (await app.inject({ method: 'GET', url: '/api/experiments/checkout-button', headers: auth })).json()
  assert.equal(results.verdict, 'No exposures yet.')
  const power = await app.inject({ method: 'POST', url: '/api/experiments/checkout-button/power', headers: auth, payload: { effect: 0.1, mean: 0.1, variance: 0.09, dailyUsers: 1000 } })
  assert.equal(power.statusCode, 200)
  assert.ok(power.json().personsNeeded > 10_000 && power.json().daysRemaining > 10, JSON.stringify(power.json()))
  const noData = await app.inject({ method: 'POST', url: '/api/experiments/checkout-button/power', headers: auth, payload: {} })
  assert.equal(noData.statusCode, 400)
  assert.equal(noData.json().field, '/mean')
  assert.equal((await app.inject({ method: 'POST', url: '/api/experiments', payload: body })).statusCode, 401)
})

test('GET /api/stats should return the live aggregates', async (t) => {
  const { app, stats } = await dashboard(t)
  stats.recordStored([event('a', { timestamp: new Date().toISOString(), receivedAt: new Date().toISOString() })], new Date())
  const snapshot = (await app.inject({ method: 'GET', url: '/api/stats', headers: auth })).json()
  assert.equal(snapshot.stored, 1)
  assert.equal(snapshot.activeUsers.last1m, 1)
})

test('buildDashboard should refuse a short token', async () => {
  const store = await DuckDbStore.open(':memory:')
  await assert.rejects(buildDashboard({ store, stats: new LiveStats(), token: 'short' }), /at least 16 characters/)
  await store.close()
})

test('the dashboard should refuse every spelling of an API path without the token, over raw HTTP/1.1', async (t) => {
  const store = await DuckDbStore.open(':memory:')
  const app = await buildDashboard({ store, stats: new LiveStats(), token: TOKEN })
  t.after(async () => { await app.close(); await store.close() })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const host = new URL(url).host
  const targets = [
    '/api/events', '/api/stats', '/api/failed', '/api/cluster', '/api/experiments', '/api/experiments/x?conversion=A',
    '/%61pi/events', '/ap%69/cluster', '/api/%65vents', '/%61%70%69/stats', '/api/stats/', '/api//stats', '/api/stats?',
    `http://${host}/api/stats`, `http://evil.example/api/events`, 'HTTP://127.0.0.1/api/failed', '/api/./stats', '/x/../api/stats',
    '/api/persons?q=', '/api/persons/u1', '/%61pi/persons/u1', '/api/query/schema', '/api/query/events', '/api/live', '/ap%69/live',
  ]
  for (const method of ['GET', 'HEAD', 'DELETE']) {
    for (const target of targets) {
      const response = await rawRequest(url, `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
      assert.ok(response.status === 401 || response.status === 404 || response.status === 400, `${method} ${target} answered ${response.status}: ${response.body.slice(0, 120)}`)
      assert.doesNotMatch(response.body, /"(events|minutes|failed|health|experiments|persons|distinctIds|anyOf)"\s*:/, `${method} ${target} leaked data`)
    }
  }
  for (const target of ['/api/query', '/%61pi/query', '/api/query/']) {
    const body = '{"kind":"sessions"}'
    const response = await rawRequest(url, `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`)
    assert.ok(response.status === 401 || response.status === 404, `POST ${target} answered ${response.status}`)
    assert.doesNotMatch(response.body, /"points"/)
  }
  // The same spellings with the token reach the data, so the refusals above are the token's doing.
  const authorised = await rawRequest(url, `GET /%61pi/stats HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${TOKEN}\r\nConnection: close\r\n\r\n`)
  assert.equal(authorised.status, 200)
  assert.match(authorised.body, /"minutes"/)
  const page = await rawRequest(url, `GET / HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`)
  assert.equal(page.status, 200, 'the page itself needs no token')
})

test('the dashboard should close a connection whose request trickles in past the request timeout', async (t) => {
  const store = await DuckDbStore.open(':memory:')
  const app = await buildDashboard({ store, stats: new LiveStats(), token: TOKEN, limits: { headersTimeoutMs: 1_000, requestTimeoutMs: 2_000 } })
  t.after(async () => { await app.close(); await store.close() })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  const slowHeaders = await trickle(url, '', `GET /api/stats HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`, 500, 10_000)
  assert.ok(slowHeaders.closedByServer && slowHeaders.openMs < 5_000, `headers one byte per 500 ms: closed after ${slowHeaders.openMs} ms (${slowHeaders.closedByServer ? 'by the server' : 'never'})`)
})
