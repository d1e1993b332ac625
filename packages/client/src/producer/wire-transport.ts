// The producer's one door to the cluster, on @platformatic/kafka's protocol layer: metadata and
// connections from its Base client, InitProducerId, and Produce requests built here from record
// batches encoded once (the batch keeps its bytes, so a resend repeats exactly what was sent).
// Produce request and response layout: Kafka's ProduceRequest.json / ProduceResponse.json (v9-v11).
import {
  Base, ProtocolError, UserError, Writer, createAPI, createRecordsBatch, initProducerIdV0, initProducerIdV1, initProducerIdV2,
  initProducerIdV3, initProducerIdV4, initProducerIdV5, produceV9, produceV10, produceV11,
  type ClusterMetadata, type Connection,
} from '@platformatic/kafka'
type ProduceResponse = ReturnType<typeof produceV11.parseResponse>
import { errorChain } from '../errors.ts'
import { retry } from '../retry.ts'
import type { Compression } from './options.ts'
import { wireSecurity, type SecurityOptions } from '../security.ts'

export interface WireRecord {
  key: Buffer | undefined
  value: Buffer
  headers: Record<string, string>
  timestamp: bigint
}

/** What one partition's batch looks like on the wire: its numbers are fixed once it is first sent. */
export interface WireBatch {
  readonly topic: string
  readonly partition: number
  readonly records: readonly WireRecord[]
  producerId: bigint
  epoch: number
  sequence: number
  /** Set by the transport on first send, cleared when the batch is renumbered. */
  encoded: unknown
}

export interface PartitionAnswer {
  errorCode: number
  baseOffset: bigint
  errorMessage: string | null
}

export interface ProducerIdentity {
  producerId: bigint
  epoch: number
}

/** The cluster as the sender needs it; a model broker implements the same for tests without Kafka. */
export interface ProduceTransport {
  /** Each topic's partition leaders (a node id, -1 when none is known); rejects when no broker answers or a topic does not exist. */
  leaders (topics: readonly string[], refresh: boolean): Promise<Map<string, number[]>>
  initProducerId (): Promise<ProducerIdentity>
  /** One request to one broker, one batch per partition; an answer per batch, in order, or a rejection when the request as a whole got none. */
  produce (broker: number, batches: readonly WireBatch[]): Promise<PartitionAnswer[]>
  close (): Promise<void>
}

export interface WireTransportOptions {
  clientId: string
  bootstrapBrokers: readonly string[]
  acks: -1 | 0 | 1
  compression: Compression
  requestTimeoutMs: number
  security: SecurityOptions | undefined
}

interface WirePartition { partition: number, encoded: Buffer }

const PRODUCE = 0
const INIT_PRODUCER_ID = 22
const PRODUCE_VERSIONS = { 9: produceV9, 10: produceV10, 11: produceV11 } as const
const INIT_VERSIONS = [initProducerIdV0, initProducerIdV1, initProducerIdV2, initProducerIdV3, initProducerIdV4, initProducerIdV5] as const

/** Produce v9-v11 share one request layout; only the response grew (v10: current leader, v11: node endpoints). */
function createProduceRequest (acks: number, timeoutMs: number, topics: ReadonlyArray<[string, WirePartition[]]>): Writer {
  const writer = Writer.create()
    .appendString(null)
    .appendInt16(acks)
    .appendInt32(timeoutMs)
    .appendArray([...topics], (w, [topic, partitions]) => {
      w.appendString(topic).appendArray(partitions, (w, { partition, encoded }) => {
        w.appendInt32(partition).appendUnsignedVarInt(encoded.length + 1).append(encoded)
      })
    })
    .appendTaggedFields()
  if (acks === 0) writer.context.noResponse = true
  return writer
}

export class WireTransport implements ProduceTransport {
  readonly #client: Base
  readonly #options: WireTransportOptions
  #versions: Promise<{ produce: 9 | 10 | 11, init: number }> | undefined

  constructor (options: WireTransportOptions) {
    this.#options = options
    this.#client = new Base({
      clientId: options.clientId,
      bootstrapBrokers: [...options.bootstrapBrokers],
      timeout: options.requestTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      // The sender keeps at most five batches of a partition in flight, the broker's dedup window.
      maxInflights: 5,
      retries: 0,
      autocreateTopics: false,
      ...wireSecurity(options.security),
    })
  }

  async leaders (topics: readonly string[], refresh: boolean): Promise<Map<string, number[]>> {
    // A few quick retries: a topic created a moment ago may not have reached every broker yet.
    const metadata = await this.#client.metadata({ topics: [...topics], forceUpdate: refresh, retries: refresh ? 2 : 0, autocreateTopics: false })
    const leaders = new Map<string, number[]>()
    for (const topic of topics) {
      const found = metadata.topics.get(topic)
      if (!found) throw new UserError(`topic "${topic}" is not in the cluster's metadata`)
      leaders.set(topic, found.partitions.map(p => p.leader ?? -1))
    }
    return leaders
  }

  async initProducerId (): Promise<ProducerIdentity> {
    const versions = await this.#apiVersions()
    // A cluster just started answers COORDINATOR_LOAD_IN_PROGRESS for a moment: wait it out here.
    const answer = await retry(async () => INIT_VERSIONS[versions.init]!.api.async(await this.#anyConnection(), null, this.#options.requestTimeoutMs, -1n, -1), {
      attempts: Infinity,
      deadlineMs: this.#options.requestTimeoutMs,
      backoff: { initialMs: 50, maxMs: 1000, multiplier: 2, jitter: 0.2 },
      canRetry: error => (errorChain(error) as Array<{ canRetry?: unknown }>).some(e => e.canRetry === true),
    })
    return { producerId: answer.producerId, epoch: answer.producerEpoch }
  }

  async produce (broker: number, batches: readonly WireBatch[]): Promise<PartitionAnswer[]> {
    const versions = await this.#apiVersions()
    const node = this.#client.currentMetadata?.brokers.get(broker)
    if (!node) throw new ProtocolError('NOT_LEADER_OR_FOLLOWER', `broker ${broker} is not in the metadata`)
    const connection: Connection = await this.#client.connections.get(node)
    const byTopic = new Map<string, WirePartition[]>()
    for (const batch of batches) {
      const list = byTopic.get(batch.topic) ?? []
      list.push({ partition: batch.partition, encoded: this.#encode(batch) })
      byTopic.set(batch.topic, list)
    }
    const topics = [...byTopic]
    const api = createAPI<[number, number, typeof topics], ProduceResponse | boolean>(PRODUCE, versions.produce, createProduceRequest, PRODUCE_VERSIONS[versions.produce].parseResponse)
    let response: ProduceResponse | boolean
    try {
      response = await api.async(connection, this.#options.acks, this.#options.requestTimeoutMs, topics)
    } catch (error) {
      // A response that names errors per partition still carries every partition's answer.
      const carried = (error as { response?: ProduceResponse }).response
      if (carried?.responses === undefined) throw error
      response = carried
    }
    if (typeof response === 'boolean') return batches.map(() => ({ errorCode: 0, baseOffset: -1n, errorMessage: null }))
    const answers = new Map<string, PartitionAnswer>()
    for (const topic of response.responses) {
      for (const p of topic.partitionResponses) answers.set(`${topic.name}\0${p.index}`, { errorCode: p.errorCode, baseOffset: p.baseOffset, errorMessage: p.errorMessage ?? null })
    }
    return batches.map(b => answers.get(`${b.topic}\0${b.partition}`) ?? { errorCode: -1, baseOffset: -1n, errorMessage: 'the broker did not answer for this partition' })
  }

  async close (): Promise<void> {
    await this.#client.close()
  }

  #encode (batch: WireBatch): Buffer {
    if (batch.encoded instanceof Buffer) return batch.encoded
    const sequence = batch.sequence
    const writer = createRecordsBatch(batch.records.map(r => ({
      topic: batch.topic,
      partition: batch.partition,
      key: r.key,
      value: r.value,
      timestamp: r.timestamp,
      headers: new Map(Object.entries(r.headers).map(([k, v]) => [Buffer.from(k), Buffer.from(v)])),
    })), {
      compression: this.#options.compression,
      producerId: batch.producerId,
      producerEpoch: batch.epoch,
      // The encoder reads a partition's base sequence from a map; this batch has one.
      sequences: { getWithDefault: () => sequence } as never,
    })
    batch.encoded = writer.buffer
    return batch.encoded as Buffer
  }

  async #anyConnection (): Promise<Connection> {
    const metadata: ClusterMetadata = this.#client.currentMetadata ?? await this.#client.metadata({ topics: [], retries: 2 })
    return this.#client.connections.getFirstAvailable([...metadata.brokers.values()])
  }

  #apiVersions (): Promise<{ produce: 9 | 10 | 11, init: number }> {
    this.#versions ??= this.#client.listApis().then(apis => {
      const max = (key: number) => apis.find(a => a.apiKey === key)?.maxVersion ?? -1
      const produce = Math.min(11, max(PRODUCE))
      if (produce < 9) throw new UserError(`the brokers speak Produce up to v${produce}; Tackle needs v9 (Kafka 2.4) or later`)
      return { produce: produce as 9 | 10 | 11, init: Math.min(INIT_VERSIONS.length - 1, max(INIT_PRODUCER_ID)) }
    }, error => {
      this.#versions = undefined
      throw error
    })
    return this.#versions
  }
}
