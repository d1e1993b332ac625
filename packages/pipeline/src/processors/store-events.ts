// The processor between Kafka and the store, one consumer group: check the tracking plan, apply
// the privacy rules, then write in group-committed batches. Dedupe is the store's: an insert of a
// (writeKey, messageId) it already holds stores nothing, for as long as the row is kept (well
// past the 7 days an SDK or a replay could resend it). The offset is committed only after the
// write, so a crash redelivers, and the dedupe absorbs the redelivery.
import { TackleConsumer, type SecurityOptions, type TackleProducer } from '@tackle/client'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import type { PipelineTopics } from '../topics.ts'
import { WriteBatcher } from '../store/write-batcher.ts'
import type { EventStore } from '../store/event-store.ts'
import { applyPii, type PiiRules } from './pii.ts'
import type { TrackingPlans } from './tracking-plan.ts'

export interface EventProcessorOptions {
  bootstrapBrokers: readonly string[]
  security: SecurityOptions | undefined
  topics: PipelineTopics
  store: EventStore
  /** Sends plan violations (enforce mode) to the failed-events topic. */
  producer: TackleProducer
  plans: TrackingPlans
  pii: PiiRules
  groupId: string
  onStored: (events: readonly PipelineEvent[], storedAt: Date) => void
  registry: Registry | undefined
  logger: Logger | undefined
}

export async function startEventProcessor (options: EventProcessorOptions): Promise<TackleConsumer<PipelineEvent>> {
  const batcher = new WriteBatcher(options.store, { onWritten: options.onStored })
  const consumer = new TackleConsumer<PipelineEvent>({
    bootstrapBrokers: options.bootstrapBrokers,
    security: options.security,
    groupId: options.groupId,
    clientId: 'tackle-store',
    topic: options.topics.events,
    partitionConcurrency: options.topics.events.partitions,
    registry: options.registry,
    logger: options.logger,
    handler: async (event) => {
      const verdict = options.plans.check(event)
      if (verdict?.mode === 'enforce') {
        const failure: FailedEvent = {
          reason: `tracking plan: ${verdict.violations.join('; ')}`, step: 'validate', writeKey: event.writeKey, messageId: event.messageId,
          payload: event, receivedAt: event.receivedAt, failedAt: new Date().toISOString(),
        }
        await options.producer.send(options.topics.failed, failure)
        return
      }
      const clean = applyPii(event, options.pii)
      const marked = verdict ? { ...clean, context: { ...clean.context, tackle: { violations: verdict.violations } } } : clean
      await batcher.write(marked)
    },
  })
  await consumer.start()
  return consumer
}

export async function startFailureRecorder (options: Pick<EventProcessorOptions, 'bootstrapBrokers' | 'security' | 'topics' | 'store' | 'registry' | 'logger'> & { groupId: string, onFailed: (failures: readonly FailedEvent[]) => void }): Promise<TackleConsumer<FailedEvent>> {
  const consumer = new TackleConsumer<FailedEvent>({
    bootstrapBrokers: options.bootstrapBrokers,
    security: options.security,
    groupId: options.groupId,
    clientId: 'tackle-failures',
    topic: options.topics.failed,
    partitionConcurrency: options.topics.failed.partitions,
    registry: options.registry,
    logger: options.logger,
    handler: async (failure) => {
      await options.store.insertFailures([failure])
      options.onFailed([failure])
    },
  })
  await consumer.start()
  return consumer
}
