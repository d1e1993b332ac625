// Trends: per time bucket, a count, unique persons, or a sum/avg/percentile/min/max of a numeric
// event property, per series; optionally broken down by an event or person property (the top N
// values by event count each get a series, the rest add up to "other") and compared with the
// period just before. Every bucket of the range is in the result, empty ones as 0.
import type { EventStore } from '@tackle/pipeline'
import { Params } from '../sql-lists.ts'
import type { TrendsQuery } from './query-schema.ts'
import type { QueryRange } from './query-range.ts'
import { breakdownSql, bucketSql, bucketStarts, eventsFromSql, PERSON_ID, type Interval } from './sql-parts.ts'

export interface TrendsPoint {
  t: string
  /** null for an average, percentile, min or max of a bucket with no values. */
  value: number | null
}

export interface TrendsSeries {
  label: string
  event: string
  math: string
  /** The breakdown value this series is for (null: not set); absent without a breakdown. */
  breakdown?: string | null
  /** The values beyond the top N, added up. */
  other?: true
  points: TrendsPoint[]
  /** Over the whole range (for unique persons, distinct over the range, not a sum of buckets). */
  total: number | null
}

export interface TrendsResult {
  kind: 'trends'
  interval: Interval
  from: string
  to: string
  series: TrendsSeries[]
  /** With compare: the same series over the period before, bucket i beside bucket i. */
  previous?: TrendsSeries[]
}

type Series = TrendsQuery['series'][number]

function aggregateSql (math: string): string {
  switch (math) {
    case 'unique_persons': return 'count(DISTINCT person)'
    case 'sum': return 'coalesce(sum(v), 0)'
    case 'avg': return 'avg(v)'
    case 'min': return 'min(v)'
    case 'max': return 'max(v)'
    case 'p50': return 'percentile_cont(0.5) WITHIN GROUP (ORDER BY v)'
    case 'p90': return 'percentile_cont(0.9) WITHIN GROUP (ORDER BY v)'
    default: return 'count(*)'
  }
}

export async function trends (store: EventStore, query: TrendsQuery, range: QueryRange): Promise<TrendsResult> {
  const interval = query.interval ?? 'day'
  const series = (await Promise.all(query.series.map(s => seriesOf(store, query, s, range.fromMs, range.toMs)))).flat()
  const result: TrendsResult = { kind: 'trends', interval, from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), series }
  if (query.compare) {
    const span = range.toMs - range.fromMs
    result.previous = (await Promise.all(query.series.map(s => seriesOf(store, query, s, range.fromMs - span, range.toMs - span)))).flat()
  }
  return result
}

async function seriesOf (store: EventStore, query: TrendsQuery, series: Series, fromMs: number, toMs: number): Promise<TrendsSeries[]> {
  const d = store.dialect
  const interval = query.interval ?? 'day'
  const math = series.math ?? 'count'
  const p = new Params()
  const value = series.property === undefined ? '' : `, ${d.toNumber(d.jsonText('e.properties', series.property))} AS v`
  const bd = query.breakdown ? breakdownSql(d, query.breakdown) : undefined
  const from = eventsFromSql(d, p, { fromMs, toMs, names: [series.event], filters: [...(query.filters ?? []), ...(series.filters ?? [])], includeBots: query.includeBots }, bd?.join)
  const ev = `SELECT ${bucketSql(d, interval, 'e.timestamp')} AS b, ${PERSON_ID} AS person${value}${bd ? `, ${bd.value} AS bd` : ', 1 AS slot'} ${from}`
  const limit = query.breakdown?.limit ?? 10
  const sql = bd
    ? `WITH ev AS (${ev}),
        ranked AS (SELECT bd, row_number() OVER (ORDER BY count(*) DESC, ${d.binary('bd')} ASC NULLS LAST) AS r FROM ev GROUP BY bd),
        slotted AS (SELECT ev.*, CASE WHEN ranked.r <= ${limit} THEN ranked.r ELSE 0 END AS slot FROM ev JOIN ranked ON ranked.bd IS NOT DISTINCT FROM ev.bd)
      SELECT b, slot, min(bd) AS label, ${aggregateSql(math)} AS value FROM slotted GROUP BY GROUPING SETS ((b, slot), (slot))`
    : `WITH ev AS (${ev}) SELECT b, slot, NULL AS label, ${aggregateSql(math)} AS value FROM ev GROUP BY GROUPING SETS ((b, slot), (slot))`
  const rows = await store.query(sql, p.values)
  const starts = bucketStarts(fromMs, toMs, interval)
  const zeroFill = math === 'count' || math === 'unique_persons' || math === 'sum'
  const bySlot = new Map<number, { label: string | null, totals: number | null, values: Map<number, number | null> }>()
  for (const row of rows) {
    const slot = Number(row.slot)
    const entry = bySlot.get(slot) ?? { label: null, totals: null, values: new Map<number, number | null>() }
    bySlot.set(slot, entry)
    const v = row.value === null || row.value === undefined ? (zeroFill ? 0 : null) : Number(row.value)
    if (row.b === null || row.b === undefined) {
      entry.totals = v
      entry.label = row.label === null || row.label === undefined ? null : String(row.label)
    } else {
      entry.values.set(Number(row.b), v)
    }
  }
  const name = series.label ?? (math === 'count' ? series.event : `${series.event} (${math}${series.property ? ` of ${series.property}` : ''})`)
  const slots = [...bySlot.keys()].sort((a, b) => (a === 0 ? 1 : b === 0 ? -1 : a - b))
  // Nothing matched: one series of empty buckets, so the range still shows.
  if (slots.length === 0) return [{ label: name, event: series.event, math, points: starts.map(t => ({ t: new Date(t).toISOString(), value: zeroFill ? 0 : null })), total: zeroFill ? 0 : null }]
  return slots.map(slot => {
    const entry = bySlot.get(slot) ?? { label: null, totals: zeroFill ? 0 : null, values: new Map<number, number | null>() }
    const out: TrendsSeries = {
      label: bd ? `${name}: ${slot === 0 ? 'other' : entry.label ?? '(not set)'}` : name,
      event: series.event,
      math,
      points: starts.map(t => ({ t: new Date(t).toISOString(), value: entry.values.get(t) ?? (zeroFill ? 0 : null) })),
      total: entry.totals,
    }
    if (bd) {
      out.breakdown = slot === 0 ? null : entry.label
      if (slot === 0) out.other = true
    }
    return out
  })
}
