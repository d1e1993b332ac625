// The webhook destination against a real local HTTP server that fails on purpose: Retry-After as
// seconds and as a date, 5xx and a receiver that never answers retried, a 4xx refused at once,
// maxRetryMs giving up, and every request signed so the receiver can check it.
import assert from 'node:assert/strict'
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { test } from 'node:test'
import { PipelineErrorCodes, type PipelineEvent } from '../../src/index.ts'
import { batchId, isTransientStatus, retryAfterMs, webhookDestination, webhookSignature } from '../../src/destinations/webhook.ts'

const SECRET = 'whsec_0123456789abcdef'

function event (n: number): PipelineEvent {
  return {
    messageId: `m-${n}`, writeKey: 'wk', type: 'track', event: 'Signed Up', userId: `u-${n}`, anonymousId: null,
    timestamp: '2026-12-03T10:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: '2026-12-03T10:00:00.100Z',
    properties: { n }, traits: {}, context: {}, source: 'segment', ip: null,
  }
}

/** What a receiver does: recompute the HMAC over "t.body" and compare in constant time. */
function verified (header: string | undefined, body: string): boolean {
  const parts = Object.fromEntries((header ?? '').split(',').map(p => p.split('=') as [string, string]))
  if (!parts.t || !parts.v1) return false
  const expected = createHmac('sha256', SECRET).update(`${parts.t}.${body}`).digest()
  const given = Buffer.from(parts.v1, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

interface Received { at: number, body: string, headers: IncomingMessage['headers'] }

/** A receiver whose answers are scripted, one per request; past the script it answers 200. */
async function receiver (t: { after (fn: () => unknown): void }, script: Array<(res: ServerResponse) => void>) {
  const received: Received[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', chunk => { body += chunk })
    req.on('end', () => {
      received.push({ at: Date.now(), body, headers: req.headers })
      const answer = script.shift()
      if (answer) answer(res)
      else res.writeHead(200).end('ok')
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise(resolve => { server.closeAllConnections(); server.close(resolve) }))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, received }
}

test('retryAfterMs should read delay-seconds and HTTP dates, cap long waits and ignore what it cannot read', () => {
  const now = Date.parse('2026-12-03T10:00:00Z')
  assert.equal(retryAfterMs('3', now), 3000)
  assert.equal(retryAfterMs(' 0 ', now), 0)
  assert.equal(retryAfterMs('Thu, 03 Dec 2026 10:00:07 GMT', now), 7000)
  assert.equal(retryAfterMs('Thu, 03 Dec 2026 09:00:00 GMT', now), 0, 'a date in the past: now')
  assert.equal(retryAfterMs('86400', now), 600_000, 'a day is capped at ten minutes, then asked again')
  for (const bad of [null, undefined, '', 'soon', '-5', '1.5']) assert.equal(retryAfterMs(bad, now), undefined, String(bad))
})

test('isTransientStatus should retry the receiver\'s trouble (5xx, 408, 429) and not the request\'s (other 4xx)', () => {
  assert.deepEqual([500, 502, 503, 504, 408, 429].map(isTransientStatus), [true, true, true, true, true, true])
  assert.deepEqual([400, 401, 403, 404, 410, 413, 422].map(isTransientStatus), [false, false, false, false, false, false, false])
})

test('webhookSignature should verify for the body it signed and for no other; batchId should depend only on the events', () => {
  const body = '{"batch":[]}'
  assert.match(webhookSignature(SECRET, 1_780_000_000, body), /^t=1780000000,v1=[0-9a-f]{64}$/)
  assert.equal(verified(webhookSignature(SECRET, 1_780_000_000, body), body), true)
  assert.equal(verified(webhookSignature(SECRET, 1_780_000_000, body), '{"batch":[1]}'), false)
  assert.equal(verified(webhookSignature('another-secret-0000', 1_780_000_000, body), body), false)
  assert.equal(batchId([event(1), event(2)]), batchId([event(1), event(2)]))
  assert.notEqual(batchId([event(1), event(2)]), batchId([event(2), event(1)]))
})

test('a webhook should wait as Retry-After says on 503 and 429, retry a 500, and deliver the batch signed, once accepted', async (t) => {
  const server = await receiver(t, [
    res => res.writeHead(503, { 'retry-after': '1' }).end('maintenance'),
    res => res.writeHead(429, { 'retry-after': new Date(Date.now() + 2500).toUTCString() }).end(),
    res => res.writeHead(500).end('boom'),
  ])
  const webhook = webhookDestination({ name: 'crm', type: 'webhook', url: server.url, secret: SECRET, headers: { 'x-team': 'growth' } })
  const events = [event(1), event(2), event(3)]
  await webhook.deliver(events, new AbortController().signal)
  assert.equal(server.received.length, 4)
  const [first, second, third, last] = server.received as [Received, Received, Received, Received]
  assert.ok(second.at - first.at >= 950, `Retry-After: 1 was waited (${second.at - first.at} ms)`)
  assert.ok(third.at - second.at >= 900, `the Retry-After date was waited (${third.at - second.at} ms)`)
  const body = JSON.parse(last.body) as { batch: PipelineEvent[], sentAt: string }
  assert.deepEqual(body.batch.map(e => e.messageId), ['m-1', 'm-2', 'm-3'])
  assert.equal(last.headers['content-type'], 'application/json')
  assert.equal(last.headers['x-team'], 'growth')
  assert.equal(last.headers['x-tackle-destination'], 'crm')
  assert.equal(last.headers['x-tackle-batch-id'], batchId(events))
  assert.equal(new Set(server.received.map(r => r.headers['x-tackle-batch-id'])).size, 1, 'the same batch id on every try')
  assert.ok(server.received.every(r => verified(r.headers['x-tackle-signature'] as string, r.body)), 'every request carries a valid signature')
})

test('a webhook should give up on a receiver that does not answer in time, and on 5xx, only when maxRetryMs is set', async (t) => {
  const hanging = await receiver(t, [() => undefined, () => undefined])
  const slow = webhookDestination({ name: 'slow', type: 'webhook', url: hanging.url, timeoutMs: 300 })
  await slow.deliver([event(1)], new AbortController().signal)
  assert.equal(hanging.received.length, 3, 'two timeouts, then the answer')

  const down = await receiver(t, Array.from({ length: 50 }, () => (res: ServerResponse) => res.writeHead(502).end()))
  const bounded = webhookDestination({ name: 'bounded', type: 'webhook', url: down.url, maxRetryMs: 1_500 })
  await assert.rejects(bounded.deliver([event(1)], new AbortController().signal), (error: { code?: string, message: string }) => {
    assert.equal(error.code, PipelineErrorCodes.DESTINATION_FAILED)
    assert.match(error.message, /webhook bounded answered 502; gave up after \d+ tries/)
    return true
  })
  assert.ok(down.received.length >= 2, `it tried again before giving up (${down.received.length} tries)`)
})

test('a webhook should refuse at once on a 4xx, quoting the receiver, and stop waiting when aborted', async (t) => {
  const strict = await receiver(t, [res => res.writeHead(422, { 'content-type': 'text/plain' }).end('event m-2: "plan" is required')])
  const webhook = webhookDestination({ name: 'strict', type: 'webhook', url: strict.url })
  await assert.rejects(webhook.deliver([event(1), event(2)], new AbortController().signal), (error: { code?: string, message: string }) => {
    assert.equal(error.code, PipelineErrorCodes.DESTINATION_REJECTED)
    assert.equal(error.message, 'webhook strict answered 422 to 2 events: event m-2: "plan" is required')
    return true
  })
  assert.equal(strict.received.length, 1, 'not retried')

  const unreachable = webhookDestination({ name: 'gone', type: 'webhook', url: 'http://127.0.0.1:9/hook' })
  const abort = new AbortController()
  setTimeout(() => abort.abort(), 800)
  const started = Date.now()
  await assert.rejects(unreachable.deliver([event(1)], abort.signal))
  assert.ok(Date.now() - started < 5_000, 'closing the consumer ends the wait')
})

test('a webhook should send a URL\'s credentials as Basic auth, and refuse a redirect, naming where it points', async (t) => {
  const server = await receiver(t, [res => res.writeHead(308, { location: 'https://new.example/hook' }).end()])
  const withCredentials = server.url.replace('http://', 'http://crm%40acme:s3cr%3At@')
  const webhook = webhookDestination({ name: 'moved', type: 'webhook', url: withCredentials })
  await assert.rejects(webhook.deliver([event(1)], new AbortController().signal), (error: { code?: string, message: string }) => {
    assert.equal(error.code, PipelineErrorCodes.DESTINATION_REJECTED)
    assert.equal(error.message, 'webhook moved answered 308 to 1 events: redirects are not followed; set url to the address it names (https://new.example/hook)')
    return true
  })
  assert.equal(server.received.length, 1, 'not followed, not retried')
  assert.equal(server.received[0]?.headers.authorization, `Basic ${Buffer.from('crm@acme:s3cr:t').toString('base64')}`)
  await webhook.deliver([event(2)], new AbortController().signal)
  assert.equal(server.received.length, 2)
})
