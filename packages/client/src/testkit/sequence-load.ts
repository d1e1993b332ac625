// Continuous load for failure tests: batches of sends, each value "k<key>:<sequence>" (checkSequences'
// default producer:sequence form, the key standing for the producer), every acknowledgement and error kept.
import type { TackleProducer } from '../producer/producer.ts'
import type { TopicDefinition } from '../topics/define-topic.ts'
import type { AckedRecord } from './sequence-checker.ts'

export interface SequenceLoad {
  readonly acked: AckedRecord[]
  readonly errors: unknown[]
  /** Stops after the batch in flight and waits for it. */
  stop (): Promise<void>
}

export function startSequenceLoad<T> (producer: TackleProducer, topic: TopicDefinition<T>, value: (id: string) => T, options: { batch?: number, pauseMs?: number, keys?: number } = {}): SequenceLoad {
  const { batch = 50, pauseMs = 20, keys = 13 } = options
  const acked: AckedRecord[] = []
  const errors: unknown[] = []
  let running = true
  const loop = (async () => {
    for (let i = 0; running; i++) {
      const ids = Array.from({ length: batch }, (_, j) => `k${(i * batch + j) % keys}:${i * batch + j}`)
      await Promise.all(ids.map(id => producer.send(topic, value(id)).then(m => { acked.push({ value: id, partition: m.partition, offset: m.offset }) }, (e: unknown) => { errors.push(e) })))
      await new Promise(resolve => setTimeout(resolve, pauseMs))
    }
  })()
  return {
    acked,
    errors,
    async stop () {
      running = false
      await loop
    },
  }
}
