// The insight query: one JSON document per question, validated against a published JSON Schema
// (TypeBox, checked with Ajv) before any SQL is built. `kind` picks the insight; each kind's
// schema is checked on its own, so an error names the field at fault rather than a union.
import { Type } from '@tackle/client'
import { Ajv, type ValidateFunction } from 'ajv'
import { AnalyticsError, AnalyticsErrorCodes } from '../errors.ts'
import { firstSchemaError } from '../schema-check.ts'

/** One of some strings, as a JSON Schema enum: Ajv then names the allowed values, where a union of constants would not. */
const oneOf = <T extends string> (values: readonly T[], options: { default?: T } = {}) => Type.Unsafe<T>({ type: 'string', enum: [...values], ...options })

const Name = Type.String({ minLength: 1, maxLength: 200 })
const Scalar = Type.Union([Type.String({ maxLength: 1000 }), Type.Number(), Type.Boolean()])

export const FILTER_OPERATORS = ['eq', 'neq', 'contains', 'not_contains', 'gt', 'gte', 'lt', 'lte', 'is_set', 'is_not_set'] as const

export const FilterSchema = Type.Object({
  property: Name,
  /** event: the event's properties; person: the person's (resolved) properties. */
  type: Type.Optional(oneOf(['event', 'person'] as const, { default: 'event' })),
  operator: Type.Optional(oneOf(FILTER_OPERATORS, { default: 'eq' })),
  /** A list means any of them (eq) or none of them (neq). */
  value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { minItems: 1, maxItems: 100 })])),
}, { additionalProperties: false })

const Filters = Type.Optional(Type.Array(FilterSchema, { maxItems: 20, default: [] }))

/** Events flagged $is_bot (the processor's user-agent check) count only when asked. */
const IncludeBots = Type.Optional(Type.Boolean({ default: false }))

const Range = {
  /** ISO 8601; default: `to` minus 30 days. */
  from: Type.Optional(Type.String({ format: 'date-time' })),
  /** ISO 8601, exclusive; default: now. */
  to: Type.Optional(Type.String({ format: 'date-time' })),
}

export const INTERVALS = ['minute', 'hour', 'day', 'week'] as const

export const BreakdownSchema = Type.Object({
  property: Name,
  type: Type.Optional(oneOf(['event', 'person'] as const, { default: 'event' })),
  /** The top values by count get a series each; the rest are summed into "other". */
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 10 })),
}, { additionalProperties: false })

export const MATHS = ['count', 'unique_persons', 'sum', 'avg', 'p50', 'p90', 'min', 'max'] as const

export const TrendsSeriesSchema = Type.Object({
  event: Name,
  math: Type.Optional(oneOf(MATHS, { default: 'count' })),
  /** The numeric event property that sum, avg, p50, p90, min and max read. */
  property: Type.Optional(Name),
  filters: Filters,
  label: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false })

export const TrendsQuerySchema = Type.Object({
  kind: Type.Literal('trends'),
  series: Type.Array(TrendsSeriesSchema, { minItems: 1, maxItems: 10 }),
  interval: Type.Optional(oneOf(INTERVALS, { default: 'day' })),
  ...Range,
  filters: Filters,
  includeBots: IncludeBots,
  breakdown: Type.Optional(BreakdownSchema),
  /** Also the same length of time just before, aligned bucket by bucket. */
  compare: Type.Optional(Type.Boolean({ default: false })),
}, { additionalProperties: false })

export const FunnelStepSchema = Type.Object({
  event: Name,
  filters: Filters,
  label: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false })

export const FunnelQuerySchema = Type.Object({
  kind: Type.Literal('funnel'),
  steps: Type.Array(FunnelStepSchema, { minItems: 2, maxItems: 10 }),
  /** How long after step 1 the last step may come. */
  windowMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 366 * 86_400_000, default: 14 * 86_400_000 })),
  /** ordered: in order, other events between; strict: nothing of the person's between; any: in any order. */
  order: Type.Optional(oneOf(['ordered', 'strict', 'any'] as const, { default: 'ordered' })),
  /** An attempt with this event between step fromStep and step toStep (0-based) does not count. */
  exclusions: Type.Optional(Type.Array(Type.Object({
    event: Name,
    filters: Filters,
    fromStep: Type.Integer({ minimum: 0, maximum: 8 }),
    toStep: Type.Integer({ minimum: 1, maximum: 9 }),
  }, { additionalProperties: false }), { maxItems: 5, default: [] })),
  ...Range,
  filters: Filters,
  includeBots: IncludeBots,
  /** First touch: a person counts under the value on their first step-1 event. */
  breakdown: Type.Optional(BreakdownSchema),
}, { additionalProperties: false })

export const RetentionQuerySchema = Type.Object({
  kind: Type.Literal('retention'),
  startEvent: Type.Object({ event: Name, filters: Filters }, { additionalProperties: false }),
  returnEvent: Type.Object({ event: Name, filters: Filters }, { additionalProperties: false }),
  /** first: a person's cohort is their first ever start event; recurring: every start event opens one. */
  cohort: Type.Optional(oneOf(['first', 'recurring'] as const, { default: 'first' })),
  interval: Type.Optional(oneOf(['day', 'week'] as const, { default: 'day' })),
  /** Cohorts (rows) and periods after each (columns). */
  intervals: Type.Optional(Type.Integer({ minimum: 1, maximum: 90, default: 8 })),
  /** The first cohort's start; default: as many intervals back from now as `intervals`. */
  from: Range.from,
  filters: Filters,
  includeBots: IncludeBots,
}, { additionalProperties: false })

export const SessionsQuerySchema = Type.Object({
  kind: Type.Literal('sessions'),
  ...Range,
  interval: Type.Optional(oneOf(['hour', 'day', 'week'] as const, { default: 'day' })),
  /** Inactivity that ends a session, when the SDK sent no $session_id. */
  inactivityMs: Type.Optional(Type.Integer({ minimum: 60_000, maximum: 86_400_000, default: 30 * 60_000 })),
  filters: Filters,
  includeBots: IncludeBots,
}, { additionalProperties: false })

export type FilterOperator = (typeof FILTER_OPERATORS)[number]
// TypeBox cannot see the literals through a mapped list, so those fields are typed here.
export type Filter = Omit<Type.Static<typeof FilterSchema>, 'operator'> & { operator?: FilterOperator | undefined }
type WithFilters<T> = Omit<T, 'filters'> & { filters?: Filter[] | undefined }
export type Breakdown = Type.Static<typeof BreakdownSchema>
type TrendsSeries = WithFilters<Omit<Type.Static<typeof TrendsSeriesSchema>, 'math'>> & { math?: (typeof MATHS)[number] | undefined }
export type TrendsQuery = WithFilters<Omit<Type.Static<typeof TrendsQuerySchema>, 'series' | 'interval'>> & { series: TrendsSeries[], interval?: (typeof INTERVALS)[number] | undefined }
type FunnelStep = WithFilters<Type.Static<typeof FunnelStepSchema>>
type Exclusion = WithFilters<NonNullable<Type.Static<typeof FunnelQuerySchema>['exclusions']>[number]>
export type FunnelQuery = WithFilters<Omit<Type.Static<typeof FunnelQuerySchema>, 'steps' | 'exclusions'>> & { steps: FunnelStep[], exclusions?: Exclusion[] | undefined }
type EventSpec = WithFilters<Type.Static<typeof RetentionQuerySchema>['startEvent']>
export type RetentionQuery = WithFilters<Omit<Type.Static<typeof RetentionQuerySchema>, 'startEvent' | 'returnEvent'>> & { startEvent: EventSpec, returnEvent: EventSpec }
export type SessionsQuery = WithFilters<Type.Static<typeof SessionsQuerySchema>>
export type InsightQuery = TrendsQuery | FunnelQuery | RetentionQuery | SessionsQuery
export type InsightKind = InsightQuery['kind']

const SCHEMAS = { trends: TrendsQuerySchema, funnel: FunnelQuerySchema, retention: RetentionQuerySchema, sessions: SessionsQuerySchema } as const
export const INSIGHT_KINDS = Object.keys(SCHEMAS) as InsightKind[]

/** The published schema: one of the kinds, told apart by `kind`. */
export const InsightQuerySchema = Type.Union(Object.values(SCHEMAS), { $id: 'https://tackle.dev/schemas/insight-query.json', title: 'Tackle insight query' })

const ajv = new Ajv({ allErrors: false, strict: false, useDefaults: true, formats: { 'date-time': value => Number.isFinite(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value) } })
const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([kind, schema]) => [kind, ajv.compile(schema)])) as Record<InsightKind, ValidateFunction>

/** A checked copy of the query with defaults filled in, or AnalyticsError BAD_QUERY naming the field. */
export function parseInsightQuery (input: unknown): InsightQuery {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw badQuery('', 'the query must be a JSON object')
  const kind = (input as { kind?: unknown }).kind
  if (typeof kind !== 'string' || !(INSIGHT_KINDS as string[]).includes(kind)) {
    throw badQuery('/kind', `/kind must be one of ${INSIGHT_KINDS.join(', ')}, got ${JSON.stringify(kind ?? null)}`)
  }
  const query = structuredClone(input) as InsightQuery
  const validate = validators[kind as InsightKind]
  if (!validate(query)) {
    const { field, what } = firstSchemaError(validate, 'query')
    throw badQuery(field, `${kind} query: ${field || '/'} ${what}`)
  }
  checkSemantics(query)
  return query
}

function checkSemantics (query: InsightQuery): void {
  if ('from' in query && query.from !== undefined && 'to' in query && query.to !== undefined && Date.parse(query.from) >= Date.parse(query.to)) throw badQuery('/from', `${query.kind} query: /from must be before /to`)
  if (query.kind === 'trends') {
    query.series.forEach((s, i) => {
      if (!['count', 'unique_persons'].includes(s.math ?? 'count') && s.property === undefined) throw badQuery(`/series/${i}/property`, `trends query: /series/${i}/property is required for math "${s.math}"`)
    })
  }
  if (query.kind === 'funnel') {
    if ((query.exclusions ?? []).length > 0 && query.order === 'any') throw badQuery('/exclusions', 'funnel query: /exclusions need order "ordered" or "strict": in any order there is no "between two steps"')
    ;(query.exclusions ?? []).forEach((x, i) => {
      if (x.toStep <= x.fromStep || x.toStep >= query.steps.length) throw badQuery(`/exclusions/${i}/toStep`, `funnel query: /exclusions/${i}/toStep must be after fromStep and at most ${query.steps.length - 1}`)
    })
  }
  const filterLists: Array<[string, Filter[] | undefined]> = [['/filters', query.filters]]
  if (query.kind === 'trends') query.series.forEach((s, i) => filterLists.push([`/series/${i}/filters`, s.filters]))
  if (query.kind === 'funnel') query.steps.forEach((s, i) => filterLists.push([`/steps/${i}/filters`, s.filters]))
  for (const [path, filters] of filterLists) {
    (filters ?? []).forEach((f, i) => {
      const needsValue = f.operator !== 'is_set' && f.operator !== 'is_not_set'
      if (needsValue && f.value === undefined) throw badQuery(`${path}/${i}/value`, `${query.kind} query: ${path}/${i}/value is required for operator "${f.operator}"`)
      if (['gt', 'gte', 'lt', 'lte'].includes(f.operator ?? 'eq') && typeof f.value !== 'number') throw badQuery(`${path}/${i}/value`, `${query.kind} query: ${path}/${i}/value must be a number for operator "${f.operator}"`)
    })
  }
}

function badQuery (field: string, message: string): AnalyticsError {
  return new AnalyticsError(AnalyticsErrorCodes.BAD_QUERY, message, { field })
}
