// Tackle's producer through its batch API, sendMany, at the same safe defaults as tackle.ts: an
// app handing over `chunk` records per call with `window` calls outstanding. Each record's
// latency is its call's, from the call to the last acknowledgement.
import { Registry } from 'prom-client'
import Type from 'typebox'
import { TackleProducer, defineTopic } from '@tackle/client'
import { peakRss, summarize, values } from '../stats.ts'

const [brokers, topicName, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
const records = Number(recordsText)
const size = Number(sizeText)
const pool = values(1024, size)
const topic = defineTopic<Buffer>({ name: topicName, schema: Type.Unknown(), serde: { contentType: 'application/octet-stream', serialize: b => b, deserialize: b => b } })
const producer = new TackleProducer({ bootstrapBrokers: brokers.split(','), compression: 'none', registry: new Registry() })
const latencies = new Float64Array(records)
const rss = peakRss()
const chunk = 1_000
const window = 4
let next = 0
const started = performance.now()
await Promise.all(Array.from({ length: window }, async () => {
  while (next < records) {
    const from = next
    const to = Math.min(records, from + chunk)
    next = to
    const batch = Array.from({ length: to - from }, (_, j) => pool[(from + j) % pool.length] as Buffer)
    const t0 = performance.now()
    await producer.sendMany(topic, batch)
    latencies.fill(performance.now() - t0, from, to)
  }
}))
const elapsed = performance.now() - started
await producer.close()
process.stdout.write(JSON.stringify(summarize('tackle-sendmany', records, size, elapsed, latencies, rss())) + '\n')
