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
import type { Enrich } from './enrich-event.ts'
import { applyPii, type PiiRules } from './pii.ts'
import { untilStored } from './until-stored.ts'
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
  /** Adds GeoIP, user-agent and bot facts, before the privacy rules. */
  enrich: Enrich
  groupId: string
  onStored: (events: readonly PipelineEvent[], storedAt: Date) => void
  registry: Registry | undefined
  logger: Logger | undefined
}

export async function startEventProcessor (options: EventProcessorOptions): Promise<TackleConsumer<PipelineEvent>> {
  const batcher = new WriteBatcher(options.store, { onWritten: options.onStored })
  // Violations are recorded and the rest stored; rows the store refuses for their content are
  // recorded too, and the partition moves on. The consumer closing ends a wait for the store.
  const handle = async (events: readonly PipelineEvent[], signal: AbortSignal) => {
    const checked = events.map(event => prepare(event, options))
    const failures = checked.filter((c): c is { failure: FailedEvent } => 'failure' in c).map(c => c.failure)
    const clean = checked.filter((c): c is { event: PipelineEvent } => 'event' in c).map(c => c.event)
    const outcomes = clean.length === 0
      ? []
      : await untilStored(() => batcher.writeMany(clean), signal, (error, attempt) => {
        options.logger?.warn({ err: error, attempt, events: clean.length }, 'the store refused a write; trying again, the events wait in Kafka')
      })
    outcomes.forEach((outcome, i) => {
      if (typeof outcome === 'object') failures.push(failedAt('store', `the store refused it: ${outcome.refused}`, clean[i] as PipelineEvent))
    })
    await Promise.all(failures.map(failure => options.producer.send(options.topics.failed, failure)))
  }
  const consumer = new TackleConsumer<PipelineEvent>({
    bootstrapBrokers: options.bootstrapBrokers,
    security: options.security,
    groupId: options.groupId,
    clientId: 'tackle-store',
    topic: options.topics.events,
    partitionConcurrency: options.topics.events.partitions,
    registry: options.registry,
    logger: options.logger,
    // A partition's waiting records go to the store in one write; one record alone when a batch failed.
    batchHandler: (records, signal) => handle(records.map(r => r.value), signal),
  })
  await consumer.start()
  return consumer
}

/**
 * The tracking plan's verdict, then enrichment and the privacy rules: an event to store, or a failure to record.
 * Whatever an event holds, it fails alone: an exception here is its failure, not the batch's.
 */
export function prepare (event: PipelineEvent, options: Pick<EventProcessorOptions, 'plans' | 'pii' | 'enrich'>): { event: PipelineEvent } | { failure: FailedEvent } {
  try {
    const verdict = options.plans.check(event)
    if (verdict?.mode === 'enforce') return { failure: failedAt('validate', `tracking plan: ${verdict.violations.join('; ')}`, event) }
    const clean = applyPii(options.enrich(event), options.pii)
    if (!verdict) return { event: clean }
    const tackle = typeof clean.context.tackle === 'object' && clean.context.tackle !== null ? clean.context.tackle : {}
    return { event: { ...clean, context: { ...clean.context, tackle: { ...tackle, violations: verdict.violations } } } }
  } catch (error) {
    return { failure: failedAt('process', `processing failed: ${(error as Error)?.message ?? String(error)}`, event) }
  }
}

function failedAt (step: FailedEvent['step'], reason: string, event: PipelineEvent): FailedEvent {
  return { reason, step, writeKey: event.writeKey, messageId: event.messageId, payload: event, receivedAt: event.receivedAt, failedAt: new Date().toISOString() }
}

export async function startFailureRecorder (options: Pick<EventProcessorOptions, 'bootstrapBrokers' | 'security' | 'topics' | 'store' | 'registry' | 'logger'> & { groupId: string, onFailed: (failures: readonly FailedEvent[]) => void }): Promise<TackleConsumer<FailedEvent>> {
  const record = async (failures: FailedEvent[], signal: AbortSignal) => {
    await untilStored(() => options.store.insertFailures(failures), signal)
    options.onFailed(failures)
  }
  const consumer = new TackleConsumer<FailedEvent>({
    bootstrapBrokers: options.bootstrapBrokers,
    security: options.security,
    groupId: options.groupId,
    clientId: 'tackle-failures',
    topic: options.topics.failed,
    partitionConcurrency: options.topics.failed.partitions,
    registry: options.registry,
    logger: options.logger,
    batchHandler: (records, signal) => record(records.map(r => r.value), signal),
  })
  await consumer.start()
  return consumer
}
