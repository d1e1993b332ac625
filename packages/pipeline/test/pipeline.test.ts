// The pipeline end to end on the real test cluster: unmodified SDKs through the collector,
// Kafka and the processors into the store, exactly once; bad input; dedupe; late events;
// tracking plans and replay. Each runs on DuckDB and on PostgreSQL.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { test } from 'node:test'
import { Analytics } from '@segment/analytics-node'
import { PostHog } from 'posthog-node'
import { replayFailedEvents } from '../src/replay-failed-events.ts'
import { testBrokers } from '@tackle/client/testkit'
import { basicAuth, createPipeline, createTestDatabase, storedEvents, TEST_STORES, WRITE_KEY } from '../src/testkit/index.ts'
import { flakyProxy } from './fixtures/flaky-proxy.ts'

/** A PostgreSQL server of the test's own for `postgres`; DuckDB needs nothing (createPipeline makes its file). */
async function storeFor (engine: 'duckdb' | 'postgres', t: { after (fn: () => unknown): void }): Promise<{ databaseUrl?: string }> {
  return engine === 'postgres' ? { databaseUrl: (await createTestDatabase(t)).url } : {}
}

for (const { engine, skip } of TEST_STORES) test(`the pipeline should store events from unmodified analytics-node and posthog-node exactly once, also when the SDK retries (${engine})`, { skip }, async (t) => {
  const pipeline = await createPipeline(t, await storeFor(engine, t))
  const segmentProxy = await flakyProxy(t, pipeline.collector.url)
  const segmentEvent = `Segment ${randomUUID()}`
  const analytics = new Analytics({ writeKey: WRITE_KEY, host: segmentProxy.url, flushAt: 5, maxRetries: 5 })
  for (let i = 0; i < 5; i++) analytics.track({ userId: `user-${i}`, event: segmentEvent, properties: { i } })
  let began = Date.now()
  await analytics.closeAndFlush({ timeout: 60_000 })
  t.diagnostic(`analytics-node flushed in ${Date.now() - began} ms`)

  const posthogProxy = await flakyProxy(t, pipeline.collector.url)
  const posthogEvent = `PostHog ${randomUUID()}`
  const posthog = new PostHog(WRITE_KEY, { host: posthogProxy.url, flushAt: 5, fetchRetryDelay: 200 })
  for (let i = 0; i < 5; i++) posthog.capture({ distinctId: `ph-${i}`, event: posthogEvent, properties: { i } })
  began = Date.now()
  await posthog.shutdown(60_000)
  t.diagnostic(`posthog-node flushed in ${Date.now() - began} ms`)

  assert.ok(segmentProxy.requests() >= 2, `analytics-node retried: ${segmentProxy.requests()} requests`)
  assert.ok(posthogProxy.requests() >= 2, `posthog-node retried: ${posthogProxy.requests()} requests`)
  const fromSegment = await storedEvents(pipeline.store, segmentEvent, 5)
  const fromPosthog = await storedEvents(pipeline.store, posthogEvent, 5)
  // The retried batch reached Kafka twice; give a duplicate time to land before counting.
  await pipeline.collector.app.inject({ method: 'GET', url: '/health' })
  await new Promise(resolve => setTimeout(resolve, 2000))
  assert.equal((await pipeline.store.recentEvents({ event: segmentEvent, limit: 100 })).length, 5)
  assert.equal((await pipeline.store.recentEvents({ event: posthogEvent, limit: 100 })).length, 5)
  assert.deepEqual(fromSegment.map(e => e.userId).sort(), ['user-0', 'user-1', 'user-2', 'user-3', 'user-4'])
  assert.deepEqual(fromSegment.map(e => e.properties.i).sort(), [0, 1, 2, 3, 4])
  assert.ok(fromSegment.every(e => e.source === 'segment' && e.context.library !== undefined))
  assert.deepEqual(fromPosthog.map(e => e.userId).sort(), ['ph-0', 'ph-1', 'ph-2', 'ph-3', 'ph-4'])
  assert.ok(fromPosthog.every(e => e.source === 'posthog' && typeof e.properties.$lib === 'string'))
})

for (const { engine, skip } of TEST_STORES) test(`the collector should answer each bad input with its status, never crash, and store the valid events beside it (${engine})`, { skip }, async (t) => {
  const pipeline = await createPipeline(t, await storeFor(engine, t))
  const url = pipeline.collector.url
  const tag = randomUUID()
  const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(`${url}${path}`, { method: 'POST', body, headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json', ...headers } })
  const json = (value: unknown) => JSON.stringify(value)
  const valid = (n: number) => ({ type: 'track', userId: `u${n}`, event: `Valid ${tag}`, messageId: `${tag}-${n}` })
  const deep = JSON.parse('{"a":'.repeat(100) + '1' + '}'.repeat(100)) as unknown

  const cases: Array<[string, Promise<Response>, number, RegExp?]> = [
    ['malformed JSON', post('/v1/track', '{"userId": "u1", "event": '), 400, /not valid JSON/],
    ['wrong type', post('/v1/track', json({ userId: 'u1', event: 7 })), 400, /event must be a string/],
    ['missing ids', post('/v1/track', json({ event: 'A' })), 400, /userId or anonymousId is required/],
    ['huge string', post('/v1/track', json({ userId: 'u1', event: 'A', properties: { s: 'x'.repeat(40_000) } })), 413, /allowed per event/],
    ['oversize body', post('/v1/batch', json({ batch: Array.from({ length: 100 }, () => ({ type: 'track', userId: 'u', event: 'A', properties: { s: 'x'.repeat(6000) } })) })), 413, /allowed per request/],
    ['deep nesting alone', post('/v1/track', json({ userId: 'u1', event: 'A', properties: deep })), 400, /nested deeper/],
    ['bad gzip', post('/v1/batch', Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3, 4])), 400, /not valid gzip/],
    ['batch not an array', post('/v1/batch', json({ batch: { type: 'track' } })), 400, /"batch" must be an array/],
    ['unknown key', post('/v1/track', json({ userId: 'u1', event: 'A' }), { authorization: basicAuth('nope') }), 401, /unknown write key/],
    ['no key', fetch(`${url}/v1/track`, { method: 'POST', body: json({ userId: 'u1', event: 'A' }) }), 401, /no write key/],
    ['posthog unknown key', post('/batch/', json({ api_key: 'nope', batch: [{ event: 'A', distinct_id: 'd' }] })), 401, /unknown write key/],
    ['posthog bad gzip', post('/i/v0/e/', Buffer.from([0x1f, 0x8b, 0, 0])), 400, /not valid gzip/],
    ['unknown path', post('/v2/track', '{}'), 404, /no such endpoint/],
    ['empty body', post('/v1/track', ''), 400, /no body/],
  ]
  for (const [name, response, status, message] of cases) {
    const res = await response
    const body = await res.json() as { message?: string, code?: string }
    assert.equal(res.status, status, `${name}: ${JSON.stringify(body)}`)
    if (message) assert.match(body.message ?? '', message, name)
  }

  // Partly bad batches: the valid items are stored, the others become failed events with a reason.
  const mixed = await post('/v1/batch', json({ batch: [valid(1), { type: 'track', event: 'no id' }, valid(2), { type: 'track', userId: 'u', event: 'deep', properties: deep }, 'not an object', valid(3)] }))
  const mixedBody = await mixed.json() as { accepted: number, rejected: number, errors: Array<{ index: number, reason: string }> }
  assert.equal(mixed.status, 200)
  assert.deepEqual([mixedBody.accepted, mixedBody.rejected], [3, 3])
  assert.deepEqual(mixedBody.errors.map(e => e.index), [1, 3, 4])

  // Analytics.js's way: text/plain, writeKey in the body. PostHog's: gzip, api_key in the body.
  const plain = await fetch(`${url}/v1/t`, { method: 'POST', body: json({ ...valid(4), writeKey: WRITE_KEY }), headers: { 'content-type': 'text/plain' } })
  assert.equal(plain.status, 200)
  const gz = await fetch(`${url}/capture`, { method: 'POST', body: gzipSync(json({ api_key: WRITE_KEY, event: `Valid ${tag}`, distinct_id: 'u5', uuid: `${tag}-5` })), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' } })
  assert.equal(gz.status, 200)
  // posthog-js as the page closes: sendBeacon, a form body of base64 (compression=base64).
  const beacon = Buffer.from(json([{ event: `Valid ${tag}`, properties: { distinct_id: 'u6', token: WRITE_KEY }, uuid: `${tag}-6` }])).toString('base64')
  const form = await fetch(`${url}/e/?compression=base64&beacon=1`, { method: 'POST', body: `data=${encodeURIComponent(beacon)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
  assert.equal(form.status, 200, await form.clone().text())
  const preflight = await fetch(`${url}/v1/batch`, { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
  assert.equal(preflight.status, 204)
  assert.equal(preflight.headers.get('access-control-allow-origin'), 'https://shop.example')

  const stored = await storedEvents(pipeline.store, `Valid ${tag}`, 6)
  assert.deepEqual(stored.map(e => e.messageId).sort(), [1, 2, 3, 4, 5, 6].map(n => `${tag}-${n}`))
  const health = await fetch(`${url}/health`)
  assert.equal(health.status, 200, 'the collector is still up')
  const deadline = Date.now() + 30_000
  let reasons: string[] = []
  while (Date.now() < deadline) {
    reasons = (await pipeline.store.recentFailures(100)).map(f => f.reason)
    if (reasons.includes('userId or anonymousId is required') && reasons.some(r => /nested deeper/.test(r)) && reasons.some(r => /must be an object, got string/.test(r))) break
    await new Promise(resolve => setTimeout(resolve, 250))
  }
  assert.ok(reasons.includes('userId or anonymousId is required'), `failed events recorded: ${reasons.join(' | ')}`)
  assert.ok(reasons.some(r => /nested deeper than 32 levels/.test(r)))
  assert.ok(reasons.some(r => /must be an object, got string/.test(r)))
})

for (const { engine, skip } of TEST_STORES) test(`the pipeline should store a batch sent twice once, and correct the aggregates for an hour-late event (${engine})`, { skip }, async (t) => {
  const pipeline = await createPipeline(t, await storeFor(engine, t))
  const tag = randomUUID()
  const batch = JSON.stringify({ batch: Array.from({ length: 20 }, (_, i) => ({ type: 'track', userId: `u${i}`, event: `Twice ${tag}`, messageId: `${tag}-${i}` })) })
  for (let round = 0; round < 2; round++) {
    const res = await fetch(`${pipeline.collector.url}/v1/batch`, { method: 'POST', body: batch, headers: { authorization: basicAuth(WRITE_KEY) } })
    assert.equal(res.status, 200)
  }
  const hourAgo = new Date(Date.now() - 3_600_000)
  const late = await fetch(`${pipeline.collector.url}/v1/track`, {
    method: 'POST',
    body: JSON.stringify({ userId: 'offline-user', event: `Late ${tag}`, messageId: `${tag}-late`, timestamp: hourAgo.toISOString(), sentAt: new Date().toISOString() }),
    headers: { authorization: basicAuth(WRITE_KEY) },
  })
  assert.equal(late.status, 200)
  assert.equal((await storedEvents(pipeline.store, `Late ${tag}`, 1)).length, 1)
  await storedEvents(pipeline.store, `Twice ${tag}`, 20)
  await new Promise(resolve => setTimeout(resolve, 1500))
  assert.equal((await pipeline.store.recentEvents({ event: `Twice ${tag}`, limit: 100 })).length, 20)

  const [stored] = await pipeline.store.recentEvents({ event: `Late ${tag}`, limit: 1 })
  // sentAt was "now" on the same clock: the skew correction moves it by the request's transit time only.
  const shift = Date.parse(stored?.timestamp ?? '') - hourAgo.getTime()
  assert.ok(shift >= 0 && shift < 1000, `timestamp kept within the transit time: moved ${shift} ms`)
  const snapshot = pipeline.stats.snapshot()
  const minute = new Date(Math.floor(hourAgo.getTime() / 60_000) * 60_000).toISOString()
  assert.equal(snapshot.minutes.find(m => m.minute === minute)?.byEvent[`Late ${tag}`], 1, 'counted in the minute it happened')
  assert.equal(snapshot.late, 1)
  assert.equal(snapshot.stored, 21, 'the repeated batch is not counted twice')
  assert.ok(snapshot.latencyMs.p99 !== null && snapshot.latencyMs.p99 >= 0)
})

for (const { engine, skip } of TEST_STORES) test(`the processor should store each event with its location, browser and bot flag, found before the IP is anonymised (${engine})`, { skip }, async (t) => {
  const pipeline = await createPipeline(t, await storeFor(engine, t))
  const tag = randomUUID()
  const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
  const batch = [
    { type: 'track', userId: 'ann', event: `Enriched ${tag}`, messageId: `${tag}-person`, context: { ip: '81.2.69.142', userAgent: iphone } },
    { type: 'track', userId: 'crawler', event: `Enriched ${tag}`, messageId: `${tag}-bot`, context: { ip: '8.8.8.8', userAgent: 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)' } },
  ]
  const res = await fetch(`${pipeline.collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch }), headers: { authorization: basicAuth(WRITE_KEY) } })
  assert.equal(res.status, 200)
  const stored = new Map((await storedEvents(pipeline.store, `Enriched ${tag}`, 2)).map(e => [e.userId, e]))
  const ann = stored.get('ann')
  assert.deepEqual([ann?.properties.$geoip_country_code, ann?.properties.$geoip_city_name, ann?.properties.$browser, ann?.properties.$os, ann?.properties.$device_type, ann?.properties.$is_bot], ['GB', 'London', 'Safari', 'iOS', 'Mobile', false])
  assert.equal(ann?.ip, '81.2.69.0', 'stored anonymised, located from the whole address')
  assert.equal(stored.get('crawler')?.properties.$is_bot, true, 'a bot is flagged and kept')
  assert.equal(stored.get('crawler')?.properties.$geoip_country_code, 'US')
})

for (const { engine, skip } of TEST_STORES) test(`a tracking plan in enforce mode should send violations to failed events, and replay should store them once after the plan is fixed (${engine})`, { skip }, async (t) => {
  const order = { type: 'object', required: ['total'], properties: { total: { type: 'number' } } }
  const dir = mkdtempSync(join(tmpdir(), 'tackle-replay-'))
  const duckdbPath = join(dir, 'events.duckdb')
  // The second pipeline reopens the same store: the same DuckDB file, or the same PostgreSQL server.
  const store = { duckdbPath, ...await storeFor(engine, t) }
  const first = await createPipeline(t, { ...store, trackingPlans: { [WRITE_KEY]: { mode: 'enforce', events: { 'Order Completed': order } } } })
  const tag = randomUUID()
  const batch = [
    { type: 'track', userId: 'u1', event: 'Order Completed', messageId: `${tag}-ok`, properties: { total: 30, tag } },
    { type: 'track', userId: 'u2', event: 'Order Completed', messageId: `${tag}-bad`, properties: { total: 'thirty', tag } },
  ]
  const res = await fetch(`${first.collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch }), headers: { authorization: basicAuth(WRITE_KEY) } })
  assert.equal(res.status, 200, 'the collector does not know the plan: both are accepted')
  let failures = await first.store.recentFailures(10)
  for (const deadline = Date.now() + 30_000; failures.length === 0 && Date.now() < deadline;) {
    await new Promise(resolve => setTimeout(resolve, 250))
    failures = await first.store.recentFailures(10)
  }
  assert.deepEqual(failures.map(f => [f.step, f.messageId]), [['validate', `${tag}-bad`]])
  assert.match(failures[0]?.reason ?? '', /properties.total must be number/)
  assert.deepEqual((await storedEvents(first.store, 'Order Completed', 1)).map(e => e.messageId), [`${tag}-ok`])

  // The plan is fixed (here: dropped) and the pipeline restarted on the same topics and store.
  const topicPrefix = first.topics.events.name.replace(/\.events$/, '')
  await first.close()
  const second = await createPipeline(t, { ...store, topicPrefix, groupPrefix: topicPrefix })
  t.after(() => rmSync(dir, { recursive: true, force: true })) // after both pipelines closed (hooks run in order)
  for (let run = 0; run < 2; run++) {
    const result = await replayFailedEvents({ bootstrapBrokers: await testBrokers(), topics: second.topics, fromBeginning: true })
    assert.deepEqual([result.replayed, result.skipped], [1, 0], `replay ${run + 1}`)
  }
  const stored = await storedEvents(second.store, 'Order Completed', 2)
  await new Promise(resolve => setTimeout(resolve, 1500))
  assert.deepEqual((await second.store.recentEvents({ event: 'Order Completed', limit: 10 })).map(e => e.messageId).sort(), [`${tag}-bad`, `${tag}-ok`])
  assert.equal(stored.length, 2)
})
