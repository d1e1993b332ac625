// One statement that reads an experiment's sufficient statistics from the events, on resolved
// persons: each person's first exposure (PostHog's $feature_flag_called with $feature_flag and
// $feature_flag_response, or Segment's "Experiment Viewed" with experiment_id and variation_id)
// decides their variant and exposure time; a person seen in two variants is counted once, in the
// first, and counted as such. Each metric is then read per person after exposure (within its
// window) and over the pre-exposure window for CUPED, and summed per variant and day of first
// exposure: n, sums, sums of squares and of products, which is all the statistics need
// (GrowthBook's stats engine takes the same sums from its SQL).
import { PERSON_ID, PERSON_JOIN, type Dialect } from '@tackle/pipeline'
import { Params } from '../sql-lists.ts'
import type { ExperimentDefinition, MetricDefinition, MetricSource } from './experiment-definition.ts'

export const POSTHOG_EXPOSURE = '$feature_flag_called'
export const SEGMENT_EXPOSURE = 'Experiment Viewed'
const DAY_MS = 86_400_000

/** The sums one metric contributes, by column suffix: `post` (and `den`) after exposure, `pre*` before. */
export function metricParts (m: MetricDefinition, cuped: boolean): string[] {
  const parts = m.kind === 'ratio' ? ['post', 'den'] : ['post']
  if (cuped) parts.push(...(m.kind === 'ratio' ? ['prepost', 'preden'] : ['prepost']))
  return parts
}

/** Every pair of parts whose product is summed: for CUPED and ratios' covariances. */
export function productPairs (parts: readonly string[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = []
  parts.forEach((a, i) => parts.slice(i + 1).forEach(b => pairs.push([a, b])))
  return pairs
}

export interface ExperimentWindow {
  startMs: number | null
  endMs: number
}

export function experimentWindow (experiment: ExperimentDefinition, nowMs: number): ExperimentWindow {
  const end = experiment.end === undefined ? nowMs : Math.min(nowMs, Date.parse(experiment.end))
  return { startMs: experiment.start === undefined ? null : Date.parse(experiment.start), endMs: end }
}

export function experimentStatsSql (d: Dialect, experiment: ExperimentDefinition, window: ExperimentWindow): { sql: string, params: Params['values'] } {
  const p = new Params()
  const ts = d.epochMs('e.timestamp')
  const id = p.add(experiment.id)
  const variant = `CASE WHEN e.event = ${p.add(POSTHOG_EXPOSURE)} THEN ${d.jsonText('e.properties', '$feature_flag_response')} ELSE ${d.jsonText('e.properties', 'variation_id')} END`
  const defined = experiment.variants?.map(v => p.add(v.key))
  const variantFilter = defined === undefined ? "variant IS NOT NULL AND variant NOT IN ('true', 'false')" : `variant IN (${defined.join(', ')})`
  // Bounds on the column itself, not its epoch: PostgreSQL then estimates the rows from its statistics.
  const start = window.startMs === null ? null : p.time(window.startMs)
  const end = p.time(window.endMs)
  const inWindow = (from: string | null) => `e.timestamp < ${end}${from === null ? '' : ` AND e.timestamp >= ${from}`}`
  const preMs = experiment.preWindowDays * DAY_MS

  // The numbers metrics read, one column each, extracted only for their own event.
  const sources = new Map<string, { column: string, event: string, property: string | undefined }>()
  const sourceColumn = (s: MetricSource): string => {
    const key = `${s.event}\0${s.property ?? ''}`
    let found = sources.get(key)
    if (found === undefined) {
      found = { column: `v${sources.size}`, event: s.event, property: s.property }
      sources.set(key, found)
    }
    return found.column
  }
  const perPerson: string[] = []
  const sums: string[] = []
  experiment.metrics.forEach((m, k) => {
    const window = m.windowHours === undefined ? '' : ` AND v.t < x.exposed_ms + ${Math.round(m.windowHours * 3_600_000)}`
    const post = `v.t >= x.exposed_ms${window}`
    const pre = `v.t >= x.exposed_ms - ${preMs} AND v.t < x.exposed_ms`
    const value = (s: MetricSource, when: string, conversion: boolean) => {
      const column = sourceColumn(s)
      if (conversion) return `max(CASE WHEN v.${column} IS NOT NULL AND ${when} THEN 1 ELSE 0 END)`
      return `coalesce(sum(CASE WHEN ${when} THEN v.${column} END), 0)`
    }
    const numerator: MetricSource = m.kind === 'ratio' ? m.numerator as MetricSource : { event: m.event as string, ...(m.property === undefined ? {} : { property: m.property }) }
    const conversion = m.kind === 'conversion'
    const expressions: Record<string, string> = { post: value(numerator, post, conversion), prepost: value(numerator, pre, conversion) }
    if (m.kind === 'ratio') {
      expressions.den = value(m.denominator as MetricSource, post, false)
      expressions.preden = value(m.denominator as MetricSource, pre, false)
    }
    const parts = metricParts(m, experiment.cuped)
    for (const part of parts) {
      perPerson.push(`${expressions[part] as string} AS m${k}_${part}`)
      sums.push(`sum(m${k}_${part}) AS m${k}_${part}_sum`, `sum(m${k}_${part} * m${k}_${part}) AS m${k}_${part}_sq`)
    }
    for (const [a, b] of productPairs(parts)) sums.push(`sum(m${k}_${a} * m${k}_${b}) AS m${k}_${a}_x_${b}`)
  })
  const events = [...sources.values()]
  // A source without a property counts its events: 1 per event.
  const values = events.map(s => `CASE WHEN e.event = ${p.add(s.event)} THEN ${s.property === undefined ? '1.0' : `coalesce(${d.toNumber(d.jsonText('e.properties', s.property))}, 0)`} END AS ${s.column}`)
  const metricFrom = window.startMs === null ? null : p.time(window.startMs - preMs)
  const sql = `WITH exposure_events AS (
      SELECT ${PERSON_ID} AS person, ${ts} AS t, e.message_id AS mid, ${variant} AS variant
      FROM events e ${PERSON_JOIN}
      WHERE ((e.event = ${p.add(POSTHOG_EXPOSURE)} AND ${d.jsonText('e.properties', '$feature_flag')} = ${id})
          OR (e.event = ${p.add(SEGMENT_EXPOSURE)} AND ${d.jsonText('e.properties', 'experiment_id')} = ${id}))
        AND ${inWindow(start)}
    ), exposed AS (
      SELECT person, min(t) AS exposed_ms, ${d.argMin('variant', 't', 'mid')} AS variant, count(DISTINCT variant) AS variants
      FROM exposure_events WHERE ${variantFilter} GROUP BY person
    ), metric_events AS (
      SELECT ${PERSON_ID} AS person, ${ts} AS t, ${values.join(', ')}
      FROM events e ${PERSON_JOIN}
      WHERE e.event IN (${events.map(s => p.add(s.event)).join(', ')}) AND ${inWindow(metricFrom)}
    ), per_person AS (
      SELECT x.person, x.variant, x.variants, floor(x.exposed_ms / ${DAY_MS}.0) AS day, ${perPerson.join(', ')}
      FROM exposed x LEFT JOIN metric_events v ON v.person = x.person
      GROUP BY x.person, x.variant, x.variants, x.exposed_ms
    )
    SELECT variant, day, count(*) AS n, sum(CASE WHEN variants > 1 THEN 1 ELSE 0 END) AS multiple, ${sums.join(', ')}
    FROM per_person GROUP BY variant, day ORDER BY day, variant`
  return { sql, params: p.values }
}
