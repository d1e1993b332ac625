// One page of a topic's messages for the dashboard's message browser: the same reader, decoding
// and filter as `tackle topic tail`, but bounded (a page size and a cap on records scanned, so a
// filter that matches nothing cannot read a whole topic in one request) and resumable by a cursor
// of per-partition offsets.
import type { ClusterAdmin, TopicReader } from '@tackle/client'
import { compileFilter } from '../browse/message-filter.ts'
import { decodeRecord, readPartitions, startPositions, type TailStart, type TopicMessage } from './tail-topic.ts'

export type BrowseStart = TailStart | 'newest' | { cursor: Record<string, string> }

export interface BrowseTopicOptions {
  admin: ClusterAdmin
  reader: TopicReader
  topic: string
  from?: BrowseStart
  partition?: number
  limit?: number
  filter?: string
  maxScanned?: number
}

export interface BrowsePage {
  topic: string
  messages: TopicMessage[]
  /** Records read to fill the page, filtered out ones included. */
  scanned: number
  /** Where the next page starts, per partition; pass it back as the cursor. */
  next: Record<string, string>
  /** Every partition was read to its end. */
  end: boolean
}

export const defaultBrowseOptions = Object.freeze({ limit: 50, maxScanned: 10_000 })

export async function browseTopic (options: BrowseTopicOptions): Promise<BrowsePage> {
  const { admin, reader, topic } = options
  const limit = options.limit ?? defaultBrowseOptions.limit
  const maxScanned = options.maxScanned ?? defaultBrowseOptions.maxScanned
  const matches = options.filter ? compileFilter(options.filter) : undefined
  const partitions = await readPartitions(reader, topic, options.partition)
  const from = options.from ?? 'earliest'
  let positions: Map<number, bigint>
  if (typeof from === 'object' && 'cursor' in from) {
    positions = new Map(Object.entries(from.cursor).map(([p, o]) => [Number(p), BigInt(o)]).filter(([p]) => partitions.includes(p as number)) as Array<[number, bigint]>)
  } else if (from === 'newest') {
    // The last `limit` records of each partition (fewer where the log is shorter).
    const [first, ends] = await Promise.all([startPositions(admin, topic, partitions, 'earliest'), startPositions(admin, topic, partitions, 'latest')])
    positions = new Map(partitions.map(p => {
      const back = (ends.get(p) ?? 0n) - BigInt(limit)
      const start = first.get(p) ?? 0n
      return [p, back > start ? back : start]
    }))
  } else {
    positions = await startPositions(admin, topic, partitions, from)
  }
  const next = new Map(positions)
  const messages: TopicMessage[] = []
  let scanned = 0
  let end = true
  for await (const record of reader.read(topic, positions)) {
    scanned++
    next.set(record.partition, record.offset + 1n)
    const message = decodeRecord(record)
    if (!matches || matches(message.value.data)) messages.push(message)
    if (messages.length >= limit || scanned >= maxScanned) { end = false; break }
  }
  return { topic, messages, scanned, next: Object.fromEntries([...next].map(([p, o]) => [String(p), String(o)])), end }
}
