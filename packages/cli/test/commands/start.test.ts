import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { TACKLE_BIN, tackleEnv } from '../run-tackle.ts'

test('start should run the pipeline, take an event through the collector into the dashboard, and stop cleanly on Ctrl-C', { timeout: 180_000 }, async (t) => {
  const { cluster } = await sharedTestCluster()
  const dataDir = mkdtempSync(join(tmpdir(), 'tackle-start-'))
  t.after(() => rmSync(dataDir, { recursive: true, force: true }))
  const child = spawn(TACKLE_BIN, ['start', '--dir', cluster.dir, '--json'], {
    env: tackleEnv({ TACKLE_COLLECTOR_PORT: '0', TACKLE_DASHBOARD_PORT: '0', TACKLE_DATA_DIR: dataDir }),
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<number | null>(resolve => child.on('close', resolve))
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  const summary = await new Promise<{ collector: string, dashboard: string, writeKeys: string[], dashboardToken: string }>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (stdout.includes('\n')) resolve(JSON.parse(stdout))
    })
    void exited.then(code => reject(new Error(`start exited with ${code}: ${stderr}`)))
  })
  assert.match(summary.writeKeys[0] ?? '', /^demo_[0-9a-f]{24}$/, 'a demo write key was generated')

  const event = `Start Check ${randomUUID()}`
  const sent = await fetch(`${summary.collector}/v1/track`, {
    method: 'POST',
    body: JSON.stringify({ userId: 'u1', event }),
    headers: { authorization: `Basic ${Buffer.from(`${summary.writeKeys[0]}:`).toString('base64')}` },
  })
  assert.equal(sent.status, 200, await sent.text())
  let events: Array<{ event: string }> = []
  for (const deadline = Date.now() + 60_000; events.length === 0 && Date.now() < deadline;) {
    const res = await fetch(`${summary.dashboard}/api/events?event=${encodeURIComponent(event)}`, { headers: { authorization: `Bearer ${summary.dashboardToken}` } })
    assert.equal(res.status, 200)
    events = (await res.json() as { events: Array<{ event: string }> }).events
    if (events.length === 0) await new Promise(resolve => setTimeout(resolve, 250))
  }
  assert.deepEqual(events.map(e => e.event), [event])

  child.kill('SIGINT')
  assert.equal(await exited, 0, stderr)
  assert.match(stderr, /stopped\n$/)
  assert.equal(stdout.trim().split('\n').length, 1, 'exactly one JSON object on stdout')
})
