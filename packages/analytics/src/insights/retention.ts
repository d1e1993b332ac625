// Retention, as PostHog's retention insight has it: a cohort per day or week, of the persons whose
// start event fell in it (first: their first start event ever; recurring: any start event), and
// for each later period the share of the cohort who did the return event in it. Period 0 is the
// cohort itself. The grid is a triangle: a period that has not begun yet is not in it.
import type { EventStore } from '@tackle/pipeline'
import { Params } from '../sql-lists.ts'
import type { RetentionQuery } from './query-schema.ts'
import { bucketOf, bucketOfMsSql, eventsFromSql, INTERVAL_MS, PERSON_ID } from './sql-parts.ts'

export interface RetentionCohort {
  start: string
  size: number
  /** Persons retained in period 0, 1, ...: period 0 is the cohort's size. */
  retained: number[]
  /** retained / size. */
  rates: number[]
}

export interface RetentionResult {
  kind: 'retention'
  interval: 'day' | 'week'
  cohort: 'first' | 'recurring'
  cohorts: RetentionCohort[]
}

export async function retention (store: EventStore, query: RetentionQuery, nowMs: number): Promise<RetentionResult> {
  const d = store.dialect
  const interval = query.interval ?? 'day'
  const count = query.intervals ?? 8
  const step = INTERVAL_MS[interval]
  const firstMs = query.from === undefined ? bucketOf(nowMs, interval) - (count - 1) * step : bucketOf(Date.parse(query.from), interval)
  const endMs = firstMs + count * step
  const p = new Params()
  const bucket = (ms: string) => bucketOfMsSql(interval, ms)
  const startFilters = [...(query.filters ?? []), ...(query.startEvent.filters ?? [])]
  const returnFilters = [...(query.filters ?? []), ...(query.returnEvent.filters ?? [])]
  // A first-time cohort looks back to the beginning: someone who started before the range is not new in it.
  const starts = (query.cohort ?? 'first') === 'first'
    ? `SELECT person, ${bucket('first_ms')} AS cohort FROM (SELECT ${PERSON_ID} AS person, min(${d.epochMs('e.timestamp')}) AS first_ms
        ${eventsFromSql(d, p, { fromMs: 0, toMs: endMs, names: [query.startEvent.event], filters: startFilters, includeBots: query.includeBots })} GROUP BY 1) f WHERE first_ms >= ${firstMs}`
    : `SELECT DISTINCT ${PERSON_ID} AS person, ${bucket(d.epochMs('e.timestamp'))} AS cohort
        ${eventsFromSql(d, p, { fromMs: firstMs, toMs: endMs, names: [query.startEvent.event], filters: startFilters, includeBots: query.includeBots })}`
  const returns = `SELECT DISTINCT ${PERSON_ID} AS person, ${bucket(d.epochMs('e.timestamp'))} AS rb
    ${eventsFromSql(d, p, { fromMs: firstMs, toMs: endMs, names: [query.returnEvent.event], filters: returnFilters, includeBots: query.includeBots })}`
  const sql = `WITH starts AS (${starts}), returns AS (${returns})
    SELECT cohort, 0 AS period, count(*) AS persons FROM starts GROUP BY cohort
    UNION ALL
    SELECT s.cohort, round((r.rb - s.cohort) / ${step}) AS period, count(*) AS persons
    FROM starts s JOIN returns r ON r.person = s.person AND r.rb > s.cohort GROUP BY 1, 2`
  const rows = await store.query(sql, p.values)
  const grid = new Map<number, Map<number, number>>()
  for (const row of rows) {
    const cohort = Number(row.cohort)
    const periods = grid.get(cohort) ?? new Map<number, number>()
    grid.set(cohort, periods)
    periods.set(Number(row.period), Number(row.persons))
  }
  const currentMs = bucketOf(nowMs, interval)
  const cohorts: RetentionCohort[] = []
  for (let i = 0; i < count; i++) {
    const start = firstMs + i * step
    if (start > currentMs) break
    const periods = grid.get(start) ?? new Map<number, number>()
    const size = periods.get(0) ?? 0
    const visible = Math.min(count - i, Math.floor((currentMs - start) / step) + 1)
    const retained = Array.from({ length: visible }, (_, k) => periods.get(k) ?? 0)
    cohorts.push({ start: new Date(start).toISOString(), size, retained, rates: retained.map(r => (size === 0 ? 0 : r / size)) })
  }
  return { kind: 'retention', interval, cohort: query.cohort ?? 'first', cohorts }
}
