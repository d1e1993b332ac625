// Sessions: a person's events, in time order, split where the SDK's $session_id changes or,
// without one, after 30 minutes of inactivity (Google Analytics' and PostHog's rule). Per bucket
// of the session's start: how many sessions, their median and average duration, and events per
// session.
import type { EventStore } from '@tackle/pipeline'
import { Params } from '../sql-lists.ts'
import type { SessionsQuery } from './query-schema.ts'
import type { QueryRange } from './query-range.ts'
import { bucketOfMsSql, bucketStarts, eventsFromSql, PERSON_ID } from './sql-parts.ts'

export interface SessionsPoint {
  t: string
  sessions: number
  medianDurationMs: number | null
  averageDurationMs: number | null
  eventsPerSession: number | null
}

export interface SessionsResult {
  kind: 'sessions'
  interval: 'hour' | 'day' | 'week'
  from: string
  to: string
  points: SessionsPoint[]
  total: Omit<SessionsPoint, 't'>
}

export async function sessions (store: EventStore, query: SessionsQuery, range: QueryRange): Promise<SessionsResult> {
  const d = store.dialect
  const interval = query.interval ?? 'day'
  const inactivityMs = query.inactivityMs ?? 30 * 60_000
  const p = new Params()
  const from = eventsFromSql(d, p, { fromMs: range.fromMs, toMs: range.toMs, filters: query.filters, includeBots: query.includeBots })
  const w = `PARTITION BY person ORDER BY tms, ${d.binary('mid')}`
  const sql = `WITH ev AS (SELECT ${d.partitionKey(PERSON_ID)} AS person, ${d.epochMs('e.timestamp')} AS tms, e.message_id AS mid, ${d.jsonText('e.properties', '$session_id')} AS sid ${from}),
      ordered AS (SELECT ev.*, lag(tms) OVER (${w}) AS prev, lag(sid) OVER (${w}) AS prev_sid FROM ev),
      marked AS (SELECT ordered.*, CASE WHEN prev IS NULL THEN 1
          WHEN sid IS NOT NULL AND prev_sid IS NOT NULL THEN CASE WHEN sid <> prev_sid THEN 1 ELSE 0 END
          WHEN tms - prev > ${inactivityMs} THEN 1 ELSE 0 END AS starts FROM ordered),
      numbered AS (SELECT marked.*, sum(starts) OVER (${w} ROWS UNBOUNDED PRECEDING) AS sn FROM marked),
      s AS (SELECT person, sn, min(tms) AS started, max(tms) - min(tms) AS duration, count(*) AS events FROM numbered GROUP BY person, sn)
    SELECT b, count(*) AS sessions, avg(duration) AS avg_ms, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration) AS med_ms, avg(events) AS events
    FROM (SELECT s.*, ${bucketOfMsSql(interval, 'started')} AS b FROM s) x GROUP BY GROUPING SETS ((b), ())`
  const rows = await store.query(sql, p.values)
  const num = (v: unknown) => (v === null || v === undefined ? null : Number(v))
  const pointOf = (row: Record<string, unknown> | undefined) => ({
    sessions: Number(row?.sessions ?? 0),
    medianDurationMs: num(row?.med_ms),
    averageDurationMs: num(row?.avg_ms),
    eventsPerSession: num(row?.events),
  })
  const byBucket = new Map(rows.filter(r => r.b !== null && r.b !== undefined).map(r => [Number(r.b), r]))
  return {
    kind: 'sessions',
    interval,
    from: new Date(range.fromMs).toISOString(),
    to: new Date(range.toMs).toISOString(),
    points: bucketStarts(range.fromMs, range.toMs, interval).map(t => ({ t: new Date(t).toISOString(), ...pointOf(byBucket.get(t)) })),
    total: pointOf(rows.find(r => r.b === null || r.b === undefined)),
  }
}
