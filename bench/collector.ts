// npm run bench -- collector [--json] [--events N] [--concurrency C] [--seconds S]
// Events/s accepted through the collector's /v1/batch (100 events per request, acks=all), against
// its peer in the same run: Tackle's producer sending the same events straight to Kafka with the
// same concurrency (C batches of 100 in flight, each awaited whole, as a request is). Then the
// whole pipeline (collector, processors, DuckDB store) paced at half the collector's peak for S
// seconds, with p50 and p99 from the request's start to the stored row (stored_at).
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { Registry } from 'prom-client'
import { ensureTopics, TackleProducer } from '@tackle/client'
import { LocalCluster } from '@tackle/local-kafka'
import { allPipelineTopics, buildCollector, pipelineTopics, startPipeline, type PipelineEvent } from '@tackle/pipeline'
import { percentile } from './stats.ts'

const { values: flags } = parseArgs({
  args: process.argv.slice(3),
  options: { json: { type: 'boolean', default: false }, events: { type: 'string', default: '200000' }, concurrency: { type: 'string', default: '16' }, seconds: { type: 'string', default: '20' } },
})
const total = Number(flags.events)
const concurrency = Number(flags.concurrency)
const BATCH = 100
const WRITE_KEY = 'bench-key-0123456789'
const log = (line: string) => process.stderr.write(`${line}\n`)
const auth = `Basic ${Buffer.from(`${WRITE_KEY}:`).toString('base64')}`

function item (n: number, run: string) {
  return { type: 'track', userId: `user-${n % 5000}`, event: 'Product Viewed', messageId: `${run}-${n}`, properties: { sku: `sku-${n % 300}`, price: 19.99, currency: 'EUR', n } }
}

function asEvent (raw: ReturnType<typeof item>): PipelineEvent {
  const now = new Date().toISOString()
  return { ...raw, type: 'track', writeKey: WRITE_KEY, anonymousId: null, timestamp: now, originalTimestamp: null, sentAt: null, receivedAt: now, traits: {}, context: {}, source: 'segment', ip: '127.0.0.1' }
}

/** C workers, each taking the next batch number until `batches` are done; returns events/s. */
async function drive (batches: number, send: (batch: number) => Promise<void>, label: string): Promise<number> {
  let next = 0
  const began = performance.now()
  let reported = began
  await Promise.all(Array.from({ length: concurrency }, async () => {
    for (let b = next++; b < batches; b = next++) {
      await send(b)
      if (performance.now() - reported > 5000) {
        reported = performance.now()
        const rate = (b * BATCH) / ((reported - began) / 1000)
        log(`  ${label}: ${b * BATCH} of ${batches * BATCH} events, ${Math.round(rate)}/s, ETA ${Math.round((batches - b) * BATCH / rate)} s`)
      }
    }
  }))
  return Math.round(batches * BATCH / ((performance.now() - began) / 1000))
}

let cluster: LocalCluster | undefined
let brokers = process.env.KAFKA_BROKERS?.split(',')
if (!brokers) {
  cluster = new LocalCluster({ dir: resolve('.tackle', 'bench-kafka'), ownerPid: process.pid })
  log('starting a local 3-node cluster for the benchmark...')
  brokers = (await cluster.up({ nodes: 3 })).bootstrap.split(',')
}
const dir = mkdtempSync(join(tmpdir(), 'tackle-bench-collector-'))
try {
  const stamp = Date.now()
  const batches = Math.ceil(total / BATCH)

  // The peer: Tackle's producer, straight to Kafka.
  const directTopics = pipelineTopics(`bench-direct-${stamp}`)
  await ensureTopics({ bootstrapBrokers: brokers, topics: allPipelineTopics(directTopics) })
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry() })
  log(`direct producer: ${batches * BATCH} events, ${concurrency} batches of ${BATCH} in flight`)
  const direct = await drive(batches, async b => {
    await Promise.all(Array.from({ length: BATCH }, (_, i) => producer.send(directTopics.events, asEvent(item(b * BATCH + i, 'direct')))))
  }, 'direct')
  await producer.close()
  log(`  direct producer: ${direct} events/s`)

  // The collector alone (no processors), so both sides do the same work: HTTP → Kafka.
  const collectorTopics = pipelineTopics(`bench-collector-${stamp}`)
  await ensureTopics({ bootstrapBrokers: brokers, topics: allPipelineTopics(collectorTopics) })
  const collectorProducer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry(), onBufferFull: 'reject' })
  const app = await buildCollector({ producer: collectorProducer, topics: collectorTopics, writeKeys: [WRITE_KEY] })
  const url = await app.listen({ port: 0, host: '127.0.0.1' })
  let refused = 0
  const post = async (body: string) => {
    for (;;) {
      const res = await fetch(`${url}/v1/batch`, { method: 'POST', body, headers: { authorization: auth, 'content-type': 'application/json' } })
      await res.arrayBuffer()
      if (res.status === 200) return
      if (res.status !== 429 && res.status !== 503) throw new Error(`collector answered ${res.status}`)
      refused++
      await new Promise(r => setTimeout(r, 100))
    }
  }
  log(`collector: ${batches * BATCH} events through /v1/batch, ${concurrency} requests of ${BATCH} in flight`)
  const viaCollector = await drive(batches, b => post(JSON.stringify({ batch: Array.from({ length: BATCH }, (_, i) => item(b * BATCH + i, 'collector')) })), 'collector')
  await app.close()
  await collectorProducer.close()
  log(`  collector: ${viaCollector} events/s (${refused} requests answered 429/503 and retried)`)

  // The whole pipeline at half the collector's peak: request start → stored row.
  const seconds = Number(flags.seconds)
  const rate = Math.max(BATCH, Math.round(viaCollector / 2))
  const pipeline = await startPipeline({ bootstrapBrokers: brokers, writeKeys: [WRITE_KEY], collectorPort: 0, duckdbPath: join(dir, 'events.duckdb'), topicPrefix: `bench-e2e-${stamp}`, groupPrefix: `bench-e2e-${stamp}`, registry: new Registry() })
  const sentAt = new Map<string, number>()
  const e2eBatches = Math.ceil(rate * seconds / BATCH)
  log(`end to end: ${e2eBatches * BATCH} events at ${rate} events/s (half the collector's peak) for ${seconds} s`)
  const began = performance.now()
  const inFlight: Array<Promise<void>> = []
  for (let b = 0; b < e2eBatches; b++) {
    const due = began + (b * BATCH / rate) * 1000
    const wait = due - performance.now()
    if (wait > 0) await new Promise(r => setTimeout(r, wait))
    const items = Array.from({ length: BATCH }, (_, i) => item(b * BATCH + i, `e2e-${stamp}`))
    const start = Date.now()
    for (const it of items) sentAt.set(it.messageId, start)
    inFlight.push(fetch(`${pipeline.collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch: items }), headers: { authorization: auth } }).then(r => { void r.arrayBuffer() }))
  }
  await Promise.all(inFlight)
  const deadline = Date.now() + 120_000
  while (await pipeline.store.countEvents() < sentAt.size && Date.now() < deadline) await new Promise(r => setTimeout(r, 250))
  const stored = await pipeline.store.recentEvents({ limit: sentAt.size + 10 })
  const latencies = stored.map(e => Date.parse(e.storedAt) - (sentAt.get(e.messageId) ?? Number.NaN)).filter(Number.isFinite).sort((a, b) => a - b)
  await pipeline.close()

  const result = {
    bench: 'collector',
    eventsPerRequest: BATCH,
    concurrency,
    direct: { client: 'tackle-producer', eventsPerSec: direct },
    collector: { eventsPerSec: viaCollector, refusedRequests: refused },
    ratio: Number((viaCollector / direct).toFixed(2)),
    endToEnd: { rateEventsPerSec: rate, events: sentAt.size, stored: latencies.length, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) },
    goals: { ratioAtLeast: 0.7, p99UnderMs: 2000 },
  }
  if (flags.json) process.stdout.write(JSON.stringify(result) + '\n')
  else {
    process.stdout.write(`direct producer  ${direct} events/s\ncollector        ${viaCollector} events/s  (${result.ratio}x the direct producer; goal ≥ 0.7x)\n`)
    process.stdout.write(`end to end at ${rate} events/s: p50 ${result.endToEnd.p50Ms} ms, p99 ${result.endToEnd.p99Ms} ms (goal < 2000 ms), ${latencies.length} of ${sentAt.size} stored\n`)
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
  await cluster?.down({ purge: true })
}
