// The whole pipeline in one process: topics with safe settings, one producer shared by the
// collector and the processors, the store and the live aggregates. The collector and the
// processors are services of their own (collector-service.ts, processor-service.ts), which
// service-main.ts also runs one per process, to scale each out.
import { ensureTopics, type SecurityOptions } from '@tackle/client'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { LiveStats } from './analytics/live-stats.ts'
import type { Collector } from './collector/collector.ts'
import type { FlagsProvider } from './collector/flags-api.ts'
import { collectorProducer, startCollectorService } from './collector-service.ts'
import type { DestinationConfig } from './destinations/destination.ts'
import type { EnrichmentSettings } from './processors/enrich-event.ts'
import type { PiiRules } from './processors/pii.ts'
import { startProcessorService, type ProcessorService } from './processor-service.ts'
import type { TrackingPlan } from './processors/tracking-plan.ts'
import type { EventStore } from './store/event-store.ts'
import type { HttpLimits } from './http-limits.ts'
import { pipelineTopics, allPipelineTopics, type PipelineTopics } from './topics.ts'

export interface PipelineOptions {
  bootstrapBrokers: readonly string[]
  security?: SecurityOptions | undefined
  writeKeys: readonly string[]
  collectorPort?: number
  collectorHost?: string
  /** PostgreSQL URL; without it, the DuckDB file at duckdbPath. */
  databaseUrl?: string | undefined
  duckdbPath: string
  topicPrefix?: string
  groupPrefix?: string
  maxEventBytes?: number
  maxBatchBytes?: number
  trackingPlans?: Record<string, TrackingPlan>
  pii?: Partial<PiiRules>
  enrichment?: EnrichmentSettings | undefined
  /** Experiment definitions by id, as the config file gives them (the analytics package reads them). */
  experiments?: Record<string, unknown>
  /** Makes what answers PostHog's /flags from the store, which the pipeline opens (the analytics package's experiments). */
  flags?: ((store: EventStore) => FlagsProvider) | undefined
  lateAfterMs?: number
  /** Events older than this many days are deleted; default: kept. */
  retentionDays?: number | undefined
  /** Webhooks and Parquet files fed from the events topic, each a consumer group of its own. */
  destinations?: readonly DestinationConfig[] | undefined
  /** The collector's timeouts and connection cap. */
  httpLimits?: Partial<HttpLimits>
  registry?: Registry | undefined
  logger?: Logger | undefined
}

export interface Pipeline {
  readonly collector: Collector
  readonly store: EventStore
  readonly stats: LiveStats
  readonly topics: PipelineTopics
  readonly experiments: Readonly<Record<string, unknown>>
  /** Consumer group names, for lag. */
  readonly groups: readonly string[]
  close (): Promise<void>
}

export async function startPipeline (options: PipelineOptions): Promise<Pipeline> {
  const topics = pipelineTopics(options.topicPrefix)
  await ensureTopics({ bootstrapBrokers: options.bootstrapBrokers, security: options.security, topics: allPipelineTopics(topics) })
  const common = { bootstrapBrokers: options.bootstrapBrokers, security: options.security, registry: options.registry, logger: options.logger }
  // One producer for the collector and the failure records; closed after both.
  const producer = collectorProducer(common)
  let processors: ProcessorService | undefined
  try {
    processors = await startProcessorService({
      ...common, topics, producer, databaseUrl: options.databaseUrl, duckdbPath: options.duckdbPath, groupPrefix: options.groupPrefix,
      trackingPlans: options.trackingPlans, pii: options.pii, enrichment: options.enrichment, lateAfterMs: options.lateAfterMs, retentionDays: options.retentionDays,
      destinations: options.destinations,
    })
    const { collector } = await startCollectorService({
      ...common, topics, producer, writeKeys: options.writeKeys, port: options.collectorPort, host: options.collectorHost,
      maxEventBytes: options.maxEventBytes, maxBatchBytes: options.maxBatchBytes, httpLimits: options.httpLimits,
      flags: options.flags?.(processors.store),
    })
    const running = processors
    return {
      collector, store: running.store, stats: running.stats, topics, groups: running.groups, experiments: Object.freeze({ ...options.experiments }),
      // Stop taking requests, let the processors finish and commit, deliver what the producer holds, close the store.
      async close () {
        await collector.close().catch(error => options.logger?.error({ err: error }, 'closing the collector failed'))
        await running.close()
        await producer.close({ timeoutMs: 30_000 }).catch(error => options.logger?.error({ err: error }, 'closing the producer failed'))
      },
    }
  } catch (error) {
    await processors?.close()
    await producer.close({ timeoutMs: 5_000 }).catch(() => undefined)
    throw error
  }
}
