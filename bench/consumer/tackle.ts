// Tackle's consumer framework with a handler that does nothing: every record goes through its
// ordering, commit and metrics path, as in an app.
import { randomUUID } from 'node:crypto'
import { Registry } from 'prom-client'
import Type from 'typebox'
import { TackleConsumer, defineTopic } from '@tackle/client'
import { peakRss } from '../stats.ts'
import { reportConsumed } from './report.ts'

const [brokers, topicName, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
const records = Number(recordsText)
const topic = defineTopic<Buffer>({ name: topicName, schema: Type.Unknown(), serde: { contentType: 'application/octet-stream', serialize: b => b, deserialize: b => b } })
const rss = peakRss()
let seen = 0
let done: () => void = () => {}
const finished = new Promise<void>(resolve => { done = resolve })
const consumer = new TackleConsumer({
  bootstrapBrokers: brokers.split(','), groupId: `bench-${randomUUID()}`, topic, registry: new Registry(), retryTopic: undefined, lagIntervalMs: 0,
  handler: async () => { if (++seen === records) done() },
})
const started = performance.now()
await consumer.start()
await finished
const elapsed = performance.now() - started
await consumer.close()
reportConsumed('tackle', records, Number(sizeText), elapsed, rss())
