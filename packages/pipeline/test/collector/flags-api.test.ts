// PostHog's flag endpoints on the collector, through Fastify's inject: the shapes posthog-js and
// posthog-node read, the token check, and what is answered when flags cannot be computed. The
// SDKs themselves are run against a real collector in the dashboard's experiments test.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { gzipSync } from 'node:zlib'
import { pino } from 'pino'
import { TackleProducer } from '@tackle/client'
import { buildCollector } from '../../src/collector/collector.ts'
import type { FlagsProvider, FlagsRequest } from '../../src/collector/flags-api.ts'
import { pipelineTopics } from '../../src/topics.ts'
import { WRITE_KEY } from '../../src/testkit/index.ts'

async function collector (t: { after (fn: () => unknown): void }, flags?: FlagsProvider) {
  // Flags never produce: a producer with nowhere to send is enough.
  const producer = new TackleProducer({ bootstrapBrokers: ['127.0.0.1:1'], logger: pino({ level: 'silent' }) })
  const app = await buildCollector({ producer, topics: pipelineTopics('flags'), writeKeys: [WRITE_KEY], flags })
  t.after(async () => { await app.close(); await producer.close({ timeoutMs: 1000 }) })
  return app
}

const asked: FlagsRequest[] = []
const provider: FlagsProvider = {
  async evaluate (request) {
    asked.push(request)
    return [{ key: 'checkout', enabled: true, variant: 'test', reason: 'condition_match' }, { key: 'beta', enabled: false, variant: null, reason: 'out_of_rollout_bound' }]
  },
}

test('POST /flags/?v=2 should answer PostHog\'s v2 shape from the flags provider', async (t) => {
  const app = await collector(t, provider)
  const response = await app.inject({ method: 'POST', url: '/flags/?v=2&config=true', payload: { token: WRITE_KEY, distinct_id: 'u1', $anon_distinct_id: 'a1', flag_keys: ['checkout'] } })
  assert.equal(response.statusCode, 200)
  const body = response.json()
  assert.deepEqual(body.flags.checkout, { key: 'checkout', enabled: true, variant: 'test', reason: { code: 'condition_match', condition_index: 0, description: 'Matched condition set 1' }, metadata: { id: 1, version: 1, payload: null, description: null } })
  assert.equal(body.flags.beta.enabled, false)
  assert.deepEqual(body.featureFlags, { checkout: 'test', beta: false })
  assert.equal(body.errorsWhileComputingFlags, false)
  assert.equal(body.hasFeatureFlags, true, 'config=true adds the remote config')
  assert.deepEqual(asked.at(-1), { distinctId: 'u1', anonDistinctId: 'a1', flagKeys: ['checkout'], writeKey: WRITE_KEY })
  const plain = (await app.inject({ method: 'POST', url: '/flags/?v=2', payload: gzipSync(JSON.stringify({ api_key: WRITE_KEY, distinct_id: 'u2' })) })).json()
  assert.equal(plain.hasFeatureFlags, undefined)
  assert.equal(plain.flags.checkout.variant, 'test', 'a gzip body, the key as api_key')
})

test('POST /decide/ should answer the legacy shape with the config', async (t) => {
  const app = await collector(t, provider)
  const body = (await app.inject({ method: 'POST', url: '/decide/?v=3', payload: { token: WRITE_KEY, distinct_id: 'u1' } })).json()
  assert.deepEqual(body.featureFlags, { checkout: 'test', beta: false })
  assert.deepEqual(body.supportedCompression, ['gzip', 'gzip-js'])
})

test('the flags endpoints should refuse an unknown token and a bad body, and say so when flags fail', async (t) => {
  const failing: FlagsProvider = { evaluate: async () => { throw new Error('store down') } }
  const app = await collector(t, failing)
  assert.equal((await app.inject({ method: 'POST', url: '/flags/?v=2', payload: { token: 'nope', distinct_id: 'u1' } })).statusCode, 401)
  assert.equal((await app.inject({ method: 'POST', url: '/flags/?v=2', payload: { distinct_id: 'u1' } })).statusCode, 401)
  const noId = await app.inject({ method: 'POST', url: '/flags/?v=2', payload: { token: WRITE_KEY } })
  assert.equal(noId.statusCode, 400)
  assert.match(noId.json().message, /distinct_id/)
  assert.equal((await app.inject({ method: 'POST', url: '/flags/?v=2', payload: '[1' })).statusCode, 400)
  const failed = (await app.inject({ method: 'POST', url: '/flags/?v=2', payload: { token: WRITE_KEY, distinct_id: 'u1' } })).json()
  assert.deepEqual([failed.errorsWhileComputingFlags, failed.flags], [true, {}])
  const off = (await app.inject({ method: 'POST', url: '/flags/?v=2', payload: { token: WRITE_KEY, distinct_id: 'u1', disable_flags: true } })).json()
  assert.deepEqual([off.errorsWhileComputingFlags, off.flags], [false, {}])
})

test('GET /array/{token}/config should give posthog-js its remote config, as JSON and as a script', async (t) => {
  const app = await collector(t)
  const json = await app.inject({ method: 'GET', url: `/array/${WRITE_KEY}/config` })
  assert.equal(json.statusCode, 200)
  assert.deepEqual([json.json().token, json.json().analytics], [WRITE_KEY, { endpoint: '/i/v0/e/' }])
  const script = await app.inject({ method: 'GET', url: `/array/${WRITE_KEY}/config.js` })
  assert.match(script.headers['content-type'] as string, /javascript/)
  const window: { _POSTHOG_REMOTE_CONFIG?: Record<string, { config: { token: string } }> } = {}
  new Function('window', script.body)(window)
  assert.equal(window._POSTHOG_REMOTE_CONFIG?.[WRITE_KEY]?.config.token, WRITE_KEY)
  assert.equal((await app.inject({ method: 'GET', url: '/array/nope/config' })).statusCode, 401)
  const none = (await app.inject({ method: 'POST', url: '/flags/?v=2', payload: { token: WRITE_KEY, distinct_id: 'u1' } })).json()
  assert.deepEqual(none.flags, {}, 'no provider: no flags')
  const preflight = await app.inject({ method: 'OPTIONS', url: '/flags/?v=2', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } })
  assert.equal(preflight.headers['access-control-allow-origin'], 'https://app.example')
})
