// tackle query on a real DuckDB file, and through a running dashboard: a table, --json, stdin,
// and a malformed query's field and exit code.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DuckDbStore, LiveStats, type PipelineEvent } from '@tackle/pipeline'
import { startDashboard } from '@tackle/dashboard'
import { runTackle } from '../run-tackle.ts'

const T0 = Date.parse('2026-11-02T00:00:00.000Z')
const event = (messageId: string, id: string, name: string, atMs: number, over: Partial<PipelineEvent> = {}): PipelineEvent => ({
  messageId, writeKey: 'wk', type: 'track', event: name, userId: null, anonymousId: id, timestamp: new Date(T0 + atMs).toISOString(), originalTimestamp: null,
  sentAt: null, receivedAt: new Date(T0 + atMs).toISOString(), properties: {}, traits: {}, context: {}, source: 'segment', ip: null, ...over,
})
const FIXTURE = [
  event('1', 'anon-a', 'Viewed', 0), event('2', 'anon-a', 'Bought', 60_000),
  event('3', 'anon-b', 'Viewed', 0),
  event('4', 'anon-c', 'Viewed', 0), event('5', 'c', 'Bought', 120_000), event('6', 'c', 'x', 90_000, { type: 'identify', event: null, userId: 'c', anonymousId: 'anon-c' }),
]
const FUNNEL = { kind: 'funnel', steps: [{ event: 'Viewed' }, { event: 'Bought' }], from: new Date(T0).toISOString(), to: new Date(T0 + 86_400_000).toISOString() }

test('tackle query should run a query file on the store and print a table, or JSON with --json, and read stdin with -', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tackle-query-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const store = await DuckDbStore.open(join(dir, 'events.duckdb'))
  await store.insertEvents(FIXTURE, new Date())
  await store.close()
  const env = { TACKLE_DATA_DIR: dir, TACKLE_DASHBOARD_TOKEN: 'query-test-token-0123456789', TACKLE_WRITE_KEYS: 'wk' }
  writeFileSync(join(dir, 'funnel.json'), JSON.stringify(FUNNEL))

  const json = await runTackle(['query', join(dir, 'funnel.json'), '--json'], { env })
  assert.equal(json.code, 0, json.stderr)
  // c bought after identifying: one person with anon-c, so two of three convert.
  assert.deepEqual((JSON.parse(json.stdout) as { steps: Array<{ count: number }> }).steps.map(s => s.count), [3, 2])

  const text = await runTackle(['query', '-'], { env, input: JSON.stringify(FUNNEL) })
  assert.equal(text.code, 0, text.stderr)
  assert.match(text.stdout, /STEP\s+PERSONS\s+OF STEP 1/)
  assert.match(text.stdout, /2\. Bought\s+2\s+66\.7%/)

  const bad = await runTackle(['query', '-', '--json'], { env, input: JSON.stringify({ kind: 'funnel', steps: [{ event: 'Viewed' }] }) })
  assert.equal(bad.code, 64)
  assert.match(bad.stderr, /\/steps must NOT have fewer than 2 items/)
  assert.match(bad.stderr, /TACKLE_ANALYTICS_BAD_QUERY/)
  const notJson = await runTackle(['query', '-'], { env, input: '{"kind":' })
  assert.equal(notJson.code, 64)
  assert.match(notJson.stderr, /not JSON/)
})

test('tackle query --dashboard should ask a running dashboard with its token', { timeout: 60_000 }, async (t) => {
  const store = await DuckDbStore.open(':memory:')
  await store.insertEvents(FIXTURE, new Date())
  const token = 'query-test-token-0123456789'
  const dashboard = await startDashboard({ store, stats: new LiveStats(), token, port: 0 })
  t.after(async () => { await dashboard.close(); await store.close() })
  const run = await runTackle(['query', '-', '--json', '--dashboard', dashboard.url], { env: { TACKLE_DASHBOARD_TOKEN: token, TACKLE_WRITE_KEYS: 'wk' }, input: JSON.stringify(FUNNEL) })
  assert.equal(run.code, 0, run.stderr)
  assert.deepEqual((JSON.parse(run.stdout) as { steps: Array<{ count: number }> }).steps.map(s => s.count), [3, 2])
  const wrong = await runTackle(['query', '-', '--dashboard', dashboard.url], { env: { TACKLE_DASHBOARD_TOKEN: 'wrong-token-0123456789', TACKLE_WRITE_KEYS: 'wk' }, input: JSON.stringify(FUNNEL) })
  assert.equal(wrong.code, 1)
  assert.match(wrong.stderr, /TACKLE_DASHBOARD_UNAUTHORIZED/)
})
