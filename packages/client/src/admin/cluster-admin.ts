// The admin calls operations need, typed in Tackle's terms. @platformatic/kafka's Admin serves what
// it has; the rest (describe cluster and quorum, partition reassignments from KIP-455, leader
// elections) go over its exported protocol functions on a connection of our own. In KRaft any
// broker forwards these to the active controller.
import { Admin, ConfigResourceTypes, listOffsetsV9, ConfigSources, IncrementalAlterConfigOperationTypes, ConnectionPool, consumerGroupDescribeV0, describeClusterV1, FindCoordinatorKeyTypes, protocolErrorsCodesById, describeLogDirsV4, describeQuorumV2, incrementalAlterConfigsV1, listPartitionReassignmentsV0, alterPartitionReassignmentsV0, metadataV12, parseBroker, unregisterBrokerV0, type Connection } from '@platformatic/kafka'
import { ClientError, ClientErrorCodes, kafkaErrorNames, protocolError } from '../errors.ts'
import { backoffMs, retry } from '../retry.ts'
import { electLeadersV2, ElectionTypes, type ElectLeadersTopic } from './elect-leaders-v2.ts'
import { wireSecurity, resolveSecurity, type SecurityOptions } from '../security.ts'

export interface BrokerInfo {
  id: number
  host: string
  port: number
  rack: string | null
}

export interface ClusterInfo {
  clusterId: string
  controllerId: number
  /** Registered and unfenced brokers. */
  brokers: BrokerInfo[]
}

export interface PartitionInfo {
  topic: string
  partition: number
  /** -1 when the partition has no leader: offline. */
  leader: number
  replicas: number[]
  isr: number[]
  offlineReplicas: number[]
}

export interface VoterInfo {
  id: number
  logEndOffset: bigint
  /** How far behind the leader's clock its last catch-up was; 0 for the leader. Null when unknown. */
  lagMs: number | null
}

export interface QuorumInfo {
  leaderId: number
  leaderEpoch: number
  highWatermark: bigint
  voters: VoterInfo[]
  observers: VoterInfo[]
}

export interface TopicPartition {
  topic: string
  partition: number
}

export interface ElectionResult extends TopicPartition {
  /** Null when the preferred replica leads now (ELECTION_NOT_NEEDED counts as success). */
  error: string | null
}

export interface Reassignment extends TopicPartition {
  replicas: number[]
  adding: number[]
  removing: number[]
}

export interface GroupMemberInfo {
  id: string
  clientId: string
  host: string
  /** The static member id (group.instance.id), when set. */
  instanceId: string | null
  assignment: TopicPartition[]
}

export interface GroupDescription extends GroupInfo {
  /** The broker coordinating the group. */
  coordinator: number
  members: GroupMemberInfo[]
}

/** Where to read or reset to: the log's first offset, its end, or the first offset at or after a time (ms since the epoch). */
export type OffsetSpec = 'earliest' | 'latest' | { timestampMs: number }

export interface LogDirUsage {
  broker: number
  dir: string
  totalBytes: number
  usableBytes: number
  error: string | null
}

export interface GroupInfo {
  id: string
  /** Kafka's group state: Stable, Empty, PreparingRebalance, Assigning, Reconciling, … */
  state: string
  /** 'consumer' for KIP-848 groups, 'classic' otherwise. */
  type: string
}

/** Where a config's value comes from: set on the topic or broker, a cluster-wide dynamic default, server.properties, or Kafka's default. */
export type ConfigSource = 'topic' | 'broker' | 'cluster-default' | 'static' | 'default' | 'other'

export interface ConfigEntry {
  value: string | null
  source: ConfigSource
}

const SOURCES: Record<number, ConfigSource> = {
  [ConfigSources.DYNAMIC_TOPIC_CONFIG]: 'topic',
  [ConfigSources.DYNAMIC_BROKER_CONFIG]: 'broker',
  [ConfigSources.DYNAMIC_DEFAULT_BROKER_CONFIG]: 'cluster-default',
  [ConfigSources.STATIC_BROKER_CONFIG]: 'static',
  [ConfigSources.DEFAULT_CONFIG]: 'default',
}

/** Offsets per topic, then per partition. */
export type PartitionOffsets = Map<string, Map<number, bigint>>

export interface ClusterAdminOptions {
  bootstrapBrokers: readonly string[]
  clientId?: string
  security?: SecurityOptions
  requestTimeoutMs?: number
}

const ELECTION_NOT_NEEDED = 84
const BROKER_ID_NOT_REGISTERED = 102
const COORDINATOR_MOVED = new Set(['NOT_COORDINATOR', 'COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE'])
const ERROR_NAMES: Record<number, string> = { 80: 'PREFERRED_LEADER_NOT_AVAILABLE', 84: 'ELECTION_NOT_NEEDED', 83: 'ELIGIBLE_LEADERS_NOT_AVAILABLE', 3: 'UNKNOWN_TOPIC_OR_PARTITION', 7: 'REQUEST_TIMED_OUT', 85: 'NO_REASSIGNMENT_IN_PROGRESS' }

function voter (v: { replicaId: number, logEndOffset: bigint, lastCaughtUpTimestamp: bigint }, leaderNow: bigint): VoterInfo {
  return { id: v.replicaId, logEndOffset: v.logEndOffset, lagMs: v.lastCaughtUpTimestamp < 0n || leaderNow < 0n ? null : Math.max(0, Number(leaderNow - v.lastCaughtUpTimestamp)) }
}

/**
 * Every admin call ends: @platformatic/kafka 2.12 can leave a request waiting for ever on a
 * connection to a broker that restarted underneath it, with no timer left to end it.
 */
function bounded<T> (promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new ClientError(ClientErrorCodes.ADMIN_FAILED, `${what} got no answer within ${timeoutMs} ms`, { canRetry: true })), timeoutMs)
  })
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer))
}

/** Items per topic, in first-seen order: the shape Kafka's multi-topic requests take. */
function byTopic<I extends { topic: string }, T> (items: Iterable<I>, entry: (item: I) => T): Map<string, T[]> {
  const grouped = new Map<string, T[]>()
  for (const item of items) {
    const list = grouped.get(item.topic)
    if (list) list.push(entry(item))
    else grouped.set(item.topic, [entry(item)])
  }
  return grouped
}

export class ClusterAdmin {
  readonly #admin: Admin
  readonly #pool: ConnectionPool
  readonly #brokers: readonly string[]
  readonly #timeoutMs: number

  constructor (options: ClusterAdminOptions) {
    const security = wireSecurity(resolveSecurity(options.security))
    const clientId = options.clientId ?? 'tackle-admin'
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000
    this.#admin = new Admin({ clientId, bootstrapBrokers: [...options.bootstrapBrokers], ...security, timeout: this.#timeoutMs, retries: 2 })
    this.#pool = new ConnectionPool(clientId, { ...security, requestTimeout: this.#timeoutMs })
    this.#brokers = options.bootstrapBrokers
  }

  async #connection (): Promise<Connection> {
    try {
      return await bounded(this.#pool.getFirstAvailable(this.#brokers.map(b => parseBroker(b))), this.#timeoutMs, 'connecting')
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.UNREACHABLE, `no broker of ${this.#brokers.join(',')} answered`, { cause, canRetry: true })
    }
  }

  async #call<T> (what: string, request: (connection: Connection) => Promise<T>): Promise<T> {
    return this.#callOn(undefined, what, request)
  }

  /** On one broker's own connection, for requests only that broker can answer; on any broker without one. */
  async #callOn<T> (broker: BrokerInfo | undefined, what: string, request: (connection: Connection) => Promise<T>): Promise<T> {
    const connection = broker ? await bounded(this.#pool.get({ host: broker.host, port: broker.port }), this.#timeoutMs, `connecting to broker ${broker.id}`) : await this.#connection()
    try {
      return await bounded(request(connection), this.#timeoutMs + 1000, what)
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `${what} failed: ${(cause as Error).message}`, { cause, canRetry: true })
    }
  }

  /** A Metadata answer, also when some topics or partitions in it carry an error code. */
  async #metadata (broker: BrokerInfo | undefined, topics: readonly string[] | undefined): Promise<metadataV12.MetadataResponse> {
    return this.#callOn(broker, broker ? `reading topic metadata on broker ${broker.id}` : 'reading topic metadata', async c => {
      try {
        return await metadataV12.api.async(c, topics ? [...topics] : null, false, false)
      } catch (error) {
        const partial = (error as { response?: metadataV12.MetadataResponse }).response
        if (partial) return partial
        throw error
      }
    })
  }

  async describeCluster (): Promise<ClusterInfo> {
    const response = await this.#call('describe cluster', c => describeClusterV1.api.async(c, false, 1))
    return {
      clusterId: response.clusterId,
      controllerId: response.controllerId,
      brokers: response.brokers.map(b => ({ id: b.brokerId, host: b.host, port: b.port, rack: b.rack ?? null })).sort((a, b) => a.id - b.id),
    }
  }

  async describeQuorum (): Promise<QuorumInfo> {
    const response = await this.#call('describe quorum', c => describeQuorumV2.api.async(c, [{ topicName: '__cluster_metadata', partitions: [{ partitionIndex: 0 }] }]))
    const partition = response.topics[0]?.partitions[0]
    if (!partition) throw new ClientError(ClientErrorCodes.ADMIN_FAILED, 'describe quorum returned no metadata partition')
    const leader = partition.currentVoters.find(v => v.replicaId === partition.leaderId)
    const leaderNow = leader?.lastCaughtUpTimestamp ?? -1n
    return {
      leaderId: partition.leaderId,
      leaderEpoch: partition.leaderEpoch,
      highWatermark: partition.highWatermark,
      voters: partition.currentVoters.map(v => voter(v, leaderNow)),
      observers: partition.observers.map(v => voter(v, leaderNow)),
    }
  }

  /**
   * Every partition of the named topics, or of all topics, internal ones included: over the raw
   * Metadata API, as the wire library's cache leaves internal topics out. A partition without a
   * leader comes with an error code in an otherwise complete answer, which is kept.
   */
  async partitions (topics?: readonly string[]): Promise<PartitionInfo[]> {
    const response = await this.#metadata(undefined, topics)
    // A topic-level error (one being deleted, or unknown) leaves the topic out.
    return response.topics.filter(t => t.errorCode === 0 && t.name).flatMap(t => t.partitions.map(p => ({
      topic: t.name as string, partition: p.partitionIndex, leader: p.leaderId, replicas: [...p.replicaNodes], isr: [...p.isrNodes], offlineReplicas: [...p.offlineReplicas],
    }))).sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
  }

  /** Configs of topics (or brokers, by id) with where each value comes from, defaults included. */
  async configEntries (type: 'topic' | 'broker', names: readonly string[]): Promise<Map<string, Map<string, ConfigEntry>>> {
    if (names.length === 0) return new Map()
    const resourceType = type === 'topic' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER
    try {
      const described = await bounded(this.#admin.describeConfigs({ resources: names.map(resourceName => ({ resourceType, resourceName })) }), this.#timeoutMs + 1000, 'describeConfigs')
      return new Map(described.map(d => [d.resourceName, new Map(d.configs.map(c => [c.name, { value: c.value ?? null, source: SOURCES[c.configSource] ?? 'other' }]))]))
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `describing ${type} configs of ${names.join(', ')} failed: ${(cause as Error).message}`, { cause, canRetry: true })
    }
  }

  /** Configs of topics (or brokers, by id), as name → value, defaults included. */
  async configs (type: 'topic' | 'broker', names: readonly string[]): Promise<Map<string, Map<string, string | null>>> {
    const entries = await this.configEntries(type, names)
    return new Map([...entries].map(([name, configs]) => [name, new Map([...configs].map(([key, entry]) => [key, entry.value]))]))
  }

  /**
   * Sets (string) or deletes (null) configs of one topic, one broker, or (broker '') the
   * cluster-wide broker defaults, leaving the others alone.
   */
  async alterConfigs (type: 'topic' | 'broker', name: string, changes: Readonly<Record<string, string | null>>): Promise<void> {
    const resourceType = type === 'topic' ? ConfigResourceTypes.TOPIC : ConfigResourceTypes.BROKER
    const configs = Object.entries(changes).map(([configName, value]) => value === null
      ? { name: configName, configOperation: IncrementalAlterConfigOperationTypes.DELETE }
      : { name: configName, value, configOperation: IncrementalAlterConfigOperationTypes.SET })
    const what = name === '' ? 'the cluster-wide broker defaults' : `${type} ${name} configs`
    // The wire library routes a broker resource to the broker of that id, and '' would become broker 0.
    const request = name === ''
      ? this.#call(`altering ${what}`, async c => {
        const response = await incrementalAlterConfigsV1.api.async(c, [{ resourceType, resourceName: name, configs }], false)
        const failed = response.responses.find(r => r.errorCode !== 0)
        if (failed) throw new Error(failed.errorMessage ?? `error code ${failed.errorCode}`)
      })
      : bounded(this.#admin.incrementalAlterConfigs({ resources: [{ resourceType, resourceName: name, configs }] }), this.#timeoutMs + 1000, 'incrementalAlterConfigs')
    try {
      await request
    } catch (cause) {
      if (cause instanceof ClientError) throw cause
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `altering ${what} failed: ${(cause as Error).message}`, { cause })
    }
  }

  /** Bytes on disk of each named partition's replica on one live broker (partitions it holds no replica of are left out). */
  async replicaSizes (brokerId: number, partitions: readonly TopicPartition[]): Promise<PartitionOffsets> {
    const broker = (await this.describeCluster()).brokers.find(b => b.id === brokerId)
    if (!broker) throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `broker ${brokerId} is not registered and unfenced`, { canRetry: true })
    const topics = [...byTopic(partitions, p => p.partition)].map(([name, ids]) => ({ name, partitions: ids }))
    const response = await this.#callOn(broker, 'describe log dirs', c => describeLogDirsV4.api.async(c, topics))
    const sizes: PartitionOffsets = new Map()
    for (const dir of response.results.filter(r => r.errorCode === 0)) {
      for (const topic of dir.topics) {
        const perPartition = sizes.get(topic.name) ?? new Map<number, bigint>()
        for (const p of topic.partitions) if (!p.isFutureKey) perPartition.set(p.partitionIndex, p.partitionSize)
        sizes.set(topic.name, perPartition)
      }
    }
    return sizes
  }

  /** Removes a broker that is gone for good from the cluster's metadata (KIP-1073's `kafka-cluster unregister`). */
  async unregisterBroker (brokerId: number): Promise<void> {
    await this.#call('unregister broker', c => unregisterBrokerV0.api.async(c, brokerId)).catch((error: ClientError) => {
      // Already unregistered is the state asked for.
      if ((error.cause as { response?: { errorCode?: number } } | undefined)?.response?.errorCode === BROKER_ID_NOT_REGISTERED) return
      throw error
    })
  }

  /** Moves leadership back to each partition's first replica where it is in sync (all partitions when none are named). */
  async electPreferredLeaders (partitions?: readonly TopicPartition[]): Promise<ElectionResult[]> {
    let topics: ElectLeadersTopic[] | null = null
    if (partitions) {
      topics = [...byTopic(partitions, p => p.partition)].map(([topic, ids]) => ({ topic, partitions: ids }))
      if (topics.length === 0) return []
    }
    const response = await this.#call('elect leaders', c => electLeadersV2.async(c, ElectionTypes.PREFERRED, topics, this.#timeoutMs))
    if (response.errorCode !== 0) throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `elect leaders failed with error code ${response.errorCode}`)
    return response.results.flatMap(r => r.partitions.map(p => ({
      topic: r.topic,
      partition: p.partitionId,
      error: p.errorCode === 0 || p.errorCode === ELECTION_NOT_NEEDED ? null : (ERROR_NAMES[p.errorCode] ?? `error ${p.errorCode}`) + (p.errorMessage ? `: ${p.errorMessage}` : ''),
    })))
  }

  async listReassignments (): Promise<Reassignment[]> {
    const response = await this.#call('list partition reassignments', c => listPartitionReassignmentsV0.api.async(c, this.#timeoutMs, null))
    return response.topics.flatMap(t => t.partitions.map(p => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas, adding: p.addingReplicas, removing: p.removingReplicas })))
  }

  /** Starts moving each partition to `replicas`, or cancels its reassignment with null. */
  async alterReassignments (moves: ReadonlyArray<TopicPartition & { replicas: number[] | null }>): Promise<void> {
    const topics = [...byTopic(moves, m => ({ partitionIndex: m.partition, replicas: m.replicas }))].map(([name, partitions]) => ({ name, partitions }))
    await this.#call('alter partition reassignments', c => alterPartitionReassignmentsV0.api.async(c, this.#timeoutMs, false, topics))
  }

  /**
   * Creates one topic exactly as asked, weak settings included: for fixtures and tools. Apps
   * declare topics with defineTopic and ensureTopics, which apply the safe defaults.
   */
  async createTopic (topic: { name: string, partitions: number, replicationFactor: number, configs?: Readonly<Record<string, string>> }): Promise<void> {
    try {
      await bounded(this.#admin.createTopics({ topics: [topic.name], partitions: topic.partitions, replicas: topic.replicationFactor, configs: Object.entries(topic.configs ?? {}).map(([name, value]) => ({ name, value })) }), this.#timeoutMs + 1000, 'createTopics')
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `creating topic ${topic.name} failed: ${(cause as Error).message}`, { cause })
    }
    await this.waitForTopics([topic.name])
  }

  /**
   * Waits until every registered broker's metadata holds the topics with a leader for each
   * partition. CreateTopics answers once the controller has committed the topic, while each broker
   * applies the metadata log on its own: until it has, it answers Metadata without the topic and
   * DescribeConfigs with UNKNOWN_TOPIC_OR_PARTITION (KafkaJS's createTopics waitForLeaders, and
   * Kafka's own TestUtils.waitForAllPartitionsMetadata, wait for the same).
   */
  async waitForTopics (topics: readonly string[], timeoutMs = this.#timeoutMs): Promise<void> {
    if (topics.length === 0) return
    const deadline = Date.now() + timeoutMs
    for (let attempt = 1; ; attempt++) {
      const lagging: string[] = []
      for (const broker of (await this.describeCluster()).brokers) {
        const response = await this.#metadata(broker, topics)
        const ready = response.topics.filter(t => t.errorCode === 0 && t.partitions.length > 0 && t.partitions.every(p => p.errorCode === 0 && p.leaderId >= 0))
        if (ready.length < topics.length) lagging.push(`broker ${broker.id}`)
      }
      if (lagging.length === 0) return
      if (Date.now() >= deadline) {
        throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `${topics.join(', ')} not yet known with leaders to ${lagging.join(', ')} after ${timeoutMs} ms`, { canRetry: true })
      }
      await new Promise(resolve => setTimeout(resolve, Math.min(backoffMs(attempt, { initialMs: 50, maxMs: 1_000, multiplier: 2, jitter: 0.2 }), Math.max(0, deadline - Date.now()))))
    }
  }

  /**
   * Consumer groups: classic ones of the consumer protocol, KIP-848 ones, and groups that only
   * hold committed offsets (empty protocol type), as Kafka's kafka-consumer-groups --list counts them.
   */
  async groups (): Promise<GroupInfo[]> {
    try {
      const groups = await bounded(this.#admin.listGroups({ types: ['classic', 'consumer'] }), this.#timeoutMs + 1000, 'listGroups')
      return [...groups.values()].filter(g => g.protocolType === 'consumer' || g.protocolType === '' || g.groupType === 'consumer')
        .map(g => ({ id: g.id, state: g.state, type: g.groupType ?? 'classic' })).sort((a, b) => a.id.localeCompare(b.id))
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `listing consumer groups failed: ${(cause as Error).message}`, { cause, canRetry: true })
    }
  }

  /** What each group committed, per topic and partition; partitions never committed are left out. */
  async committedOffsets (groups: readonly string[]): Promise<Map<string, PartitionOffsets>> {
    if (groups.length === 0) return new Map()
    try {
      const listed = await bounded(this.#admin.listConsumerGroupOffsets({ groups: [...groups] }), this.#timeoutMs + 1000, 'listConsumerGroupOffsets')
      return new Map(listed.map(g => [g.groupId, new Map(g.topics.map(t => [t.name, new Map(t.partitions.filter(p => p.committedOffset >= 0n).map(p => [p.partitionIndex, p.committedOffset]))]))]))
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `reading committed offsets of ${groups.join(', ')} failed: ${(cause as Error).message}`, { cause, canRetry: true })
    }
  }

  /** The log end offset (the next offset to be written) of each partition named. */
  async endOffsets (partitions: readonly TopicPartition[]): Promise<PartitionOffsets> {
    return this.offsetsAt(partitions, 'latest')
  }

  /**
   * Each named partition's first offset, end offset, or first offset whose timestamp is at or
   * after the time given (the end offset where no record is that late, as Kafka's own
   * reset-offsets tool resolves --to-datetime).
   */
  async offsetsAt (partitions: readonly TopicPartition[], at: OffsetSpec): Promise<PartitionOffsets> {
    if (partitions.length === 0) return new Map()
    // ListOffsets' timestamps: -2 the earliest offset, -1 the latest. Asked of each leader over the
    // raw API: the wire library's listOffsets looks topics up in a metadata cache that leaves
    // internal topics out, and throws outside the promise for one it does not find.
    const timestamp = at === 'earliest' ? -2n : at === 'latest' ? -1n : BigInt(at.timestampMs)
    const [leaders, cluster] = await Promise.all([this.partitions([...new Set(partitions.map(p => p.topic))]), this.describeCluster()])
    const leaderOf = new Map(leaders.map(p => [`${p.topic}\0${p.partition}`, p.leader]))
    const byLeader = new Map<number, TopicPartition[]>()
    // Each partition once (Kafka answers INVALID_REQUEST to one named twice); one that does not
    // exist (its topic deleted) is left out of the answer.
    const asked = new Map(partitions.map(p => [`${p.topic}\0${p.partition}`, p]))
    for (const [key, p] of asked) {
      const leader = leaderOf.get(key)
      if (leader !== undefined) byLeader.set(leader, [...(byLeader.get(leader) ?? []), p])
    }
    const ask = async (broker: BrokerInfo | undefined, asked: readonly TopicPartition[], ts: bigint) => {
      if (!broker) throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `${asked.map(p => `${p.topic}-${p.partition}`).slice(0, 3).join(', ')} ${asked.length > 1 ? 'have' : 'has'} no live leader`, { canRetry: true, topic: asked[0]?.topic })
      const topics = [...byTopic(asked, p => ({ partitionIndex: p.partition, currentLeaderEpoch: -1, timestamp: ts }))].map(([name, ps]) => ({ name, partitions: ps }))
      // A partition-level error comes as a ResponseError holding the whole answer.
      const response = await this.#callOn(broker, 'list offsets', c => listOffsetsV9.api.async(c, -1, 0, topics).catch((error: { response?: listOffsetsV9.ListOffsetsResponse }) => {
        if (error.response) return error.response
        throw error
      }))
      const failed = response.topics.flatMap(t => t.partitions.filter(p => p.errorCode !== 0).map(p => `${t.name}-${p.partitionIndex}: ${protocolErrorsCodesById[p.errorCode] ?? p.errorCode}`))
      if (failed.length > 0) throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `listing offsets on broker ${broker.id} failed for ${failed.slice(0, 3).join(', ')}${failed.length > 3 ? ` and ${failed.length - 3} more` : ''}`, { canRetry: true, topic: asked[0]?.topic })
      return response.topics.flatMap(t => t.partitions.map(p => ({ topic: t.name, partition: p.partitionIndex, offset: p.offset })))
    }
    const offsets: PartitionOffsets = new Map()
    const put = (found: ReadonlyArray<{ topic: string, partition: number, offset: bigint }>) => {
      for (const f of found) offsets.set(f.topic, (offsets.get(f.topic) ?? new Map<number, bigint>()).set(f.partition, f.offset))
    }
    await Promise.all([...byLeader].map(async ([leader, asked]) => {
      const broker = cluster.brokers.find(b => b.id === leader)
      const found = await ask(broker, asked, timestamp)
      put(found)
      // No record at or after the time: the end of the log, as Kafka's reset-offsets resolves it.
      const none = found.filter(f => f.offset < 0n)
      if (typeof at === 'object' && none.length > 0) put(await ask(broker, none, -1n))
    }))
    return offsets
  }

  /**
   * A consumer group's state, members and their assignments, from its coordinator: with
   * ConsumerGroupDescribe for KIP-848 groups (DescribeGroups answers those as unknown), with
   * DescribeGroups for classic ones. A group that does not exist comes back as state 'Dead'.
   * `listed` is the group as groups() gave it, for a caller that has just listed them all.
   */
  async describeGroup (groupId: string, listed?: GroupInfo): Promise<GroupDescription> {
    const group = listed ?? (await this.groups()).find(g => g.id === groupId)
    // The coordinator moves with its __consumer_offsets partition (a roll, a reassignment) and
    // answers NOT_COORDINATOR until the client asks again, as Java's admin client does.
    return await retry(async () => {
      const [coordinator] = await bounded(this.#admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.GROUP, keys: [groupId] }), this.#timeoutMs + 1000, 'findCoordinator')
        .catch((cause: unknown) => { throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `finding the coordinator of group ${groupId} failed: ${(cause as Error).message}`, { cause, canRetry: true }) })
      const coordinatorId = coordinator?.nodeId ?? -1
      if (!group) return { id: groupId, state: 'Dead', type: 'unknown', coordinator: coordinatorId, members: [] }
      if (group.type === 'consumer' && coordinator) {
        const described = await this.#describeConsumerGroup(groupId, { id: coordinator.nodeId, host: coordinator.host, port: coordinator.port, rack: null })
        if (described) return described
      }
      return await this.#describeClassicGroup(group, coordinatorId)
    }, { attempts: 6, backoff: { initialMs: 200, maxMs: 2_000, multiplier: 2, jitter: 0.2 }, canRetry: error => kafkaErrorNames(error).some(name => COORDINATOR_MOVED.has(name)) })
  }

  /** null when the coordinator no longer knows the group as a KIP-848 one (deleted, emptied and expired, or converted to classic). */
  async #describeConsumerGroup (groupId: string, coordinator: BrokerInfo): Promise<GroupDescription | null> {
    // A group-level error comes as a ResponseError holding the whole answer.
    const response = await this.#callOn(coordinator, `describing group ${groupId}`, c => consumerGroupDescribeV0.api.async(c, [groupId], false).catch((error: { response?: consumerGroupDescribeV0.ConsumerGroupDescribeResponse }) => {
      if (error.response?.groups?.length) return error.response
      throw error
    }))
    const group = response.groups[0]
    const errorName = group ? protocolErrorsCodesById[group.errorCode] : undefined
    if (errorName === 'GROUP_ID_NOT_FOUND') return null
    if (!group || group.errorCode !== 0) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `describing group ${groupId} failed: ${group?.errorMessage ?? errorName ?? 'no answer'}`, { cause: group ? protocolError(group.errorCode) : undefined, canRetry: true })
    }
    return {
      id: groupId, state: group.groupState, type: 'consumer', coordinator: coordinator.id,
      members: group.members.map(m => ({ id: m.memberId, clientId: m.clientId, host: m.clientHost.replace(/^\//, ''), instanceId: m.instanceId ?? null, assignment: m.assignment.topicPartitions.flatMap(t => t.partitions.map(partition => ({ topic: t.topicName, partition }))) })),
    }
  }

  async #describeClassicGroup (listed: GroupInfo, coordinatorId: number): Promise<GroupDescription> {
    try {
      const described = (await bounded(this.#admin.describeGroups({ groups: [listed.id] }), this.#timeoutMs + 1000, 'describeGroups')).get(listed.id)
      return {
        id: listed.id, state: described?.state ?? listed.state, type: listed.type, coordinator: coordinatorId,
        members: [...(described?.members.values() ?? [])].map(m => ({ id: m.id, clientId: m.clientId, host: m.clientHost.replace(/^\//, ''), instanceId: m.groupInstanceId ?? null, assignment: [...(m.assignments?.values() ?? [])].flatMap(a => a.partitions.map(partition => ({ topic: a.topic, partition }))) })),
      }
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `describing group ${listed.id} failed: ${(cause as Error).message}`, { cause, canRetry: true })
    }
  }

  /** Commits offsets for a group with no active members, as Kafka's reset-offsets tool does (one OffsetCommit). */
  async commitGroupOffsets (groupId: string, offsets: ReadonlyArray<TopicPartition & { offset: bigint }>): Promise<void> {
    const topics = [...byTopic(offsets, o => ({ partition: o.partition, offset: o.offset }))].map(([name, partitionOffsets]) => ({ name, partitionOffsets }))
    if (topics.length === 0) return
    try {
      await bounded(this.#admin.alterConsumerGroupOffsets({ groupId, topics }), this.#timeoutMs + 1000, 'alterConsumerGroupOffsets')
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `committing offsets for group ${groupId} failed: ${(cause as Error).message}`, { cause })
    }
  }

  async deleteGroup (groupId: string): Promise<void> {
    try {
      await bounded(this.#admin.deleteGroups({ groups: [groupId] }), this.#timeoutMs + 1000, 'deleteGroups')
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `deleting group ${groupId} failed: ${(cause as Error).message}`, { cause })
    }
  }

  async deleteTopic (name: string): Promise<void> {
    try {
      await bounded(this.#admin.deleteTopics({ topics: [name] }), this.#timeoutMs + 1000, 'deleteTopics')
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `deleting topic ${name} failed: ${(cause as Error).message}`, { cause })
    }
  }

  /** Each log directory of one live broker with its disk's total and usable bytes (DescribeLogDirs v4, KIP-827). */
  async logDirUsage (broker: BrokerInfo): Promise<LogDirUsage[]> {
    // An empty topic list asks for the directories only, not every replica in them.
    const response = await this.#callOn(broker, `describe log dirs of broker ${broker.id}`, c => describeLogDirsV4.api.async(c, []))
    return response.results.map(r => ({
      broker: broker.id, dir: r.logDir, totalBytes: Number(r.totalBytes), usableBytes: Number(r.usableBytes),
      error: r.errorCode === 0 ? null : (protocolErrorsCodesById[r.errorCode] ?? `error ${r.errorCode}`),
    }))
  }

  async close (): Promise<void> {
    await Promise.allSettled([this.#admin.close(), this.#pool.close()])
  }
}
