// The processors as a service of their own: the store, the store processor, the failure
// recorder and the destinations, each a consumer group member. Any number run side by side;
// Kafka spreads the events topic's partitions over them, and a member that dies has its
// partitions moved to the others.
import { dirname, join } from 'node:path'
import type { SecurityOptions, TackleConsumer, TackleProducer } from '@tackle/client'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { LiveStats } from './analytics/live-stats.ts'
import { PipelineError, PipelineErrorCodes } from './errors.ts'
import { collectorProducer } from './collector-service.ts'
import type { DestinationConfig } from './destinations/destination.ts'
import { startDestinations, type DestinationService } from './destinations/destination-service.ts'
import type { FailedEvent, PipelineEvent } from './event.ts'
import { enricher, enrichmentRules, type EnrichmentSettings } from './processors/enrich-event.ts'
import { defaultPiiRules, type PiiRules } from './processors/pii.ts'
import { prepare, startEventProcessor, startFailureRecorder } from './processors/store-events.ts'
import { TrackingPlans, type TrackingPlan } from './processors/tracking-plan.ts'
import type { EventStore } from './store/event-store.ts'
import { openStore } from './store/open-store.ts'
import type { PipelineTopics } from './topics.ts'

export interface ProcessorServiceOptions {
  bootstrapBrokers: readonly string[]
  security?: SecurityOptions | undefined
  topics: PipelineTopics
  /** PostgreSQL URL; without it, the DuckDB file at duckdbPath (one process only: DuckDB locks its file). */
  databaseUrl?: string | undefined
  duckdbPath: string
  groupPrefix?: string | undefined
  trackingPlans?: Record<string, TrackingPlan> | undefined
  pii?: Partial<PiiRules> | undefined
  enrichment?: EnrichmentSettings | undefined
  lateAfterMs?: number | undefined
  /** Events older than this many days (by event time) are deleted, checked hourly; default: kept. */
  retentionDays?: number | undefined
  /** Webhooks and Parquet files, each a consumer group of its own (checked by parseDestinations). */
  destinations?: readonly DestinationConfig[] | undefined
  /** Where files destinations without a dir write; default: destinations/ beside the DuckDB file. */
  destinationsDir?: string | undefined
  /** Share a producer for failure records; otherwise the service makes and closes its own. */
  producer?: TackleProducer | undefined
  registry?: Registry | undefined
  logger?: Logger | undefined
}

export interface ProcessorService {
  readonly store: EventStore
  readonly stats: LiveStats
  readonly processor: TackleConsumer<PipelineEvent>
  readonly recorder: TackleConsumer<FailedEvent>
  readonly destinations: DestinationService
  /** Consumer group names, for lag. */
  readonly groups: readonly string[]
  close (): Promise<void>
}

const RETENTION_CHECK_MS = 3_600_000

/** Deletes events past the retention now and every hour; returns the stop. */
function enforceRetention (store: EventStore, days: number, logger: Logger | undefined): () => Promise<void> {
  if (!(Number.isFinite(days) && days > 0)) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `retentionDays must be a positive number of days, got ${JSON.stringify(days)}`)
  const sweep = () => store.deleteEventsBefore(new Date(Date.now() - days * 86_400_000))
    .then(n => { if (n > 0) logger?.info({ deleted: n, retentionDays: days }, 'deleted events past the retention setting') })
    .catch(error => logger?.warn({ err: error }, 'deleting events past the retention setting failed; trying again in an hour'))
  let running = sweep()
  const timer = setInterval(() => { running = sweep() }, RETENTION_CHECK_MS)
  timer.unref()
  return async () => {
    clearInterval(timer)
    await running
  }
}

export async function startProcessorService (options: ProcessorServiceOptions): Promise<ProcessorService> {
  const plans = new TrackingPlans(options.trackingPlans)
  const store = await openStore({ databaseUrl: options.databaseUrl, duckdbPath: options.duckdbPath })
  const closers: Array<() => Promise<unknown>> = [() => store.close()]
  // Reverse order of start: the consumers finish and commit, then the producer delivers, then the store closes.
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(error => options.logger?.error({ err: error }, 'closing a processor part failed'))
  }
  try {
    const stats = new LiveStats({ lateAfterMs: options.lateAfterMs })
    // Before the consumers start, so no event is counted both from the store and as it arrives.
    await stats.rebuildFrom(store).catch(error => options.logger?.warn({ err: error }, 'the live aggregates could not be rebuilt from the store; they start empty'))
    if (options.retentionDays !== undefined) closers.push(enforceRetention(store, options.retentionDays, options.logger))
    const common = { bootstrapBrokers: options.bootstrapBrokers, security: options.security, registry: options.registry, logger: options.logger }
    const producer = options.producer ?? collectorProducer(common)
    if (options.producer === undefined) closers.push(() => producer.close({ timeoutMs: 30_000 }))
    const groupPrefix = options.groupPrefix ?? 'tackle'
    const groups = [`${groupPrefix}.store`, `${groupPrefix}.failures`]
    const rules = { plans, pii: { ...defaultPiiRules, ...options.pii }, enrich: enricher(enrichmentRules(options.enrichment)) }
    const processor = await startEventProcessor({
      ...common, ...rules, topics: options.topics, store, producer, groupId: groups[0] as string,
      onStored: (events, storedAt) => stats.recordStored(events, storedAt),
    })
    closers.push(() => processor.close())
    const recorder = await startFailureRecorder({ ...common, topics: options.topics, store, groupId: groups[1] as string, onFailed: failures => stats.recordFailed(failures) })
    closers.push(() => recorder.close())
    const destinations = await startDestinations({
      ...common, topics: options.topics, groupPrefix, destinations: options.destinations ?? [],
      prepare: event => { const checked = prepare(event, rules); return 'event' in checked ? checked.event : undefined },
      filesDir: options.destinationsDir ?? join(dirname(options.duckdbPath), 'destinations'),
    })
    closers.push(() => destinations.close())
    return { store, stats, processor, recorder, destinations, groups: [...groups, ...destinations.groups], close }
  } catch (error) {
    await close()
    throw error
  }
}
