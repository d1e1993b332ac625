// KafkaJS 2.2.4, idempotent with acks=all: batches of 1,000 records per send(), one at a time.
import kafkajs from 'kafkajs'
import { peakRss, summarize, values } from '../stats.ts'

const [brokers, topic, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
const records = Number(recordsText)
const size = Number(sizeText)
const pool = values(1024, size)
const kafka = new kafkajs.Kafka({ clientId: 'bench-kafkajs', brokers: brokers.split(','), logLevel: kafkajs.logLevel.NOTHING })
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
await producer.connect()
const latencies = new Float64Array(records)
const rss = peakRss()
const batch = 1000
const started = performance.now()
for (let first = 0; first < records; first += batch) {
  const count = Math.min(batch, records - first)
  const t0 = performance.now()
  await producer.send({ topic, acks: -1, messages: Array.from({ length: count }, (_, j) => ({ value: pool[(first + j) % pool.length] as Buffer })) })
  latencies.fill(performance.now() - t0, first, first + count)
}
const elapsed = performance.now() - started
await producer.disconnect()
process.stdout.write(JSON.stringify(summarize('kafkajs', records, size, elapsed, latencies, rss())) + '\n')
