// Reading a topic's messages for a person: from the start, the end, an offset or a time, on one
// partition or all, following or not, filtered as they stream. Reads go through TopicReader, so
// they never join a group and never commit. Values that parse as JSON are shown as JSON, valid
// UTF-8 text as text, anything else as base64 (kafka-ui's and kcat's choices).
import { kafkaErrorNames, type ClusterAdmin, type OffsetSpec, type TopicReader, type TopicRecord } from '@tackle/client'
import { compileFilter } from '../browse/message-filter.ts'
import { OpsError, OpsErrorCodes } from '../errors.ts'

export type TailStart = 'earliest' | 'latest' | { offset: bigint } | { timestampMs: number }

export interface DecodedValue {
  encoding: 'json' | 'text' | 'base64' | 'null'
  /** Parsed JSON, the text, or base64. */
  data: unknown
}

export interface TopicMessage {
  topic: string
  partition: number
  offset: string
  timestamp: string
  key: DecodedValue
  value: DecodedValue
  headers: Record<string, string>
}

export interface TailTopicOptions {
  admin: ClusterAdmin
  reader: TopicReader
  topic: string
  from?: TailStart
  partition?: number
  follow?: boolean
  /** Stop after this many matching messages. */
  limit?: number
  filter?: string
  signal?: AbortSignal
}

const UTF8 = new TextDecoder('utf-8', { fatal: true })

export function decodeBytes (bytes: Buffer | null): DecodedValue {
  if (bytes === null) return { encoding: 'null', data: null }
  let text: string
  try {
    text = UTF8.decode(bytes)
  } catch {
    return { encoding: 'base64', data: bytes.toString('base64') }
  }
  try {
    return { encoding: 'json', data: JSON.parse(text) }
  } catch {
    return { encoding: 'text', data: text }
  }
}

export function decodeRecord (record: TopicRecord): TopicMessage {
  return {
    topic: record.topic,
    partition: record.partition,
    offset: String(record.offset),
    timestamp: new Date(record.timestampMs).toISOString(),
    key: decodeBytes(record.key),
    value: decodeBytes(record.value),
    headers: Object.fromEntries(record.headers.map(([k, v]) => [k, v === null ? '' : (decodeBytes(v).encoding === 'base64' ? v.toString('base64') : v.toString('utf8'))])),
  }
}

/** The partitions to read: the one asked for, refused when the topic has no such partition, or all of them. */
export async function readPartitions (reader: TopicReader, topic: string, partition: number | undefined): Promise<number[]> {
  const all = await reader.partitions(topic).catch((cause: unknown) => {
    // Only Kafka's own answer means the topic is missing; an unreachable cluster says so itself.
    if (!kafkaErrorNames(cause).includes('UNKNOWN_TOPIC_OR_PARTITION')) throw cause
    throw new OpsError(OpsErrorCodes.TOPIC_NOT_FOUND, `no topic ${topic}`, { topic, cause })
  })
  if (partition !== undefined && !all.includes(partition)) {
    throw new OpsError(OpsErrorCodes.INVALID_OPTIONS, `topic ${topic} has partitions 0..${all.length - 1}, not ${partition}`, { topic })
  }
  return partition === undefined ? all : [partition]
}

/** Where each partition starts: offsets past the end start at the end, before the start at the start. */
export async function startPositions (admin: ClusterAdmin, topic: string, partitions: readonly number[], from: TailStart): Promise<Map<number, bigint>> {
  const list = partitions.map(partition => ({ topic, partition }))
  const spec: OffsetSpec = from === 'earliest' || from === 'latest' ? from : 'timestampMs' in from ? { timestampMs: from.timestampMs } : 'earliest'
  const at = (await admin.offsetsAt(list, spec)).get(topic)
  if (typeof from === 'object' && 'offset' in from) {
    const ends = (await admin.offsetsAt(list, 'latest')).get(topic)
    return new Map(partitions.map(p => {
      const first = at?.get(p) ?? 0n
      const end = ends?.get(p) ?? 0n
      return [p, from.offset < first ? first : from.offset > end ? end : from.offset]
    }))
  }
  return new Map(partitions.map(p => [p, at?.get(p) ?? 0n]))
}

export async function * tailTopic (options: TailTopicOptions): AsyncGenerator<TopicMessage> {
  const { admin, reader, topic } = options
  const matches = options.filter ? compileFilter(options.filter) : undefined
  const partitions = await readPartitions(reader, topic, options.partition)
  const positions = await startPositions(admin, topic, partitions, options.from ?? 'earliest')
  let shown = 0
  if (options.limit === 0) return
  for await (const record of reader.read(topic, positions, { follow: options.follow ?? false, signal: options.signal })) {
    const message = decodeRecord(record)
    if (matches && !matches(message.value.data)) continue
    yield message
    if (options.limit !== undefined && ++shown >= options.limit) return
  }
}
