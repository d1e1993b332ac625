// Raw @platformatic/kafka's stream consumer, as its README shows it, with autocommit.
import { randomUUID } from 'node:crypto'
import { Consumer } from '@platformatic/kafka'
import { peakRss } from '../stats.ts'
import { reportConsumed } from './report.ts'

const [brokers, topic, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
const records = Number(recordsText)
const rss = peakRss()
const consumer = new Consumer({ groupId: `bench-${randomUUID()}`, clientId: 'bench-platformatic', bootstrapBrokers: brokers.split(',') })
const started = performance.now()
const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: true })
let seen = 0
for await (const _message of stream) {
  if (++seen === records) break
}
const elapsed = performance.now() - started
await consumer.close(true)
reportConsumed('platformatic', records, Number(sizeText), elapsed, rss())
