// The pieces every insight's SQL is built from: the events of a time range resolved to persons,
// filters on event and person properties, and time buckets. Buckets are epoch arithmetic in UTC
// (weeks start on Monday), not date_trunc, so both engines agree whatever their time zone.
import { literal, PERSON_ID, PERSON_JOIN, type Dialect } from '@tackle/pipeline'
import { personPropertiesSql } from '../persons/person-properties-sql.ts'
import type { Params } from '../sql-lists.ts'
import type { Filter } from './query-schema.ts'

export const INTERVAL_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 } as const
export type Interval = keyof typeof INTERVAL_MS

/** 1970-01-05 was a Monday. */
const WEEK_OFFSET_MS = 4 * 86_400_000
const offsetOf = (interval: Interval) => (interval === 'week' ? WEEK_OFFSET_MS : 0)

export function bucketSql (d: Dialect, interval: Interval, column: string): string {
  return bucketOfMsSql(interval, d.epochMs(column))
}

/** The bucket of an expression in epoch milliseconds. */
export function bucketOfMsSql (interval: Interval, ms: string): string {
  const step = INTERVAL_MS[interval]
  const offset = offsetOf(interval)
  return `(floor((${ms} - ${offset}) / ${step}) * ${step} + ${offset})`
}

export function bucketOf (ms: number, interval: Interval): number {
  const step = INTERVAL_MS[interval]
  const offset = offsetOf(interval)
  return Math.floor((ms - offset) / step) * step + offset
}

/** The bucket starts from the one holding `fromMs` up to (not including) `toMs`. */
export function bucketStarts (fromMs: number, toMs: number, interval: Interval): number[] {
  const starts: number[] = []
  for (let t = bucketOf(fromMs, interval); t < toMs; t += INTERVAL_MS[interval]) starts.push(t)
  return starts
}

const scalarText = (value: string | number | boolean) => (typeof value === 'string' ? value : JSON.stringify(value))

/** A filter's condition on a text expression (a property's value, NULL when it is not set). */
export function conditionSql (d: Dialect, p: Params, value: string, filter: Filter): string {
  const list = Array.isArray(filter.value) ? filter.value : undefined
  const one = list === undefined && filter.value !== undefined ? filter.value as string | number | boolean : undefined
  switch (filter.operator ?? 'eq') {
    case 'eq': return list ? `${value} IN (${list.map(v => p.add(scalarText(v))).join(', ')})` : `${value} = ${p.add(scalarText(one as string))}`
    case 'neq': return list ? `(${value} IS NULL OR ${value} NOT IN (${list.map(v => p.add(scalarText(v))).join(', ')}))` : `(${value} IS NULL OR ${value} <> ${p.add(scalarText(one as string))})`
    case 'contains': return `strpos(lower(${value}), lower(${p.add(scalarText(one as string))})) > 0`
    case 'not_contains': return `(${value} IS NULL OR strpos(lower(${value}), lower(${p.add(scalarText(one as string))})) = 0)`
    case 'gt': return `${d.toNumber(value)} > ${p.add(one as number)}`
    case 'gte': return `${d.toNumber(value)} >= ${p.add(one as number)}`
    case 'lt': return `${d.toNumber(value)} < ${p.add(one as number)}`
    case 'lte': return `${d.toNumber(value)} <= ${p.add(one as number)}`
    case 'is_set': return `${value} IS NOT NULL`
    case 'is_not_set': return `${value} IS NULL`
  }
}

/**
 * A breakdown's value for each event: the expression, and the join it needs (a person property is
 * joined once per query as `pb`, not looked up per event).
 */
export function breakdownSql (d: Dialect, breakdown: { property: string, type?: 'event' | 'person' | undefined }): { value: string, join: string } {
  if ((breakdown.type ?? 'event') === 'event') return { value: d.jsonText('e.properties', breakdown.property), join: '' }
  return { value: 'pb.value', join: `LEFT JOIN (${personPropertiesSql(d, [breakdown.property])}) pb ON pb.person = ${PERSON_ID}` }
}

/** Filters on the events `e` (joined to person_ids `m`) as one condition, or TRUE. */
export function filtersSql (d: Dialect, p: Params, filters: readonly Filter[] | undefined): string {
  const parts = (filters ?? []).map(f => {
    if ((f.type ?? 'event') === 'event') return conditionSql(d, p, d.jsonText('e.properties', f.property), f)
    // A person filter: the persons whose resolved value passes, as a set the events are looked up in;
    // a negative one (neq, not_contains, is_not_set) excludes the persons whose value matches.
    const negative = f.operator === 'is_not_set' || f.operator === 'neq' || f.operator === 'not_contains'
    const matching = `SELECT pp.person FROM (${personPropertiesSql(d, [f.property])}) pp WHERE ${conditionSql(d, p, 'pp.value', negative ? { ...f, operator: inverse(f.operator) } : f)}`
    return `${PERSON_ID} ${negative ? 'NOT IN' : 'IN'} (${matching})`
  })
  return parts.length === 0 ? 'TRUE' : parts.join(' AND ')
}

function inverse (operator: Filter['operator']): Filter['operator'] {
  return operator === 'neq' ? 'eq' : operator === 'not_contains' ? 'contains' : 'is_set'
}

export interface EventsSelection {
  fromMs: number
  toMs: number
  /** Event names; all events when undefined. */
  names?: readonly string[] | undefined
  filters?: readonly Filter[] | undefined
  /** Also events the processor flagged as a bot's ($is_bot); left out by default. */
  includeBots?: boolean | undefined
}

/** FROM ... WHERE ... over the events of a selection, with `e` the event and `m` its person row. */
export function eventsFromSql (d: Dialect, p: Params, selection: EventsSelection, join = ''): string {
  const names = selection.names === undefined ? '' : ` AND e.event IN (${selection.names.map(n => p.add(n)).join(', ')})`
  return `FROM events e ${PERSON_JOIN} ${join} WHERE e.timestamp >= ${p.time(selection.fromMs)} AND e.timestamp < ${p.time(selection.toMs)}${names}${selection.includeBots === true ? '' : ` AND ${d.jsonText('e.properties', '$is_bot')} IS DISTINCT FROM 'true'`} AND ${filtersSql(d, p, selection.filters)}`
}

export { literal, PERSON_ID }
