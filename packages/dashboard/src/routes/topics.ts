// Topics and their messages: the list (partitions, leaders, ISR, sizes, retention), one topic, and
// a page of messages with the same filter as `tackle topic tail`, paged by a cursor of offsets,
// started at the beginning, the newest records, an offset or a time. Reads never join a group.
import type { FastifyInstance } from 'fastify'
import type { ClusterAdmin, TopicReader } from '@tackle/client'
import { browseTopic, describeTopics, type BrowseStart } from '@tackle/ops'
import { routeDoc } from '@tackle/pipeline'
import { DashboardError, DashboardErrorCodes } from '../errors.ts'
import { intParam, stringParam } from '../query.ts'
import { TopicParams } from './route-params.ts'

function browseStart (query: Record<string, unknown>): BrowseStart {
  const cursor = stringParam(query, 'cursor')
  if (cursor !== undefined) {
    if (!/^\d+:\d+(,\d+:\d+)*$/.test(cursor)) throw new DashboardError(DashboardErrorCodes.BAD_QUERY, 'cursor must be PARTITION:OFFSET,... as a page\'s "next" gives it')
    return { cursor: Object.fromEntries(cursor.split(',').map(pair => pair.split(':') as [string, string])) }
  }
  const from = stringParam(query, 'from') ?? 'earliest'
  if (from === 'earliest' || from === 'latest' || from === 'newest') return from
  const offset = stringParam(query, 'offset')
  if (from === 'offset' && offset !== undefined && /^\d+$/.test(offset)) return { offset: BigInt(offset) }
  const time = stringParam(query, 'time')
  if (from === 'datetime' && time !== undefined && !Number.isNaN(Date.parse(time))) return { timestampMs: Date.parse(time) }
  throw new DashboardError(DashboardErrorCodes.BAD_QUERY, 'from must be earliest, newest, latest, offset (with offset=N) or datetime (with time=ISO)')
}

export function topicsRoutes (admin: ClusterAdmin, reader: TopicReader) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    app.get('/api/topics', { schema: routeDoc('topics', 'Topics with partitions, leaders, ISR, sizes and retention') }, async () => ({ topics: await describeTopics(admin) }))
    app.get('/api/topics/:topic', { schema: routeDoc('topics', 'One topic', { params: TopicParams }) }, async request => (await describeTopics(admin, [(request.params as { topic: string }).topic]))[0])
    app.get('/api/topics/:topic/messages', { schema: routeDoc('topics', 'Messages of a topic, paged by offset or time, with a filter', { params: TopicParams }) }, async request => {
      const query = request.query as Record<string, unknown>
      const partition = query.partition === undefined || query.partition === '' ? undefined : intParam(query, 'partition', 0, 1_000_000) 
      return browseTopic({
        admin, reader, topic: (request.params as { topic: string }).topic, from: browseStart(query), partition, limit: intParam(query, 'limit', 50, 500), filter: stringParam(query, 'filter'),
      })
    })
  }
}
