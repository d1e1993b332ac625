// The OpenAPI documents of the collector and the dashboard API, as each server serves them: every
// route in, with the schemas its handler checks bodies against, and the token where it is needed.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { InsightQuerySchema, ExperimentDefinitionSchema } from '@tackle/analytics'
import { ClusterAdmin, TopicReader } from '@tackle/client'
import { buildCollector, DuckDbStore, LiveStats, PosthogCaptureSchema, SegmentBatchSchema } from '@tackle/pipeline'
import { buildDashboard } from '../src/server.ts'

const TOKEN = 'test-token-0123456789abcdef'
type Doc = { openapi: string, info: { title: string }, paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }, security?: unknown, tags?: string[], summary?: string }>> }

const bodyOf = (doc: Doc, path: string, method: string) => doc.paths[path]?.[method]?.requestBody?.content['application/json']?.schema
/**
 * A schema as the document carries it: as JSON (TypeBox's symbols gone), without $id, a const as
 * a one-value enum and a record's patternProperties "^.*$" as additionalProperties, the rewrites
 * @fastify/swagger makes.
 */
function asJson (schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return value
    const { $id: _id, const: constant, patternProperties, ...rest } = value as Record<string, unknown> & { patternProperties?: Record<string, unknown> }
    return {
      ...rest,
      ...(constant === undefined ? {} : { enum: [constant] }),
      ...(patternProperties?.['^.*$'] === undefined ? {} : { additionalProperties: patternProperties['^.*$'] }),
    }
  })
}
const operations = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map(m => `${m.toUpperCase()} ${path}`)).sort()

test('the collector should serve an OpenAPI 3.1 document of both SDK APIs, each route summarised and its body described', async (t) => {
  const app = await buildCollector({ writeKeys: ['wk_openapi_test'], producer: {} as never, topics: {} as never })
  t.after(() => app.close())
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  assert.equal(res.statusCode, 200)
  const doc = res.json() as Doc
  assert.equal(doc.openapi, '3.1.0')
  const segment = ['track', 't', 'identify', 'i', 'page', 'p', 'screen', 's', 'group', 'g', 'alias', 'a', 'batch', 'b'].map(p => `POST /v1/${p}`)
  const posthog = ['/batch', '/e', '/capture', '/i/v0/e', '/flags', '/decide'].map(p => `POST ${p}`)
  assert.deepEqual(operations(doc), [...segment, ...posthog, 'GET /health', 'GET /v1/projects/{writeKey}/settings', 'GET /array/{token}/config', 'GET /array/{token}/config.js'].sort())
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      assert.ok(op.summary && op.tags?.length, `${method} ${path} has a summary and a tag`)
      assert.ok(app.hasRoute({ method: method.toUpperCase() as 'GET', url: path.replace(/\{(\w+)\}/g, ':$1') }), `${method} ${path} is a route`)
    }
  }
  assert.deepEqual(bodyOf(doc, '/v1/batch', 'post'), asJson(SegmentBatchSchema))
  assert.deepEqual(bodyOf(doc, '/i/v0/e', 'post'), asJson(PosthogCaptureSchema))
  // Describing a body does not make Fastify check it: the handler's own answer still names the problem.
  const bad = await app.inject({ method: 'POST', url: '/v1/batch', payload: '{"batch": 5}', headers: { 'content-type': 'text/plain', authorization: `Basic ${Buffer.from('wk_openapi_test:').toString('base64')}` } })
  assert.equal(bad.statusCode, 400)
  assert.equal(bad.json().message, '"batch" must be an array of events')
})

test('the dashboard should serve an OpenAPI 3.1 document of its API without the token, naming the token every /api route needs and the schemas its bodies are checked against', async (t) => {
  const store = await DuckDbStore.open(':memory:')
  // Never connected: the document is built from the routes, not by calling them.
  const admin = new ClusterAdmin({ bootstrapBrokers: ['127.0.0.1:1'] })
  const reader = new TopicReader({ bootstrapBrokers: ['127.0.0.1:1'] })
  const app = await buildDashboard({ store, stats: new LiveStats(), token: TOKEN, cluster: { admin, groups: [], reader } })
  t.after(async () => { await app.close(); await store.close(); await admin.close(); await reader.close() })
  const res = await app.inject({ method: 'GET', url: '/openapi.json' })
  assert.equal(res.statusCode, 200, 'the description is public; the API it describes is not')
  const doc = res.json() as Doc
  assert.equal(doc.openapi, '3.1.0')
  assert.ok(operations(doc).every(op => op.includes(' /api/')), 'the page and its scripts are not part of the API')
  for (const op of ['POST /api/query', 'GET /api/events', 'GET /api/persons/{id}', 'DELETE /api/persons/{id}', 'POST /api/experiments', 'PUT /api/experiments/{id}', 'GET /api/topics/{topic}/messages', 'POST /api/groups/{group}/reset-offsets', 'GET /api/live']) {
    assert.ok(operations(doc).includes(op), `${op} is documented`)
  }
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) assert.deepEqual(op.security, [{ token: [] }], `${method} ${path} needs the token`)
  }
  assert.deepEqual(bodyOf(doc, '/api/query', 'post'), asJson(InsightQuerySchema))
  assert.deepEqual(bodyOf(doc, '/api/experiments', 'post'), asJson(ExperimentDefinitionSchema))
  const bad = await app.inject({ method: 'POST', url: '/api/query', payload: { kind: 'trends', series: [] }, headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(bad.statusCode, 400)
  assert.equal(bad.json().field, '/series', 'the query is still checked by the analytics package, which names the field')
})
