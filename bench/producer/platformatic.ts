// Raw @platformatic/kafka, as its README shows it, with the same safety as Tackle (idempotent,
// acks=all): batches of 1,000 records per send(), one at a time.
import { Producer } from '@platformatic/kafka'
import { peakRss, sendInBatches, summarize, values } from '../stats.ts'

const [brokers, topic, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
const records = Number(recordsText)
const size = Number(sizeText)
const producer = new Producer({ clientId: 'bench-platformatic', bootstrapBrokers: brokers.split(','), idempotent: true, acks: -1, compression: 'none' })
const rss = peakRss()
const { elapsedMs, latencies } = await sendInBatches(records, 1000, values(1024, size), batch => producer.send({ messages: batch.map(value => ({ topic, value })) }))
await producer.close()
process.stdout.write(JSON.stringify(summarize('platformatic', records, size, elapsedMs, latencies, rss())) + '\n')
