// KafkaJS 2.2.4, idempotent with acks=all: batches of 1,000 records per send(), one at a time.
import kafkajs from 'kafkajs'
import { peakRss, sendInBatches, summarize, values } from '../stats.ts'

const [brokers, topic, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
const records = Number(recordsText)
const size = Number(sizeText)
const kafka = new kafkajs.Kafka({ clientId: 'bench-kafkajs', brokers: brokers.split(','), logLevel: kafkajs.logLevel.NOTHING })
const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
await producer.connect()
const rss = peakRss()
const { elapsedMs, latencies } = await sendInBatches(records, 1000, values(1024, size), batch => producer.send({ topic, acks: -1, messages: batch.map(value => ({ value })) }))
await producer.disconnect()
process.stdout.write(JSON.stringify(summarize('kafkajs', records, size, elapsedMs, latencies, rss())) + '\n')
