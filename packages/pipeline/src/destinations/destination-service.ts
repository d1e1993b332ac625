// Runs each configured destination as a consumer group of its own on the events topic: its lag is
// in `tackle lag` and the exporter like any group's, its failures go to its own retry topic and
// DLQ, and its offsets move only after a delivery, so a crash redelivers (the webhook's batch id
// and the files' dedupe absorb that). A new destination starts at the end of the topic unless its
// config says earliest; `tackle destination replay` moves it back.
import { join } from 'node:path'
import { ClusterAdmin, ensureTopics, TackleConsumer, type SecurityOptions } from '@tackle/client'
import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { PipelineEvent } from '../event.ts'
import type { PipelineTopics } from '../topics.ts'
import { destinationNames, type Destination, type DestinationConfig } from './destination.ts'
import { filesDestination } from './parquet-files.ts'
import { webhookDestination } from './webhook.ts'

export interface DestinationServiceOptions {
  bootstrapBrokers: readonly string[]
  security: SecurityOptions | undefined
  topics: PipelineTopics
  destinations: readonly DestinationConfig[]
  /**
   * What the store's processor does to an event first (tracking plan, enrichment, privacy rules):
   * a destination gets the event as stored, never what the rules drop; undefined for an event the
   * plan refuses, which the store's processor records as failed and no destination gets.
   */
  prepare: (event: PipelineEvent) => PipelineEvent | undefined
  /** Where a files destination without a dir of its own writes: DIR/NAME. */
  filesDir: string
  groupPrefix?: string | undefined
  registry: Registry | undefined
  logger: Logger | undefined
}

export interface RunningDestination {
  readonly config: DestinationConfig
  readonly destination: Destination
  readonly consumer: TackleConsumer<PipelineEvent>
  readonly group: string
}

export interface DestinationService {
  readonly running: readonly RunningDestination[]
  readonly groups: readonly string[]
  close (): Promise<void>
}

/** A group with no offset on the events topic yet starts where the config says: by default at its end. */
async function placeNewGroup (admin: ClusterAdmin, group: string, topic: string, startAt: 'latest' | 'earliest'): Promise<void> {
  if (startAt === 'earliest') return
  const committed = (await admin.committedOffsets([group])).get(group)?.get(topic)
  if (committed !== undefined && committed.size > 0) return
  const partitions = (await admin.partitions([topic])).map(p => ({ topic, partition: p.partition }))
  const latest = (await admin.offsetsAt(partitions, 'latest')).get(topic)
  try {
    await admin.commitGroupOffsets(group, partitions.map(p => ({ ...p, offset: latest?.get(p.partition) ?? 0n })))
  } catch (error) {
    // Another processor started the same destination first: its group has members and offsets now.
    if ((await admin.committedOffsets([group])).get(group)?.get(topic)?.size) return
    throw error
  }
}

export async function startDestinations (options: DestinationServiceOptions): Promise<DestinationService> {
  const running: RunningDestination[] = []
  const close = async () => {
    for (const r of running.splice(0).reverse()) {
      await r.consumer.close().catch(error => options.logger?.error({ err: error, destination: r.config.name }, 'closing a destination\'s consumer failed'))
      await r.destination.close().catch(error => options.logger?.error({ err: error, destination: r.config.name }, 'closing a destination failed'))
    }
  }
  if (options.destinations.length === 0) return { running, groups: [], close }
  const events = options.topics.events
  const names = options.destinations.map(config => ({ config, ...destinationNames(events.name, config.name, options.groupPrefix) }))
  await ensureTopics({
    bootstrapBrokers: options.bootstrapBrokers, security: options.security, failureTopics: false,
    topics: names.flatMap(n => [n.retryTopic, n.dlqTopic].map(name => ({ name, partitions: 1, config: {} }))),
  })
  const admin = new ClusterAdmin({ bootstrapBrokers: options.bootstrapBrokers, clientId: 'tackle-destinations', security: options.security })
  try {
    for (const { config, group, retryTopic, dlqTopic } of names) {
      await placeNewGroup(admin, group, events.name, config.startAt ?? 'latest')
      const destination = config.type === 'webhook'
        ? webhookDestination(config, { logger: options.logger })
        : await filesDestination(config, { defaultDir: join(options.filesDir, config.name), logger: options.logger })
      const consumer = new TackleConsumer<PipelineEvent>({
        bootstrapBrokers: options.bootstrapBrokers,
        security: options.security,
        groupId: group,
        clientId: `tackle-destination-${config.name}`,
        topic: events,
        retryTopic,
        dlqTopic,
        maxBatchRecords: config.batchSize ?? (config.type === 'webhook' ? 100 : 1000),
        partitionConcurrency: config.type === 'webhook' ? config.concurrency ?? 2 : 1,
        registry: options.registry,
        logger: options.logger,
        batchHandler: (records, signal) => destination.deliver(records.flatMap(r => options.prepare(r.value) ?? []), signal),
      })
      running.push({ config, destination, consumer, group })
      await consumer.start()
    }
    return { running, groups: running.map(r => r.group), close }
  } catch (error) {
    await close()
    throw error
  } finally {
    await admin.close()
  }
}
