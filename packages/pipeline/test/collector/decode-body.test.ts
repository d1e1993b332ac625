import assert from 'node:assert/strict'
import { gzipSync } from 'node:zlib'
import { test } from 'node:test'
import { decodeBody } from '../../src/collector/decode-body.ts'

const code = (fn: () => unknown) => {
  try {
    fn()
  } catch (error) {
    return [(error as { code: string }).code, (error as Error).message] as const
  }
  assert.fail('expected an error')
}

test('decodeBody should parse JSON whatever it arrived as, and gzip by its magic bytes', () => {
  assert.deepEqual(decodeBody(Buffer.from('{"a":1}'), 1024), { a: 1 })
  assert.deepEqual(decodeBody(gzipSync('{"b":2}'), 1024), { b: 2 })
})

test('decodeBody should read posthog-js\'s form bodies: data= as base64 of UTF-8 JSON (sendBeacon on page hide), or JSON itself', () => {
  const events = [{ event: '$pageleave', properties: { distinct_id: 'd1', title: 'Zürich – 日本 >>>?' } }]
  const base64 = Buffer.from(JSON.stringify(events), 'utf8').toString('base64')
  // As posthog-js's encodeToDataString writes it: data= and the base64, URI-encoded.
  assert.deepEqual(decodeBody(Buffer.from('data=' + encodeURIComponent(base64)), 4096), events)
  // A client that left '+' unescaped: URLSearchParams would read it as a space.
  assert.ok(base64.includes('+'), 'the payload\'s base64 holds a +')
  assert.deepEqual(decodeBody(Buffer.from('data=' + base64), 4096), events)
  assert.deepEqual(decodeBody(Buffer.from('data=' + encodeURIComponent(JSON.stringify(events))), 4096), events)
  assert.deepEqual(decodeBody(gzipSync('data=' + encodeURIComponent(base64)), 4096), events, 'gzip around a form body')
  assert.match(code(() => decodeBody(Buffer.from('data=%%%not-base64%%%'), 4096))[1], /neither JSON nor base64/)
})

test('decodeBody should refuse empty, malformed, bad gzip and oversized bodies with a reason', () => {
  assert.equal(code(() => decodeBody(Buffer.alloc(0), 1024))[0], 'TACKLE_PIPELINE_BAD_REQUEST')
  const [badJson, message] = code(() => decodeBody(Buffer.from('{"a":'), 1024))
  assert.equal(badJson, 'TACKLE_PIPELINE_BAD_REQUEST')
  assert.match(message, /not valid JSON/)
  const truncatedGzip = gzipSync('{"a":1}').subarray(0, 12)
  assert.match(code(() => decodeBody(truncatedGzip, 1024))[1], /not valid gzip/)
  assert.equal(code(() => decodeBody(Buffer.from(`"${'x'.repeat(2000)}"`), 1024))[0], 'TACKLE_PIPELINE_TOO_LARGE')
  // A gzip bomb: 10 MB of zeros in about 10 KB stops at the cap instead of filling memory.
  const bomb = gzipSync(Buffer.alloc(10_000_000, 0x20))
  assert.ok(bomb.length < 20_000)
  assert.equal(code(() => decodeBody(bomb, 500 * 1024))[0], 'TACKLE_PIPELINE_TOO_LARGE')
})

test('decodeBody should survive hostile nesting without overflowing the stack', () => {
  const deep = '['.repeat(200_000) + ']'.repeat(200_000)
  const parsed = decodeBody(Buffer.from(deep), 500 * 1024)
  assert.ok(Array.isArray(parsed))
})
