// Creates declared topics with Tackle's safe settings and reports existing ones that are weaker:
// replication factor min(3, brokers), min.insync.replicas min(2, brokers), no unclean leader
// election (Jepsen's Kafka analysis: anything less can lose acknowledged writes).
import { Admin, ConfigResourceTypes } from '@platformatic/kafka'
import { ClusterAdmin } from '../admin/cluster-admin.ts'
import { ClientError, ClientErrorCodes, kafkaErrorNames } from '../errors.ts'
import { resolveSecurity, wireSecurity, type SecurityOptions } from '../security.ts'
import type { TopicDefinition } from './define-topic.ts'

export interface WeakTopic {
  topic: string
  problems: string[]
}

export interface EnsureTopicsResult {
  created: string[]
  existing: string[]
  weak: WeakTopic[]
}

export interface TopicSettings {
  name: string
  partitions: number
  config: Readonly<Record<string, string>>
}

export interface EnsureTopicsOptions {
  bootstrapBrokers: readonly string[]
  topics: ReadonlyArray<TopicDefinition<never> | TopicSettings>
  /**
   * Also create the `<name>.retry` and `<name>.dlq` topics that a TackleConsumer of each typed
   * topic (one made by defineTopic) parks failed records in. Default true.
   */
  failureTopics?: boolean
  clientId?: string
  security?: SecurityOptions
}

/** The retry and dead-letter topics a TackleConsumer of `topic` uses by default, one partition each. */
export function failureTopicsOf (topic: string): TopicSettings[] {
  return ['retry', 'dlq'].map(suffix => ({ name: `${topic}.${suffix}`, partitions: 1, config: {} }))
}

function declaredTopics (options: EnsureTopicsOptions): Array<TopicDefinition<never> | TopicSettings> {
  const all = options.topics.flatMap(topic => options.failureTopics !== false && 'schema' in topic ? [topic, ...failureTopicsOf(topic.name)] : [topic])
  const seen = new Set<string>()
  return all.filter(topic => !seen.has(topic.name) && seen.add(topic.name))
}

export function safeTopicSettings (brokers: number): { replicationFactor: number, minInsyncReplicas: number } {
  return { replicationFactor: Math.min(3, brokers), minInsyncReplicas: Math.min(2, brokers) }
}

export interface Weakness {
  setting: 'replication.factor' | 'min.insync.replicas' | 'unclean.leader.election.enable'
  value: string
  /** The safe value for this cluster. */
  wanted: string
  /** In words an operator acts on. */
  problem: string
}

/** What makes an existing topic weaker than Tackle's defaults. */
export function topicWeaknesses (replicationFactor: number, configs: ReadonlyMap<string, string | null | undefined>, brokers: number): Weakness[] {
  const safe = safeTopicSettings(brokers)
  const minIsr = Number(configs.get('min.insync.replicas') ?? 1)
  const found: Weakness[] = []
  const rf = String(replicationFactor)
  if (replicationFactor < safe.replicationFactor) found.push({ setting: 'replication.factor', value: rf, wanted: String(safe.replicationFactor), problem: `replication factor ${rf} < ${safe.replicationFactor}` })
  if (minIsr < safe.minInsyncReplicas) found.push({ setting: 'min.insync.replicas', value: String(minIsr), wanted: String(safe.minInsyncReplicas), problem: `min.insync.replicas ${minIsr} < ${safe.minInsyncReplicas}` })
  if (replicationFactor > 1 && replicationFactor <= minIsr) {
    found.push({ setting: 'replication.factor', value: rf, wanted: String(Math.max(safe.replicationFactor, minIsr + 1)), problem: `replication factor ${rf} ≤ min.insync.replicas ${minIsr}: one broker down stops all writes` })
  }
  if (configs.get('unclean.leader.election.enable') === 'true') found.push({ setting: 'unclean.leader.election.enable', value: 'true', wanted: 'false', problem: 'unclean.leader.election.enable=true can lose acknowledged records' })
  return found
}

export async function ensureTopics (options: EnsureTopicsOptions): Promise<EnsureTopicsResult> {
  const admin = new Admin({ clientId: options.clientId ?? 'tackle-ensure-topics', bootstrapBrokers: [...options.bootstrapBrokers], ...wireSecurity(resolveSecurity(options.security)) })
  try {
    const metadata = await admin.metadata({ forceUpdate: true })
    const brokers = metadata.brokers.size
    const safe = safeTopicSettings(brokers)
    const present = new Set(await admin.listTopics())
    const result: EnsureTopicsResult = { created: [], existing: [], weak: [] }

    for (const topic of declaredTopics(options)) {
      if (present.has(topic.name)) {
        result.existing.push(topic.name)
        continue
      }
      const configs = { 'min.insync.replicas': String(safe.minInsyncReplicas), 'unclean.leader.election.enable': 'false', ...topic.config }
      try {
        await admin.createTopics({
          topics: [topic.name],
          partitions: topic.partitions,
          replicas: safe.replicationFactor,
          configs: Object.entries(configs).map(([name, value]) => ({ name, value })),
        })
        result.created.push(topic.name)
      } catch (error) {
        // Another process created it between our look and our create: as good as ours.
        if (!kafkaErrorNames(error).includes('TOPIC_ALREADY_EXISTS')) {
          throw new ClientError(ClientErrorCodes.TOPIC_FAILED, `creating topic "${topic.name}" failed: ${(error as Error).message}`, { topic: topic.name, cause: error })
        }
        result.existing.push(topic.name)
      }
    }

    if (result.created.length > 0) await waitUntilKnown(options, result.created)
    if (result.existing.length > 0) {
      const described = await admin.describeConfigs({ resources: result.existing.map(name => ({ resourceType: ConfigResourceTypes.TOPIC, resourceName: name })) })
      const existingMetadata = await admin.metadata({ topics: result.existing, forceUpdate: true })
      for (const description of described) {
        const partitions = existingMetadata.topics.get(description.resourceName)?.partitions ?? []
        const replicationFactor = Math.min(...partitions.map(p => p.replicas.length))
        const configs = new Map(description.configs.map(c => [c.name, c.value]))
        const problems = topicWeaknesses(replicationFactor, configs, brokers).map(w => w.problem)
        if (problems.length > 0) result.weak.push({ topic: description.resourceName, problems })
      }
    }
    return result
  } finally {
    await admin.close()
  }
}

/** Until every broker knows the new topics, a producer or consumer asking one that does not is told they do not exist. */
async function waitUntilKnown (options: EnsureTopicsOptions, topics: readonly string[]): Promise<void> {
  const admin = new ClusterAdmin({ bootstrapBrokers: options.bootstrapBrokers, security: options.security, clientId: options.clientId ?? 'tackle-ensure-topics' })
  try {
    await admin.waitForTopics(topics)
  } finally {
    await admin.close()
  }
}
