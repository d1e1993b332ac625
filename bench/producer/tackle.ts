// Tackle's producer at its safe defaults (idempotent, acks=all), compression off like every peer:
// an app keeping `window` sends outstanding.
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
const window = 4_000
let next = 0
const started = performance.now()
await Promise.all(Array.from({ length: window }, async () => {
  while (next < records) {
    const i = next++
    const t0 = performance.now()
    await producer.send(topic, pool[i % pool.length] as Buffer)
    latencies[i] = performance.now() - t0
  }
}))
const elapsed = performance.now() - started
await producer.close()
process.stdout.write(JSON.stringify(summarize('tackle', records, size, elapsed, latencies, rss())) + '\n')
