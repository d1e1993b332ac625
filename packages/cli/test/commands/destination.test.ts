// `tackle destination` as a user meets it: a webhook configured in tackle.config.json gets the
// events `tackle start` collects; after a stop, `tackle destination replay` moves only that
// destination back, and the next start sends the events again. Bad settings and bad times are
// refused with the field named.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { runTackle, TACKLE_BIN, tackleEnv } from '../run-tackle.ts'

const { cluster, bootstrap } = await sharedTestCluster()

async function until (what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check();) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

/** `tackle start` until `work` is done, then Ctrl-C; its JSON summary is handed to work. */
async function whileStarted (env: Record<string, string>, work: (summary: { collector: string, writeKeys: string[] }) => Promise<void>): Promise<void> {
  const child = spawn(TACKLE_BIN, ['start', '--dir', cluster.dir, '--json'], { env: tackleEnv(env), stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<number | null>(resolve => child.on('close', resolve))
  try {
    const summary = await new Promise<{ collector: string, writeKeys: string[] }>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString()
        if (stdout.includes('\n')) resolve(JSON.parse(stdout))
      })
      void exited.then(code => reject(new Error(`start exited with ${code}: ${stderr}`)))
    })
    await work(summary)
  } finally {
    child.kill('SIGINT')
    assert.equal(await exited, 0, stderr)
  }
}

test('destination replay should refuse a time it cannot read, and a config whose destination is wrong, naming the field', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'tackle-dest-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const badTime = await runTackle(['destination', 'replay', 'hook', '--from', 'yesterday', '--brokers', bootstrap])
  assert.equal(badTime.code, 64, badTime.stderr)
  assert.match(badTime.stderr, /an ISO date-time such as 2026-11-30T12:00:00Z/)
  const config = join(dir, 'tackle.config.json')
  writeFileSync(config, JSON.stringify({ pipeline: { destinations: [{ name: 'crm', type: 'webhook', url: 'ftp://crm.example/hook' }] } }))
  const bad = await runTackle(['destination', 'list', '--brokers', bootstrap], { env: { TACKLE_CONFIG: config } })
  assert.equal(bad.code, 64, bad.stderr)
  assert.match(bad.stderr, /pipeline\.destinations\[0\]\.url: must match pattern "\^https\?:\/\/"/)
  // tackle start refuses it before it starts any Kafka node.
  const kafkaDir = join(dir, 'kafka')
  const start = await runTackle(['start', '--dir', kafkaDir], { env: { TACKLE_CONFIG: config, TACKLE_DATA_DIR: join(dir, 'data') } })
  assert.equal(start.code, 64, start.stderr)
  assert.match(start.stderr, /pipeline\.destinations\[0\]\.url/)
  assert.equal(existsSync(join(kafkaDir, 'cluster.json')), false, 'no cluster was started')
  writeFileSync(config, JSON.stringify({ pipeline: { destinations: [{ name: 'crm', type: 'webhook', url: 'https://crm.example/hook' }] } }))
  const unknown = await runTackle(['destination', 'replay', 'nowhere', '--from', '2026-12-01T00:00:00Z', '--brokers', bootstrap, '--yes'], { env: { TACKLE_CONFIG: config } })
  assert.equal(unknown.code, 64, unknown.stderr)
  assert.match(unknown.stderr, /no destination nowhere: configured are crm/)
})

test('a webhook configured for tackle start should get its events, and get them again after destination replay', { timeout: 240_000 }, async (t) => {
  const tag = randomUUID().slice(0, 8)
  const received: string[] = []
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', chunk => { body += chunk })
    req.on('end', () => {
      for (const e of (JSON.parse(body) as { batch: Array<{ messageId: string, event: string }> }).batch) if (e.event === `Replay ${tag}`) received.push(e.messageId)
      res.writeHead(200).end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise(resolve => { server.closeAllConnections(); server.close(resolve) }))
  const dir = mkdtempSync(join(tmpdir(), 'tackle-dest-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const name = `hook-${tag}`
  const config = join(dir, 'tackle.config.json')
  writeFileSync(config, JSON.stringify({ pipeline: { destinations: [{ name, type: 'webhook', url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook` }] } }))
  const env = { TACKLE_CONFIG: config, TACKLE_COLLECTOR_PORT: '0', TACKLE_DASHBOARD_PORT: '0', TACKLE_DATA_DIR: join(dir, 'data') }
  const before = new Date(Date.now() - 1000).toISOString()
  const ids = Array.from({ length: 5 }, (_, n) => `${tag}-${n}`)

  await whileStarted(env, async summary => {
    const sent = await fetch(`${summary.collector}/v1/batch`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${summary.writeKeys[0]}:`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ batch: ids.map(messageId => ({ type: 'track', event: `Replay ${tag}`, userId: 'u1', messageId })) }),
    })
    assert.equal(sent.status, 200)
    await until('the webhook to get the 5 events', () => received.length >= 5)
  })
  assert.deepEqual([...received].sort(), ids)

  const listed = await runTackle(['destination', 'list', '--dir', cluster.dir, '--json'], { env })
  assert.equal(listed.code, 0, listed.stderr)
  const row = (JSON.parse(listed.stdout) as { destinations: Array<{ name: string, group: string, dlqTopic: string, lagRecords: string | null }> }).destinations[0]
  assert.deepEqual([row?.name, row?.group, row?.dlqTopic], [name, `tackle.destination.${name}`, `tackle.events.destination.${name}.dlq`])
  assert.equal(String(row?.lagRecords), '0', 'everything delivered before the stop')

  const dry = await runTackle(['destination', 'replay', name, '--from', before, '--dir', cluster.dir, '--dry-run'], { env })
  assert.equal(dry.code, 0, dry.stderr)
  assert.match(dry.stdout, new RegExp(`destination ${name}: would send \\d+ events again, from the first offset at or after ${before.replace(/[.]/g, '\\.')} \\(dry run; nothing changed\\)`))
  const replay = await runTackle(['destination', 'replay', name, '--from', before, '--dir', cluster.dir, '--yes', '--json'], { env })
  assert.equal(replay.code, 0, replay.stderr)
  assert.equal((JSON.parse(replay.stdout) as { applied: boolean }).applied, true)

  received.length = 0
  await whileStarted(env, async () => {
    await until('the webhook to get the 5 events again', () => received.length >= 5)
  })
  assert.deepEqual([...new Set(received)].sort(), ids, 'the same events, sent again')
})
