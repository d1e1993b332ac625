// Destinations in a whole pipeline on the shared test cluster: a webhook that fails on purpose
// (503 with Retry-After, then a 400 for one bad event), a webhook that is down throughout, and a
// files destination read back from Parquet. Each is its own consumer group: the store and the
// healthy webhook get everything while the broken one lags; the bad event ends in the webhook's
// own DLQ, alone. Every destination gets events as stored: privacy rules applied, plan refusals
// delivered nowhere.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type ServerResponse } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { DuckDBInstance } from '@duckdb/node-api'
import { ClusterAdmin, readFailure } from '@tackle/client'
import { createProducer, readAll, testBrokers } from '@tackle/client/testkit'
import { basicAuth, createPipeline, storedEvents, WRITE_KEY } from '../../src/testkit/index.ts'
import { destinationNames, hourFile, type PipelineEvent } from '../../src/index.ts'

/** Answers each POST with `answer(batch)`; records what it was sent. */
async function receiver (t: { after (fn: () => unknown): void }, answer: (batch: PipelineEvent[], n: number, res: ServerResponse) => void) {
  const batches: PipelineEvent[][] = []
  let requests = 0
  const server = createServer((req, res) => {
    let body = ''
    req.on('data', chunk => { body += chunk })
    req.on('end', () => {
      const batch = (JSON.parse(body) as { batch: PipelineEvent[] }).batch
      requests++
      answer(batch, requests, res)
      if (res.statusCode === 200) batches.push(batch)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise(resolve => { server.closeAllConnections(); server.close(resolve) }))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/`, batches, requests: () => requests }
}

async function until (what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await check());) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 200))
  }
}

test('destinations should each get every event through a group of their own: a webhook past 503s with its bad event dead-lettered alone, a down webhook lagging without holding anyone up, hourly Parquet files', { timeout: 240_000 }, async (t) => {
  const tag = randomUUID().slice(0, 8)
  const hook = await receiver(t, (batch, n, res) => {
    if (n <= 2) return void res.writeHead(503, { 'retry-after': '1' }).end()
    if (batch.some(e => e.properties.poison === true)) return void res.writeHead(400).end('poison refused')
    res.writeHead(200).end()
  })
  const down = await receiver(t, (_batch, _n, res) => res.writeHead(503).end())
  const filesDir = mkdtempSync(join(tmpdir(), 'tackle-lake-'))
  t.after(() => rmSync(filesDir, { recursive: true, force: true }))
  const pipeline = await createPipeline(t, {
    // Destinations get events as the store does: what the privacy rules drop never leaves, and
    // what the tracking plan refuses is delivered nowhere.
    pii: { drop: ['password'] },
    trackingPlans: { [WRITE_KEY]: { mode: 'enforce', events: { [`Refused ${tag}`]: { type: 'object', required: ['reason'] } } } },
    destinations: [
      { name: 'hook', type: 'webhook', url: hook.url, secret: 'whsec_0123456789abcdef', batchSize: 20, startAt: 'earliest' },
      { name: 'down', type: 'webhook', url: down.url, startAt: 'earliest' },
      { name: 'lake', type: 'files', dir: filesDir, startAt: 'earliest' },
    ],
  })

  // 30 through the collector now; 10 straight onto the topic as if received three hours ago, so
  // their hour is over and its file is written.
  const batch = [
    ...Array.from({ length: 30 }, (_, n) => ({ type: 'track', event: `Dest ${tag}`, userId: `u${n % 5}`, messageId: `${tag}-live-${n}`, properties: { n, password: 'hunter2', ...(n === 17 ? { poison: true } : {}) } })),
    { type: 'track', event: `Refused ${tag}`, userId: 'u0', messageId: `${tag}-refused`, properties: {} },
  ]
  const sent = await fetch(`${pipeline.collector.url}/v1/batch`, { method: 'POST', headers: { authorization: basicAuth(WRITE_KEY), 'content-type': 'application/json' }, body: JSON.stringify({ batch }) })
  assert.equal(sent.status, 200)
  const oldAt = new Date(Date.now() - 3 * 3_600_000)
  const producer = await createProducer(t)
  await Promise.all(Array.from({ length: 10 }, (_, n) => producer.send(pipeline.topics.events, {
    messageId: `${tag}-old-${n}`, writeKey: WRITE_KEY, type: 'track', event: `Dest ${tag}`, userId: 'u-old', anonymousId: null,
    timestamp: oldAt.toISOString(), originalTimestamp: null, sentAt: null, receivedAt: oldAt.toISOString(),
    properties: { n, password: 'hunter2' }, traits: {}, context: {}, source: 'segment', ip: null,
  })))

  // The store is not held up by the webhook that is down, nor by the one answering 503.
  assert.equal((await storedEvents(pipeline.store, `Dest ${tag}`, 40)).length, 40)
  const delivered = () => hook.batches.flat().filter(e => e.event === `Dest ${tag}`)
  await until('the webhook to receive the 39 good events', () => delivered().length >= 39)
  await new Promise(resolve => setTimeout(resolve, 1000))
  const ids = delivered().map(e => e.messageId)
  assert.equal(ids.length, 39, 'each good event once')
  assert.equal(new Set(ids).size, 39)
  assert.ok(!ids.includes(`${tag}-live-17`), 'the poison event was never accepted')
  assert.ok(delivered().every(e => !('password' in e.properties)), 'the privacy rules applied before delivery')
  assert.ok(!hook.batches.flat().some(e => e.messageId === `${tag}-refused`) && !down.batches.flat().length, 'the event the tracking plan refused went nowhere')

  const events = pipeline.topics.events.name
  const dead = await readAll(await testBrokers(), destinationNames(events, 'hook').dlqTopic, { expected: 1, timeoutMs: 60_000 })
  assert.deepEqual(dead.map(r => (JSON.parse(r.value) as PipelineEvent).messageId), [`${tag}-live-17`], 'the bad event alone in the webhook\'s own DLQ')
  assert.match(readFailure(dead[0]?.headers as ReadonlyMap<string, string>)?.error ?? '', /webhook hook answered 400 to 1 events: poison refused/)
  const downGroup = pipeline.groups.find(g => g.endsWith('.destination.down'))
  assert.ok(downGroup, `the destination groups are the pipeline's: ${pipeline.groups.join(', ')}`)
  assert.ok(down.requests() > 0, 'the down webhook was tried')

  // The down webhook's group lags by what it could not send; its offsets did not move.
  const admin = new ClusterAdmin({ bootstrapBrokers: await testBrokers() })
  t.after(() => admin.close())
  const committed = (await admin.committedOffsets([downGroup])).get(downGroup)?.get(events)
  const ends = (await admin.offsetsAt((await admin.partitions([events])).map(p => ({ topic: events, partition: p.partition })), 'latest')).get(events)
  const lag = [...(ends ?? new Map<number, bigint>())].reduce((sum, [partition, end]) => sum + end - (committed?.get(partition) ?? 0n), 0n)
  assert.equal(lag, 41n, 'the down destination lags by every event on the topic, the refused one too')

  // The hour three hours ago is over: its Parquet file holds the 10 events, once each.
  const file = hourFile(filesDir, oldAt.toISOString().slice(0, 13))
  const instance = await DuckDBInstance.create(':memory:')
  t.after(() => instance.closeSync())
  const connection = await instance.connect()
  let rows: Array<Record<string, unknown>> = []
  await until(`${file} to hold the 10 old events`, async () => {
    rows = await connection.runAndReadAll(`SELECT message_id, event, user_id, properties->>'$.password' AS password FROM read_parquet('${file}') ORDER BY message_id`).then(r => r.getRowObjectsJS(), () => [])
    return rows.length >= 10
  })
  assert.deepEqual(rows.map(r => r.message_id), Array.from({ length: 10 }, (_, n) => `${tag}-old-${n}`))
  assert.ok(rows.every(r => r.event === `Dest ${tag}` && r.user_id === 'u-old' && r.password === null), 'as stored: no dropped property in the files either')
  connection.closeSync()
})
