// An experiment as a team defines it, in the config file or through the API: the flag key,
// variants and weights, the rollout, the metrics (one primary, any number of secondary and
// guardrail), the window and the analysis settings. Validated with a JSON Schema (TypeBox, Ajv)
// and then for what a schema cannot say, each error naming its field; defaults are filled in.
// The analysis defaults are GrowthBook's: CUPED over 14 days before exposure, the sequential
// tuning parameter 5000, alpha 0.05, a flat prior, a minimum sample of 150 per arm.
import { Type } from '@tackle/client'
import { Ajv } from 'ajv'
import { AnalyticsError, AnalyticsErrorCodes } from '../errors.ts'
import { firstSchemaError } from '../schema-check.ts'
import { CORRECTIONS, type Correction } from './statistics/corrections.ts'

const oneOf = <T extends string> (values: readonly T[]) => Type.Unsafe<T>({ type: 'string', enum: [...values] })
const Name = Type.String({ minLength: 1, maxLength: 200 })
const Source = Type.Object({ event: Name, property: Type.Optional(Name) }, { additionalProperties: false })

export const METRIC_KINDS = ['conversion', 'mean', 'ratio'] as const
export const METRIC_ROLES = ['primary', 'secondary', 'guardrail'] as const

const MetricSchema = Type.Object({
  kind: oneOf(METRIC_KINDS),
  name: Type.Optional(Name),
  role: Type.Optional(oneOf(METRIC_ROLES)),
  /** conversion: the event that converts; mean: the event counted, or whose `property` is summed. */
  event: Type.Optional(Name),
  property: Type.Optional(Name),
  numerator: Type.Optional(Source),
  denominator: Type.Optional(Source),
  /** Only events within this many hours of a person's first exposure count; default: until the end. */
  windowHours: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  /** Lower is better (errors, latency). */
  inverse: Type.Optional(Type.Boolean()),
  /** The metric total each arm needs before results are trusted. */
  minSample: Type.Optional(Type.Number({ minimum: 0 })),
}, { additionalProperties: false })

export const ExperimentDefinitionSchema = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }),
  name: Type.Optional(Type.String({ maxLength: 200 })),
  description: Type.Optional(Type.String({ maxLength: 2000 })),
  variants: Type.Optional(Type.Array(Type.Object({
    key: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:-]+$' }),
    weight: Type.Number({ exclusiveMinimum: 0 }),
  }, { additionalProperties: false }), { minItems: 2, maxItems: 20 })),
  control: Type.Optional(Name),
  rollout: Type.Optional(Type.Number({ minimum: 0, maximum: 100 })),
  metrics: Type.Array(MetricSchema, { minItems: 1, maxItems: 50 }),
  start: Type.Optional(Type.String({ format: 'date-time' })),
  end: Type.Optional(Type.String({ format: 'date-time' })),
  cuped: Type.Optional(Type.Boolean()),
  preWindowDays: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 365 })),
  sequential: Type.Optional(Type.Boolean()),
  sequentialTuning: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  correction: Type.Optional(oneOf(CORRECTIONS)),
  alpha: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5 })),
  prior: Type.Optional(Type.Object({
    mean: Type.Number(),
    stddev: Type.Number({ exclusiveMinimum: 0 }),
    proper: Type.Boolean(),
  }, { additionalProperties: false })),
}, { additionalProperties: false, $id: 'https://tackle.dev/schemas/experiment.json', title: 'Tackle experiment' })

export type MetricRole = (typeof METRIC_ROLES)[number]
export type MetricKind = (typeof METRIC_KINDS)[number]

export interface MetricSource { event: string, property?: string }

export interface MetricDefinition {
  kind: MetricKind
  name: string
  role: MetricRole
  /** conversion and mean: the event. */
  event?: string
  property?: string
  numerator?: MetricSource
  denominator?: MetricSource
  windowHours?: number
  inverse: boolean
  minSample: number
}

export interface ExperimentDefinition {
  id: string
  name: string
  description?: string
  /** Absent: exposures from elsewhere are analysed with the variants they name, at equal weights, and no flag is served. */
  variants?: Array<{ key: string, weight: number }>
  control?: string
  rollout: number
  metrics: MetricDefinition[]
  start?: string
  end?: string
  cuped: boolean
  preWindowDays: number
  sequential: boolean
  sequentialTuning: number
  correction: Correction
  alpha: number
  prior: { mean: number, stddev: number, proper: boolean }
}

export const ANALYSIS_DEFAULTS = {
  rollout: 100,
  cuped: true,
  preWindowDays: 14,
  sequential: true,
  sequentialTuning: 5000,
  correction: 'holm-bonferroni',
  alpha: 0.05,
  prior: { mean: 0, stddev: 0.3, proper: false },
  minSample: 150,
} as const

const ajv = new Ajv({ allErrors: false, strict: false, formats: { 'date-time': value => Number.isFinite(Date.parse(value)) && /^\d{4}-\d{2}-\d{2}T/.test(value) } })
const validate = ajv.compile(ExperimentDefinitionSchema)

/**
 * A checked experiment with every default filled in, or AnalyticsError BAD_EXPERIMENT naming the
 * field. The first configuration shape ({"conversionEvent", "control", "weights"}) is read too.
 */
export function parseExperimentDefinition (input: unknown, where = 'experiment'): ExperimentDefinition {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw bad('', `${where} must be a JSON object`)
  const given = fromFirstShape(structuredClone(input) as Record<string, unknown>)
  if (!validate(given)) {
    const { field, what } = firstSchemaError(validate, 'experiment')
    throw bad(field, `${where}: ${field || '/'} ${what}`)
  }
  const raw = given as Type.Static<typeof ExperimentDefinitionSchema>
  const variants = raw.variants
  if (variants !== undefined) {
    const seen = new Set<string>()
    variants.forEach((v, i) => {
      if (seen.has(v.key)) throw bad(`/variants/${i}/key`, `${where}: /variants/${i}/key "${v.key}" is given twice`)
      seen.add(v.key)
    })
  }
  const control = raw.control ?? (variants === undefined ? undefined : (variants.some(v => v.key === 'control') ? 'control' : variants[0]?.key))
  if (raw.control !== undefined && variants !== undefined && !variants.some(v => v.key === raw.control)) {
    throw bad('/control', `${where}: /control "${raw.control}" is not one of the variants (${variants.map(v => v.key).join(', ')})`)
  }
  if (raw.start !== undefined && raw.end !== undefined && Date.parse(raw.start) >= Date.parse(raw.end)) throw bad('/end', `${where}: /end must be after /start`)
  const metrics = raw.metrics.map((m, i) => metricOf(m, i, where))
  const primaries = metrics.map((m, i) => [m, i] as const).filter(([m]) => m.role === 'primary')
  if (primaries.length > 1) throw bad(`/metrics/${primaries[1]?.[1]}/role`, `${where}: only one metric can be primary (/metrics/${primaries[0]?.[1]} is)`)
  if (primaries.length === 0) {
    const first = metrics.findIndex(m => m.role !== 'guardrail')
    if (first < 0) throw bad('/metrics', `${where}: /metrics needs a primary metric, not only guardrails`)
    ;(metrics[first] as MetricDefinition).role = 'primary'
  }
  const prior = raw.prior ?? ANALYSIS_DEFAULTS.prior
  return {
    id: raw.id,
    name: raw.name ?? raw.id,
    ...(raw.description === undefined ? {} : { description: raw.description }),
    ...(variants === undefined ? {} : { variants }),
    ...(control === undefined ? {} : { control }),
    rollout: raw.rollout ?? ANALYSIS_DEFAULTS.rollout,
    metrics,
    ...(raw.start === undefined ? {} : { start: new Date(raw.start).toISOString() }),
    ...(raw.end === undefined ? {} : { end: new Date(raw.end).toISOString() }),
    cuped: raw.cuped ?? ANALYSIS_DEFAULTS.cuped,
    preWindowDays: raw.preWindowDays ?? ANALYSIS_DEFAULTS.preWindowDays,
    sequential: raw.sequential ?? ANALYSIS_DEFAULTS.sequential,
    sequentialTuning: raw.sequentialTuning ?? ANALYSIS_DEFAULTS.sequentialTuning,
    correction: raw.correction ?? ANALYSIS_DEFAULTS.correction,
    alpha: raw.alpha ?? ANALYSIS_DEFAULTS.alpha,
    prior: { ...prior },
  }
}

function metricOf (m: Type.Static<typeof MetricSchema>, i: number, where: string): MetricDefinition {
  const at = `/metrics/${i}`
  if (m.kind === 'ratio') {
    for (const part of ['numerator', 'denominator'] as const) if (m[part] === undefined) throw bad(`${at}/${part}`, `${where}: ${at}/${part} is required for a ratio metric`)
    for (const part of ['event', 'property'] as const) if (m[part] !== undefined) throw bad(`${at}/${part}`, `${where}: ${at}/${part} is not used by a ratio metric: give numerator and denominator`)
  } else {
    if (m.event === undefined) throw bad(`${at}/event`, `${where}: ${at}/event is required for a ${m.kind} metric`)
    for (const part of ['numerator', 'denominator'] as const) if (m[part] !== undefined) throw bad(`${at}/${part}`, `${where}: ${at}/${part} is only for a ratio metric`)
    if (m.kind === 'conversion' && m.property !== undefined) throw bad(`${at}/property`, `${where}: ${at}/property is not used by a conversion metric (use kind "mean" to sum it)`)
  }
  const name = m.name ?? (m.kind === 'ratio'
    ? `${sourceName(m.numerator as MetricSource)} per ${sourceName(m.denominator as MetricSource)}`
    : m.kind === 'mean' ? sourceName({ event: m.event as string, ...(m.property === undefined ? {} : { property: m.property }) }) : m.event as string)
  return {
    kind: m.kind,
    name,
    role: m.role ?? (i === 0 ? 'primary' : 'secondary'),
    ...(m.event === undefined ? {} : { event: m.event }),
    ...(m.property === undefined ? {} : { property: m.property }),
    ...(m.numerator === undefined ? {} : { numerator: { ...m.numerator } }),
    ...(m.denominator === undefined ? {} : { denominator: { ...m.denominator } }),
    ...(m.windowHours === undefined ? {} : { windowHours: m.windowHours }),
    inverse: m.inverse ?? false,
    minSample: m.minSample ?? ANALYSIS_DEFAULTS.minSample,
  }
}

function sourceName (s: MetricSource): string {
  return s.property === undefined ? `${s.event} count` : `${s.event} ${s.property}`
}

// {"conversionEvent", "control", "weights"}: the configuration Tackle read before metrics.
function fromFirstShape (given: Record<string, unknown>): Record<string, unknown> {
  if (!('conversionEvent' in given) || 'metrics' in given) return given
  const { conversionEvent, weights, ...rest } = given
  const variants = typeof weights === 'object' && weights !== null
    ? Object.entries(weights as Record<string, unknown>).filter(([, w]) => w !== 0).map(([key, weight]) => ({ key, weight }))
    : undefined
  return { ...rest, ...(variants === undefined ? {} : { variants }), metrics: [{ kind: 'conversion', event: conversionEvent }] }
}

function bad (field: string, message: string): AnalyticsError {
  return new AnalyticsError(AnalyticsErrorCodes.BAD_EXPERIMENT, message, { field })
}
