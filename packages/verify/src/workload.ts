// The workload of a verification run: several producers through Tackle's client, each writing
// unique values (producer id + sequence) at a steady rate with a cap on sends in flight, and a
// consumer group reading along. Each producer writes to one partition (producer i to partition
// i mod 6, through keys that hash there), so a fault on one leader stalls only its producers, and
// writes to the other leaders go on, as Jepsen's do. Every send is logged as ok (with partition
// and offset), failed or indeterminate, every record read as a poll.
import { Buffer } from 'node:buffer'
import { defineTopic, partitionForKey, TackleConsumer, TackleProducer, Type, type TopicDefinition } from '@tackle/client'
import pino from 'pino'
import { Registry } from 'prom-client'
import type { PollOp, SendOp } from './history.ts'

export interface WorkloadOptions {
  brokers: readonly string[]
  topic: string
  producers: number
  /** Records per second per producer. */
  ratePerProducer: number
  /** Sends a producer may have unsettled; past it, it waits. */
  maxInFlight: number
  /** The positive control: acks=1, no idempotence. */
  unsafe: boolean
  consumers: number
}

const Value = Type.Object({ v: Type.String(), k: Type.String() })
type Value = Type.Static<typeof Value>

export const WORKLOAD_PARTITIONS = 6

/** A few keys that Tackle's partitioner (Kafka's murmur2) puts on `partition`. */
export function keysFor (partition: number, count = 4): string[] {
  const keys: string[] = []
  for (let n = 0; keys.length < count; n++) {
    const key = `key-${n}`
    if (partitionForKey(Buffer.from(key), WORKLOAD_PARTITIONS) === partition) keys.push(key)
  }
  return keys
}

export class Workload {
  readonly sends: SendOp[] = []
  readonly polls: PollOp[] = []
  readonly #options: WorkloadOptions
  readonly #topic: TopicDefinition<Value>
  readonly #producers: TackleProducer[] = []
  readonly #consumers: Array<TackleConsumer<Value>> = []
  readonly #loops: Array<Promise<void>> = []
  /** The last acknowledgement of each producer, in ms since the epoch. */
  readonly lastAck = new Map<string, number>()
  #running = false

  constructor (options: WorkloadOptions) {
    this.#options = options
    this.#topic = defineTopic<Value>({ name: options.topic, schema: Value, partitions: WORKLOAD_PARTITIONS, key: v => v.k })
  }

  get producerIds (): string[] {
    return Array.from({ length: this.#options.producers }, (_, i) => `p${i + 1}`)
  }

  async start (): Promise<void> {
    this.#running = true
    const logger = pino({ level: 'silent' })
    for (let i = 0; i < this.#options.consumers; i++) {
      const consumerId = `c${i + 1}`
      const consumer = new TackleConsumer<Value>({
        bootstrapBrokers: this.#options.brokers, groupId: `${this.#options.topic}-readers`, clientId: consumerId, topic: this.#topic, retryTopic: undefined, registry: new Registry(), logger, lagIntervalMs: 0,
        handler: async (value, context) => { this.polls.push({ consumer: consumerId, value: value.v, partition: context.partition, offset: context.offset, at: Date.now() }) },
      })
      // A fresh cluster's group coordinator can take a while to answer: joining is tried again.
      for (let attempt = 1; ; attempt++) {
        try {
          await consumer.start()
          break
        } catch (error) {
          if (attempt >= 5) throw error
          await new Promise(resolve => setTimeout(resolve, attempt * 2000))
        }
      }
      this.#consumers.push(consumer)
    }
    for (const [index, id] of this.producerIds.entries()) {
      const producer = new TackleProducer({
        bootstrapBrokers: this.#options.brokers, clientId: `verify-${id}`, registry: new Registry(), logger, lingerMs: 2,
        ...(this.#options.unsafe ? { unsafeAcks: 1 as const, unsafeDisableIdempotence: true } : {}),
      })
      this.#producers.push(producer)
      this.#loops.push(this.#produce(id, producer, keysFor(index % WORKLOAD_PARTITIONS)))
    }
  }

  async #produce (id: string, producer: TackleProducer, keys: readonly string[]): Promise<void> {
    const tickMs = 20
    const perTick = Math.max(1, Math.round(this.#options.ratePerProducer * tickMs / 1000))
    const settling = new Set<Promise<void>>()
    let sequence = 0
    while (this.#running) {
      for (let i = 0; i < perTick && settling.size < this.#options.maxInFlight; i++) {
        const op: SendOp = { producer: id, sequence, value: `${id}:${sequence}`, sentAt: Date.now(), settledAt: 0, outcome: 'indeterminate' }
        sequence++
        this.sends.push(op)
        const settled = producer.send(this.#topic, { v: op.value, k: keys[op.sequence % keys.length] as string }).then(meta => {
          op.outcome = 'ok'
          op.partition = meta.partition
          op.offset = meta.offset
          this.lastAck.set(id, Date.now())
        }, (error: { indeterminate?: boolean, message?: string }) => {
          op.outcome = error.indeterminate === false ? 'failed' : 'indeterminate'
          op.error = error.message
        }).finally(() => {
          op.settledAt = Date.now()
          settling.delete(settled)
        })
        settling.add(settled)
      }
      await new Promise(resolve => setTimeout(resolve, tickMs))
    }
    await Promise.all(settling)
  }

  /** Stops sending, waits for every send to settle, then closes producers and consumers. */
  async stop (): Promise<void> {
    this.#running = false
    await Promise.all(this.#loops)
    await Promise.allSettled(this.#producers.map(p => p.close({ timeoutMs: 10_000 })))
    await Promise.allSettled(this.#consumers.map(c => c.close()))
  }
}
