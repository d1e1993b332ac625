// The whole pipeline in one process: topics with safe settings, one producer, the collector, the
// processors, the store and the live aggregates. Closing goes in the order that loses nothing:
// stop taking requests, deliver what the producer holds, let the processors finish and commit,
// then close the store.
import { ensureTopics, TackleProducer, type SecurityOptions } from '@tackle/client'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { LiveStats } from './analytics/live-stats.ts'
import type { ExperimentConfig } from './analytics/experiment-results.ts'
import { startCollector, type Collector } from './collector/collector.ts'
import { defaultPiiRules, type PiiRules } from './processors/pii.ts'
import { startEventProcessor, startFailureRecorder } from './processors/store-events.ts'
import { TrackingPlans, type TrackingPlan } from './processors/tracking-plan.ts'
import type { EventStore } from './store/event-store.ts'
import type { HttpLimits } from './http-limits.ts'
import { openStore } from './store/open-store.ts'
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
  experiments?: Record<string, ExperimentConfig>
  lateAfterMs?: number
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
  readonly experiments: Readonly<Record<string, ExperimentConfig>>
  /** Consumer group names, for lag. */
  readonly groups: readonly string[]
  close (): Promise<void>
}

export async function startPipeline (options: PipelineOptions): Promise<Pipeline> {
  const plans = new TrackingPlans(options.trackingPlans)
  const topics = pipelineTopics(options.topicPrefix)
  await ensureTopics({ bootstrapBrokers: options.bootstrapBrokers, security: options.security, topics: allPipelineTopics(topics) })
  const store = await openStore({ databaseUrl: options.databaseUrl, duckdbPath: options.duckdbPath })
  const closers: Array<() => Promise<unknown>> = [() => store.close()]
  const close = async () => {
    for (const closer of closers.splice(0).reverse()) await closer().catch(error => options.logger?.error({ err: error }, 'closing a pipeline part failed'))
  }
  try {
    const stats = new LiveStats({ lateAfterMs: options.lateAfterMs })
    const common = { bootstrapBrokers: options.bootstrapBrokers, security: options.security, registry: options.registry, logger: options.logger }
    // The collector answers only after acks=all, so it never waits for a retry the SDK would do better itself.
    const producer = new TackleProducer({ ...common, clientId: 'tackle-collector', onBufferFull: 'reject', deliveryTimeoutMs: 30_000 })
    closers.push(() => producer.close({ timeoutMs: 30_000 }))
    const groupPrefix = options.groupPrefix ?? 'tackle'
    const groups = [`${groupPrefix}.store`, `${groupPrefix}.failures`]
    const processor = await startEventProcessor({
      ...common, topics, store, producer, plans, pii: { ...defaultPiiRules, ...options.pii }, groupId: groups[0] as string,
      onStored: (events, storedAt) => stats.recordStored(events, storedAt),
    })
    closers.push(() => processor.close())
    const recorder = await startFailureRecorder({ ...common, topics, store, groupId: groups[1] as string, onFailed: failures => stats.recordFailed(failures) })
    closers.push(() => recorder.close())
    const collector = await startCollector({
      producer, topics, writeKeys: options.writeKeys, port: options.collectorPort, host: options.collectorHost,
      maxEventBytes: options.maxEventBytes, maxBatchBytes: options.maxBatchBytes, logger: options.logger, ...options.httpLimits,
    })
    closers.push(() => collector.close())
    return { collector, store, stats, topics, groups, experiments: Object.freeze({ ...options.experiments }), close }
  } catch (error) {
    await close()
    throw error
  }
}
