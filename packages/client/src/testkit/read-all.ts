import { randomUUID } from 'node:crypto'
import { Consumer, stringDeserializer } from '@platformatic/kafka'
import { resolveSecurity, wireSecurity, type SecurityOptions } from '../security.ts'
import type { ReadRecord } from './sequence-checker.ts'

export interface DrainedRecord extends ReadRecord {
  headers: ReadonlyMap<string, string>
}

/**
 * Reads a topic from the earliest offset in a fresh group until `expected` records arrived (or
 * the timeout passed), or, with no count given, until no new record came for `idleMs`: the final
 * drain of a loss check.
 */
export async function readAll (bootstrapBrokers: readonly string[], topic: string, options: { expected?: number, idleMs?: number, timeoutMs?: number, security?: SecurityOptions } = {}): Promise<DrainedRecord[]> {
  const consumer = new Consumer({
    groupId: `drain-${randomUUID()}`,
    clientId: 'tackle-drain',
    bootstrapBrokers: [...bootstrapBrokers],
    ...wireSecurity(resolveSecurity(options.security)),
    deserializers: { headerKey: stringDeserializer as (data?: Buffer) => string, headerValue: stringDeserializer as (data?: Buffer) => string },
  })
  const records: DrainedRecord[] = []
  try {
    const stream = await consumer.consume({ topics: [topic], mode: 'earliest', autocommit: false })
    const idleMs = options.idleMs ?? 3000
    const deadline = Date.now() + (options.timeoutMs ?? 120_000)
    await new Promise<void>((resolve, reject) => {
      const done = () => { clearTimeout(idle); clearInterval(watchdog); resolve() }
      // Told how many to expect, it waits for them up to the timeout: a consumer joining right
      // after a broker restart can take longer than idleMs for its first fetch.
      const waitIdle = () => options.expected === undefined ? setTimeout(done, idleMs) : undefined
      let idle = waitIdle()
      const watchdog = setInterval(() => { if (Date.now() > deadline) done() }, 500)
      stream.on('data', message => {
        records.push({ value: (message.value as Buffer).toString('utf8'), partition: message.partition, offset: message.offset, headers: message.headers })
        clearTimeout(idle)
        if (options.expected !== undefined && records.length >= options.expected) {
          // Linger a little: more than expected means duplicates, which the caller must see.
          idle = setTimeout(done, 500)
        } else {
          idle = waitIdle()
        }
      })
      stream.on('error', reject)
    })
    await stream.close()
  } finally {
    await consumer.close(true)
  }
  return records
}
