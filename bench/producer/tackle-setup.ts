// What both Tackle producer rows share: the arguments bench/run.ts passes, the value pool, the
// topic, and a producer at its safe defaults (idempotent, acks=all), compression off like every peer.
import { Registry } from 'prom-client'
import Type from 'typebox'
import { TackleProducer, defineTopic } from '@tackle/client'
import { peakRss, values } from '../stats.ts'

const [brokers, topicName, recordsText, sizeText] = process.argv.slice(2) as [string, string, string, string]
export const records = Number(recordsText)
export const size = Number(sizeText)
export const pool = values(1024, size)
export const topic = defineTopic<Buffer>({ name: topicName, schema: Type.Unknown(), serde: { contentType: 'application/octet-stream', serialize: b => b, deserialize: b => b } })
export const producer = new TackleProducer({ bootstrapBrokers: brokers.split(','), compression: 'none', registry: new Registry() })
export const latencies = new Float64Array(records)
export const rss = peakRss()
