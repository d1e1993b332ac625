// Raw @platformatic/kafka, as its README shows it, with the same safety as Tackle (idempotent,
// acks=all): batches of 1,000 records per send(), one at a time.
import { Producer } from '@platformatic/kafka'
import { peakRss, summarize, values } from '../stats.ts'

const [brokers, topic, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
const records = Number(recordsText)
const size = Number(sizeText)
const pool = values(1024, size)
const producer = new Producer({ clientId: 'bench-platformatic', bootstrapBrokers: brokers.split(','), idempotent: true, acks: -1, compression: 'none' })
const latencies = new Float64Array(records)
const rss = peakRss()
const batch = 1000
const started = performance.now()
for (let first = 0; first < records; first += batch) {
  const count = Math.min(batch, records - first)
  const t0 = performance.now()
  await producer.send({ messages: Array.from({ length: count }, (_, j) => ({ topic, value: pool[(first + j) % pool.length] as Buffer })) })
  const took = performance.now() - t0
  latencies.fill(took, first, first + count)
}
const elapsed = performance.now() - started
await producer.close()
process.stdout.write(JSON.stringify(summarize('platformatic', records, size, elapsed, latencies, rss())) + '\n')
