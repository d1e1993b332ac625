import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Counter, Registry } from 'prom-client'
import { serveHealth } from '../src/health-server.ts'

test('serveHealth should serve metrics, liveness and readiness over real HTTP', async (t) => {
  const registry = new Registry()
  new Counter({ name: 'tackle_test_things_total', help: 'things', registers: [registry] }).inc(3)
  let reason: string | undefined = 'not started'
  const server = await serveHealth({ registry, checks: { consumer: () => reason, producer: () => undefined } })
  t.after(() => server.close())

  const metrics = await fetch(`${server.url}/metrics`)
  assert.equal(metrics.status, 200)
  assert.match(metrics.headers.get('content-type') ?? '', /text\/plain/)
  assert.match(await metrics.text(), /^tackle_test_things_total 3$/m)

  const live = await fetch(`${server.url}/healthz`)
  assert.deepEqual([live.status, await live.json()], [200, { status: 'ok' }])

  const notReady = await fetch(`${server.url}/readyz`)
  assert.deepEqual([notReady.status, await notReady.json()], [503, { ready: false, failing: { consumer: 'not started' } }])
  reason = undefined
  const ready = await fetch(`${server.url}/readyz`)
  assert.deepEqual([ready.status, await ready.json()], [200, { ready: true, failing: {} }])

  assert.equal((await fetch(`${server.url}/nope`)).status, 404)
  assert.equal((await fetch(`${server.url}/metrics`, { method: 'POST' })).status, 405)
})
