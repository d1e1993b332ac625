// `tackle events replay`: re-drive failed events into the events topic, for instance after a
// tracking plan was fixed. Only events that were valid when collected (failed at a later step)
// are re-sent, unchanged, messageId included, so the store's dedupe stores each at most once
// however often a replay runs. A consumer group remembers how far replay got, so a second run
// re-sends nothing; `fromBeginning` starts a fresh group.
import { randomUUID } from 'node:crypto'
import { TackleConsumer, TackleProducer, type SecurityOptions } from '@tackle/client'
import type { Logger } from 'pino'
import { Registry } from 'prom-client'
import type { FailedEvent, PipelineEvent } from './event.ts'
import { PipelineError, PipelineErrorCodes } from './errors.ts'
import type { PipelineTopics } from './topics.ts'

export const REPLAYABLE_STEPS: ReadonlyArray<FailedEvent['step']> = ['validate', 'process', 'store']

export interface ReplayOptions {
  bootstrapBrokers: readonly string[]
  security?: SecurityOptions | undefined
  topics: PipelineTopics
  /** Only failures of these steps; default every step after collection. */
  steps?: ReadonlyArray<FailedEvent['step']>
  fromBeginning?: boolean
  groupId?: string
  timeoutMs?: number
  onProgress?: (progress: ReplayResult) => void
  logger?: Logger | undefined
}

export interface ReplayResult {
  read: number
  replayed: number
  /** Failures whose payload is not an event (rejected at collection): replaying them would fail again. */
  skipped: number
}

/** The payload as an event, checked by the events topic's own schema; undefined when it is not one. */
function asEvent (topics: PipelineTopics, payload: unknown): PipelineEvent | undefined {
  try {
    return topics.events.validate(payload)
  } catch {
    return undefined
  }
}

export async function replayFailedEvents (options: ReplayOptions): Promise<ReplayResult> {
  const steps = new Set(options.steps ?? REPLAYABLE_STEPS)
  const result: ReplayResult = { read: 0, replayed: 0, skipped: 0 }
  const registry = new Registry()
  const producer = new TackleProducer({ bootstrapBrokers: options.bootstrapBrokers, security: options.security, clientId: 'tackle-replay', registry, logger: options.logger })
  const consumer = new TackleConsumer<FailedEvent>({
    bootstrapBrokers: options.bootstrapBrokers,
    security: options.security,
    groupId: options.fromBeginning ? `tackle.replay.${randomUUID()}` : (options.groupId ?? 'tackle.replay'),
    clientId: 'tackle-replay',
    topic: options.topics.failed,
    retryTopic: undefined,
    lagIntervalMs: 0,
    registry,
    logger: options.logger,
    handler: async (failure) => {
      result.read++
      const event = steps.has(failure.step) ? asEvent(options.topics, failure.payload) : undefined
      if (!event) {
        result.skipped++
        return
      }
      await producer.send(options.topics.events, event)
      result.replayed++
      options.onProgress?.({ ...result })
    },
  })
  try {
    await consumer.start()
    const deadline = Date.now() + (options.timeoutMs ?? 120_000)
    // Done when the group has caught up with every partition it was given.
    for (;;) {
      const lag = await consumer.refreshLag()
      const partitions = [...lag.values()].flatMap(p => [...p.values()])
      if (partitions.length > 0 && partitions.every(l => l <= 0n)) break
      if (Date.now() > deadline) throw new PipelineError(PipelineErrorCodes.UNAVAILABLE, `replay did not catch up within ${Math.round((options.timeoutMs ?? 120_000) / 1000)} s (${result.replayed} replayed so far)`, { retryAfterSec: 5 })
      await new Promise(resolve => setTimeout(resolve, 500))
    }
    return result
  } finally {
    await consumer.close()
    await producer.close({ timeoutMs: 30_000 })
  }
}
