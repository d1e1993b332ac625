// One entry for every insight: parse and check the query, then run its kind.
import type { EventStore } from '@tackle/pipeline'
import { AnalyticsError, AnalyticsErrorCodes } from '../errors.ts'
import { funnel, type FunnelResult } from './funnel.ts'
import { parseInsightQuery, type InsightQuery } from './query-schema.ts'
import { queryRange } from './query-range.ts'
import { retention, type RetentionResult } from './retention.ts'
import { sessions, type SessionsResult } from './sessions.ts'
import { trends, type TrendsResult } from './trends.ts'

export type InsightResult = TrendsResult | FunnelResult | RetentionResult | SessionsResult

export async function runInsight (store: EventStore, input: unknown, nowMs = Date.now()): Promise<InsightResult> {
  const query: InsightQuery = parseInsightQuery(input)
  try {
    switch (query.kind) {
      case 'trends': return await trends(store, query, queryRange(query, nowMs))
      case 'funnel': return await funnel(store, query, queryRange(query, nowMs))
      case 'retention': return await retention(store, query, nowMs)
      case 'sessions': return await sessions(store, query, queryRange(query, nowMs))
    }
  } catch (error) {
    throw new AnalyticsError(AnalyticsErrorCodes.QUERY_FAILED, `the ${store.engine} store could not run the ${query.kind} query: ${(error as Error).message}`, { cause: error })
  }
}
