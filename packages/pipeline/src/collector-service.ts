// The collector as a service of its own: a producer (acks=all, idempotent) and the HTTP server.
// Stateless, so any number run side by side behind a load balancer; `startPipeline` runs one in
// the same process as the processors, `service-main.ts` one per process.
import { TackleProducer, type SecurityOptions } from '@tackle/client'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { startCollector, type Collector } from './collector/collector.ts'
import type { FlagsProvider } from './collector/flags-api.ts'
import type { HttpLimits } from './http-limits.ts'
import type { PipelineTopics } from './topics.ts'

export interface CollectorServiceOptions {
  bootstrapBrokers: readonly string[]
  security?: SecurityOptions | undefined
  topics: PipelineTopics
  writeKeys: readonly string[]
  port?: number | undefined
  host?: string | undefined
  maxEventBytes?: number | undefined
  maxBatchBytes?: number | undefined
  httpLimits?: Partial<HttpLimits> | undefined
  /** Share a producer (the all-in-one pipeline does); otherwise the service makes and closes its own. */
  producer?: TackleProducer | undefined
  /** Answers PostHog's /flags and /decide (the analytics package's experiments). */
  flags?: FlagsProvider | undefined
  registry?: Registry | undefined
  logger?: Logger | undefined
}

export interface CollectorService {
  readonly collector: Collector
  readonly producer: TackleProducer
  close (): Promise<void>
}

/** The collector's producer: it answers only after acks=all, so it never waits for a retry the SDK would do better itself. */
export function collectorProducer (options: Pick<CollectorServiceOptions, 'bootstrapBrokers' | 'security' | 'registry' | 'logger'>): TackleProducer {
  return new TackleProducer({ bootstrapBrokers: options.bootstrapBrokers, security: options.security, registry: options.registry, logger: options.logger, clientId: 'tackle-collector', onBufferFull: 'reject', deliveryTimeoutMs: 30_000 })
}

export async function startCollectorService (options: CollectorServiceOptions): Promise<CollectorService> {
  const producer = options.producer ?? collectorProducer(options)
  const owned = options.producer === undefined
  try {
    const collector = await startCollector({
      producer, topics: options.topics, writeKeys: options.writeKeys, port: options.port, host: options.host,
      maxEventBytes: options.maxEventBytes, maxBatchBytes: options.maxBatchBytes, logger: options.logger, flags: options.flags, ...options.httpLimits,
    })
    return {
      collector,
      producer,
      // Stop taking requests first, then deliver what the producer holds.
      async close () {
        await collector.close()
        if (owned) await producer.close({ timeoutMs: 30_000 })
      },
    }
  } catch (error) {
    if (owned) await producer.close({ timeoutMs: 5_000 }).catch(() => undefined)
    throw error
  }
}
