// The bad-input corpus, against the real collector, Kafka, processors and store: every class of
// input that once stalled a partition, answered 5xx or stuck in the live view. Each case is
// answered with its status and a reason, its valid neighbours are stored, and a valid event sent
// after all of them on the same key (so the same partition) is stored too: nothing stalls.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { basicAuth, createPipeline, createTestDatabase, storedEvents, TEST_STORES, trickle, WRITE_KEY } from '../src/testkit/index.ts'

const USER = 'corpus-user'

for (const { engine, skip } of TEST_STORES) test(`the collector should answer each class of bad input as a client error, store the valid events beside it, and leave no partition stalled (${engine})`, { skip }, async (t) => {
  const databaseUrl = engine === 'postgres' ? (await createTestDatabase(t)).url : undefined
  const pipeline = await createPipeline(t, { databaseUrl, httpLimits: { headersTimeoutMs: 2_000, requestTimeoutMs: 3_000 } })
  const url = pipeline.collector.url
  const tag = randomUUID()
  const valid = (n: number) => ({ type: 'track', userId: USER, event: `Valid ${tag}`, messageId: `${tag}-${n}` })
  const post = async (path: string, body: string) => {
    const res = await fetch(`${url}${path}`, { method: 'POST', body, headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' } })
    return { status: res.status, body: await res.json() as { message?: string, accepted?: number, rejected?: number, errors?: Array<{ index: number, reason: string }> } }
  }
  const bad = (over: Record<string, unknown>) => ({ type: 'track', userId: USER, event: `Bad ${tag}`, ...over })
  // As text: JSON.stringify itself overflows the stack on 20,000 levels.
  const withDeepContext = (item: unknown, depth: number) => `{"batch":[${JSON.stringify(item)}],"context":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`

  // Each bad item travels in a batch between two valid ones: a 200 naming index 1 as rejected.
  const items: Array<[string, Record<string, unknown>, RegExp]> = [
    ['year 10000', bad({ timestamp: '+010000-01-01T00:00:00.000Z' }), /timestamp is not an ISO 8601 date/],
    ['five-digit year', bad({ timestamp: '10000-01-01T00:00:00Z' }), /not an ISO 8601 date/],
    ['Feb 30', bad({ timestamp: '2026-02-30T12:00:00Z' }), /day 30, but that month has 28 days/],
    ['year 0000', bad({ timestamp: '0000-06-01T00:00:00Z' }), /year 0000/],
    ['JS date limit', bad({ timestamp: 8.64e15 }), /outside the years 0001 to 9999/],
    ['JS date limit string', bad({ timestamp: '+275760-09-13T00:00:00.000Z' }), /not an ISO 8601 date/],
    ['sentAt at the limit', bad({ sentAt: -8.64e15, timestamp: '2026-11-25T00:00:00Z' }), /sentAt is .* outside the years/],
    ['lone surrogate', bad({ properties: { name: 'a\uD800b' } }), /properties.name holds a lone UTF-16 surrogate/],
    ['lone surrogate key', bad({ traits: { ['k\uDFFF']: 1 } }), /a key in traits holds a lone UTF-16 surrogate/],
    ['NUL', bad({ properties: { s: 'x\u0000y' } }), /NUL character/],
    ['previousId trap', bad({ previousId: { toString: 0, valueOf: 0 } }), /previousId must be a string, got object/],
    ['groupId trap', bad({ type: 'group', groupId: { toString: 0 }, event: undefined }), /groupId must be a string/],
    ['context not an object', bad({ context: 'nope' }), /context must be an object/],
  ]
  for (const [name, item, reason] of items) {
    const res = await post('/v1/batch', JSON.stringify({ batch: [valid(0), item, valid(1)] }))
    assert.equal(res.status, 200, `${name}: ${JSON.stringify(res.body)}`)
    assert.deepEqual([res.body.accepted, res.body.rejected, res.body.errors?.[0]?.index], [2, 1, 1], name)
    assert.match(res.body.errors?.[0]?.reason ?? '', reason, name)
  }
  // A number JSON reads as Infinity, written as JSON text since JS cannot.
  const infinite = await post('/v1/batch', `{"batch":[${JSON.stringify(valid(0))},{"type":"track","userId":"${USER}","event":"Bad","properties":{"n":1e400}},${JSON.stringify(valid(1))}]}`)
  assert.deepEqual([infinite.status, infinite.body.rejected], [200, 1])
  assert.match(infinite.body.errors?.[0]?.reason ?? '', /properties.n is a number too large to store/)

  // Whole requests: one item alone, batch-level context, many junk items.
  const requests: Array<[string, string, string, number, RegExp]> = [
    ['single bad date', '/v1/track', JSON.stringify(bad({ timestamp: '2026-13-01' })), 400, /month 13/],
    ['100 KB batch context', '/v1/batch', JSON.stringify({ batch: [valid(2)], context: { pad: 'x'.repeat(100_000) } }), 413, /allowed per event/],
    ['1,000-deep batch context', '/v1/batch', withDeepContext(valid(3), 1_000), 400, /nested deeper than 32/],
    ['20,000-deep batch context', '/v1/batch', withDeepContext(valid(4), 20_000), 400, /nested deeper than 32/],
    ['posthog lone surrogate', '/batch', JSON.stringify({ api_key: WRITE_KEY, batch: [{ event: 'x\uD800', distinct_id: USER }] }), 400, /lone UTF-16 surrogate/],
    ['posthog year 10000', '/capture', JSON.stringify({ api_key: WRITE_KEY, event: 'E', distinct_id: USER, timestamp: '+010000-01-01T00:00:00Z' }), 400, /not an ISO 8601 date/],
  ]
  for (const [name, path, body, status, reason] of requests) {
    const res = await post(path, body)
    assert.equal(res.status, status, `${name}: ${JSON.stringify(res.body).slice(0, 300)}`)
    assert.match(res.body.message ?? '', reason, name)
  }

  // 10,000 junk items in 20 KB: one answer, and at most 100 failure records plus one that counts the rest.
  const junk = await post('/v1/batch', JSON.stringify({ batch: Array.from({ length: 10_000 }, () => 0) }))
  assert.equal(junk.status, 400)
  assert.match(junk.body.message ?? '', /and 9999 more/)

  // A clock far ahead: accepted, stored at receipt time, flagged, and not the newest of the live view for ever.
  const future = await post('/v1/track', JSON.stringify({ ...valid(5), timestamp: '2999-01-01T00:00:00.000Z' }))
  assert.equal(future.status, 200)

  // A slow client is cut off, then the partition still moves: the last valid event arrives.
  const slow = await trickle(url, `POST /v1/track HTTP/1.1\r\nHost: x\r\nAuthorization: ${basicAuth(WRITE_KEY)}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n`, 'x'.repeat(200), 1_000, 20_000)
  assert.ok(slow.closedByServer && slow.openMs < 8_000, `a body at one byte a second was cut off after ${slow.openMs} ms`)
  const last = await post('/v1/track', JSON.stringify(valid(99)))
  assert.equal(last.status, 200)

  const stored = await storedEvents(pipeline.store, `Valid ${tag}`, 4)
  assert.deepEqual(stored.map(e => e.messageId).sort(), [`${tag}-0`, `${tag}-1`, `${tag}-5`, `${tag}-99`], 'the valid neighbours, the future-dated one and the last one')
  const dated = stored.find(e => e.messageId === `${tag}-5`)
  assert.equal(dated?.timestamp, dated?.receivedAt, 'the 2999 timestamp was replaced by receivedAt')
  assert.equal(dated?.originalTimestamp, '2999-01-01T00:00:00.000Z')
  assert.equal((await pipeline.store.recentEvents({ limit: 1 }))[0]?.messageId, `${tag}-99`, 'the live stream is newest by receipt')
  assert.ok(pipeline.stats.snapshot().minutes.every(m => Date.parse(m.minute) < Date.now() + 600_000), 'no far-future minute in the live stats')

  const deadline = Date.now() + 30_000
  let failures = await pipeline.store.recentFailures(1000)
  while (failures.filter(f => f.reason === 'more items of this request were rejected').length === 0 && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 250))
    failures = await pipeline.store.recentFailures(1000)
  }
  const summary = failures.find(f => f.reason === 'more items of this request were rejected')
  assert.deepEqual(summary?.payload, { omitted: 9_900 })
  assert.ok(failures.length < 300, `failure records are capped per request: ${failures.length} in all`)
  assert.ok(failures.some(f => /lone UTF-16 surrogate/.test(f.reason)), 'rejected items are recorded with their reason')
})
