// KafkaJS 2.2.4's eachBatch consumer, committing as it goes.
import { randomUUID } from 'node:crypto'
import kafkajs from 'kafkajs'
import { peakRss } from '../stats.ts'
import { reportConsumed } from './report.ts'

const [brokers, topic, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
const records = Number(recordsText)
const rss = peakRss()
const kafka = new kafkajs.Kafka({ clientId: 'bench-kafkajs', brokers: brokers.split(','), logLevel: kafkajs.logLevel.NOTHING })
const consumer = kafka.consumer({ groupId: `bench-${randomUUID()}` })
await consumer.connect()
await consumer.subscribe({ topic, fromBeginning: true })
let seen = 0
let done: () => void = () => {}
const finished = new Promise<void>(resolve => { done = resolve })
const started = performance.now()
await consumer.run({ eachBatch: async ({ batch }) => { seen += batch.messages.length; if (seen >= records) done() } })
await finished
const elapsed = performance.now() - started
await consumer.disconnect()
reportConsumed('kafkajs', records, Number(sizeText), elapsed, rss())
