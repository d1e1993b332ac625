// Reads a topic's records from given offsets without a consumer group: no join, no commit, so
// browsing a topic never moves anybody's offsets or triggers a rebalance (what kafka-console-consumer
// does with --partition/--offset, and what kafka-ui's message browser does). Fetch v17 (KIP-516 topic
// ids) straight to each partition's leader; a batch may start before the asked offset and is trimmed;
// control batches (transaction markers) are skipped.
import { ConnectionPool, fetchV17, listOffsetsV9, metadataV12, parseBroker, protocolErrorsCodesById, type Connection } from '@platformatic/kafka'
import { ClientError, ClientErrorCodes, protocolError } from '../errors.ts'
import { resolveSecurity, wireSecurity, type SecurityOptions } from '../security.ts'

export interface TopicRecord {
  topic: string
  partition: number
  offset: bigint
  timestampMs: number
  key: Buffer | null
  value: Buffer | null
  headers: Array<[string, Buffer | null]>
}

export interface TopicReaderOptions {
  bootstrapBrokers: readonly string[]
  clientId?: string
  security?: SecurityOptions
  requestTimeoutMs?: number
}

export interface ReadOptions {
  /** Keep waiting for new records once the end is reached. */
  follow?: boolean
  /** How long one fetch waits at the end of the log for more. */
  maxWaitMs?: number
  signal?: AbortSignal
}

interface Leadership {
  topicId: string
  partitions: Map<number, { leader: number, leaderEpoch: number }>
  brokers: Map<number, { host: string, port: number }>
}

const CONTROL_BATCH = 0x20
const OFFSET_OUT_OF_RANGE = 1
const UNKNOWN_TOPIC_OR_PARTITION = 3
const PARTITION_BYTES = 1024 * 1024

export class TopicReader {
  readonly #pool: ConnectionPool
  readonly #brokers: readonly string[]
  readonly #timeoutMs: number

  constructor (options: TopicReaderOptions) {
    this.#timeoutMs = options.requestTimeoutMs ?? 30_000
    this.#pool = new ConnectionPool(options.clientId ?? 'tackle-reader', { ...wireSecurity(resolveSecurity(options.security)), requestTimeout: this.#timeoutMs })
    this.#brokers = options.bootstrapBrokers
  }

  async #any (): Promise<Connection> {
    try {
      return await this.#pool.getFirstAvailable(this.#brokers.map(b => parseBroker(b)))
    } catch (cause) {
      throw new ClientError(ClientErrorCodes.UNREACHABLE, `no broker of ${this.#brokers.join(',')} answered`, { cause, canRetry: true })
    }
  }

  async #leadership (topic: string): Promise<Leadership> {
    const connection = await this.#any()
    const response = await metadataV12.api.async(connection, [topic], false, false).catch((error: { response?: metadataV12.MetadataResponse }) => {
      if (error.response) return error.response
      throw error
    })
    const found = response.topics.find(t => t.name === topic)
    if (!found || found.errorCode !== 0) {
      const missing = !found || found.errorCode === UNKNOWN_TOPIC_OR_PARTITION
      throw new ClientError(ClientErrorCodes.ADMIN_FAILED, `topic ${topic} ${missing ? 'does not exist' : `cannot be read: ${protocolErrorsCodesById[found.errorCode] ?? found.errorCode}`}`, { topic, cause: protocolError(found?.errorCode ?? UNKNOWN_TOPIC_OR_PARTITION) })
    }
    return {
      topicId: found.topicId,
      partitions: new Map(found.partitions.map(p => [p.partitionIndex, { leader: p.leaderId, leaderEpoch: p.leaderEpoch }])),
      brokers: new Map(response.brokers.map(b => [b.nodeId, { host: b.host, port: b.port }])),
    }
  }

  /** The topic's partition numbers, in order. */
  async partitions (topic: string): Promise<number[]> {
    return [...(await this.#leadership(topic)).partitions.keys()].sort((a, b) => a - b)
  }

  /**
   * Records of `topic` from each partition's offset in `from` (partition → next offset to read),
   * partition by partition in offset order. Without `follow` it ends when every partition is read
   * up to the high watermark it had when reached.
   */
  async * read (topic: string, from: ReadonlyMap<number, bigint>, options: ReadOptions = {}): AsyncGenerator<TopicRecord> {
    const positions = new Map(from)
    const done = new Set<number>()
    let leadership = await this.#leadership(topic)
    while (done.size < positions.size) {
      options.signal?.throwIfAborted()
      const byLeader = new Map<number, number[]>()
      for (const partition of positions.keys()) {
        if (done.has(partition)) continue
        const leader = leadership.partitions.get(partition)?.leader ?? -1
        byLeader.set(leader, [...(byLeader.get(leader) ?? []), partition])
      }
      let stale = byLeader.has(-1)
      for (const [leader, partitions] of byLeader) {
        const broker = leadership.brokers.get(leader)
        if (!broker) continue
        const connection = await this.#pool.get(broker)
        const request = partitions.map(partition => ({
          partition, currentLeaderEpoch: leadership.partitions.get(partition)?.leaderEpoch ?? -1, fetchOffset: positions.get(partition) as bigint, lastFetchedEpoch: -1, partitionMaxBytes: PARTITION_BYTES,
        }))
        // A partition-level error (an offset out of range, a stale leader) comes as a ResponseError
        // holding the whole answer, the other partitions' records included.
        const response = await fetchV17.api.async(connection, options.follow ? (options.maxWaitMs ?? 500) : 0, 1, PARTITION_BYTES * 4, 0, 0, -1, [{ topicId: leadership.topicId, partitions: request }], [], '')
          .catch((error: { response?: fetchV17.FetchResponse }) => {
            if (error.response) return error.response
            throw error
          })
        for (const answer of response.responses.flatMap(r => r.partitions)) {
          const partition = answer.partitionIndex
          const position = positions.get(partition) as bigint
          if (answer.errorCode === OFFSET_OUT_OF_RANGE) {
            // Retention deleted what was asked for (go on from the first record still there), or
            // the offset is past the end (go on from the end). The answer carries neither offset.
            const [first, end] = await Promise.all([-2n, -1n].map(async timestamp => {
              const listed = await listOffsetsV9.api.async(connection, -1, 0, [{ name: topic, partitions: [{ partitionIndex: partition, currentLeaderEpoch: -1, timestamp }] }])
              return listed.topics[0]?.partitions[0]?.offset ?? 0n
            })) as [bigint, bigint]
            positions.set(partition, position < first ? first : end)
            if (!options.follow && position >= end) done.add(partition)
            continue
          }
          if (answer.errorCode !== 0) { stale = true; continue }
          let next = position
          for (const batch of answer.records ?? []) {
            if ((batch.attributes & CONTROL_BATCH) !== 0) { next = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n; continue }
            for (const record of batch.records) {
              const offset = batch.firstOffset + BigInt(record.offsetDelta)
              if (offset < position) continue
              next = offset + 1n
              yield {
                topic, partition, offset, timestampMs: Number(batch.firstTimestamp + record.timestampDelta), key: record.key, value: record.value,
                headers: record.headers.map(([k, v]) => [k?.toString('utf8') ?? '', v]),
              }
            }
            next = next > batch.firstOffset + BigInt(batch.lastOffsetDelta) ? next : batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
          }
          positions.set(partition, next)
          if (!options.follow && next >= answer.highWatermark) done.add(partition)
        }
      }
      if (stale) {
        await new Promise(resolve => setTimeout(resolve, 200))
        leadership = await this.#leadership(topic)
      }
    }
  }

  async close (): Promise<void> {
    await this.#pool.close()
  }
}
