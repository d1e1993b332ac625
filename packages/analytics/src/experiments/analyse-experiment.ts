// An experiment's results from its sufficient statistics: for every metric and every treatment,
// the value per arm, the absolute and relative effect with interval and p-value (Welch's t-test,
// or the sequential confidence sequence when on), CUPED where the pre-period allows it, the
// p-value adjusted across arms × goal metrics (Holm–Bonferroni or Benjamini–Hochberg), the
// Bayesian chance to beat control and risk; then the checks that say whether to trust it (sample
// ratio mismatch, persons in two variants, too small a sample) and one verdict line. Guardrails are
// tested unadjusted, so harm is seen early, and they never make a variant win.
import { ANALYSIS_DEFAULTS, type ExperimentDefinition, type MetricDefinition } from './experiment-definition.ts'
import { bayesianTest } from './statistics/bayesian.ts'
import { adjustPValues } from './statistics/corrections.ts'
import { frequentistTest, type TestResult } from './statistics/frequentist.ts'
import { metricTotal, statMean, type MetricStat, type SampleStat } from './statistics/moments.ts'
import { SRM_THRESHOLD, srmPValue } from './statistics/srm.ts'

/** One row of the statistics statement: a variant's sums for persons first exposed on one day. */
export type StatsRow = Record<string, number | string>

export interface Effect {
  effect: number
  ci: [number, number]
  pValue: number
}

export interface MetricVariantResult {
  variant: string
  isControl: boolean
  users: number
  /** The metric's total (conversions, the sum, the numerator's sum) and its value per person (rate, mean, ratio). */
  total: number
  value: number
  absolute: Effect | null
  relative: Effect | null
  /** The relative effect's p-value after the experiment's correction; guardrails are not adjusted. */
  pValueAdjusted: number | null
  chanceToBeatControl: number | null
  /** Expected loss of shipping this variant, and of keeping control, as relative effects. */
  risk: { variant: number, control: number } | null
  cupedApplied: boolean
  significant: boolean
  /** Better for users: up, or down for an inverse metric. */
  direction: 'better' | 'worse' | 'none'
  lowSample: boolean
  errorMessage: string | null
}

export interface MetricResult {
  name: string
  kind: MetricDefinition['kind']
  role: MetricDefinition['role']
  inverse: boolean
  variants: MetricVariantResult[]
}

export interface Warning {
  code: 'srm' | 'multiple_exposures' | 'low_sample' | 'no_exposures' | 'no_control'
  message: string
}

export interface TimelinePoint {
  day: string
  /** Persons exposed by the end of that day, per variant. */
  users: Record<string, number>
  /** Per treatment, the cumulative relative effect on the metric and its interval. */
  effects: Record<string, { effect: number, ci: [number, number] } | null>
}

/** The fields the first experiment API gave per variant, from the primary metric when it is a conversion. */
export interface FirstShapeVariant {
  variant: string
  isControl: boolean
  conversions: number
  rate: number
  comparison: { difference: number, differenceCi95: [number, number], lift: number, liftCi95: [number, number], pValue: number, chanceToBeatControl: number | null } | null
}

export interface ExperimentResults {
  /** The first API's names, kept: the id, the primary conversion event, the sample-ratio check. */
  experimentId: string
  conversionEvent: string | null
  sampleRatio: { pValue: number, mismatch: boolean }
  id: string
  name: string
  control: string | null
  start: string | null
  end: string | null
  settings: { sequential: boolean, sequentialTuning: number, cuped: boolean, preWindowDays: number, correction: string, alpha: number, prior: ExperimentDefinition['prior'] }
  variants: Array<{ key: string, plannedShare: number, users: number, share: number, multipleExposures: number } & Partial<FirstShapeVariant>>
  metrics: MetricResult[]
  srm: { pValue: number, mismatch: boolean, threshold: number }
  multipleExposures: { persons: number, share: number }
  warnings: Warning[]
  verdict: string
  /** Per metric name, the cumulative effect by day of first exposure. */
  timeline: Record<string, TimelinePoint[]>
}

const num = (row: StatsRow | undefined, column: string) => Number(row?.[column] ?? 0)

/** Adds up the rows of one variant (over its days). */
export function total (rows: readonly StatsRow[]): StatsRow {
  const out: StatsRow = {}
  for (const row of rows) for (const [k, v] of Object.entries(row)) if (k !== 'variant' && k !== 'day') out[k] = num(out, k) + Number(v)
  return out
}

function sample (row: StatsRow, column: string, n: number, proportion: boolean): SampleStat {
  const sum = num(row, `${column}_sum`)
  return proportion ? { kind: 'proportion', n, sum } : { kind: 'mean', n, sum, sumSquares: num(row, `${column}_sq`) }
}

/** The sum of products of two parts, whichever order the statement named the pair in. */
function product (row: StatsRow, k: number, a: string, b: string): number {
  const column = `m${k}_${a}_x_${b}`
  return num(row, column in row ? column : `m${k}_${b}_x_${a}`)
}

/** The metric's statistic in one arm: plain, ratio, or with its pre-period for CUPED. */
export function metricStat (row: StatsRow, m: MetricDefinition, k: number, cuped: boolean): MetricStat {
  const n = num(row, 'n')
  const proportion = m.kind === 'conversion'
  const col = (part: string) => `m${k}_${part}`
  const post = sample(row, col('post'), n, proportion)
  if (m.kind === 'ratio') {
    const den = sample(row, col('den'), n, false)
    if (!cuped) return { kind: 'ratio', n, m: post, d: den, mdSumOfProducts: product(row, k, 'post', 'den') }
    return {
      kind: 'cuped-ratio', n, mPost: post, dPost: den, mPre: sample(row, col('prepost'), n, false), dPre: sample(row, col('preden'), n, false),
      products: {
        mPostMPre: product(row, k, 'post', 'prepost'), dPostDPre: product(row, k, 'den', 'preden'), mPreDPre: product(row, k, 'prepost', 'preden'),
        mPostDPost: product(row, k, 'post', 'den'), mPostDPre: product(row, k, 'post', 'preden'), mPreDPost: product(row, k, 'prepost', 'den'),
      },
    }
  }
  if (!cuped) return post
  return { kind: 'cuped', n, post, pre: sample(row, col('prepost'), n, proportion), postPreSumOfProducts: product(row, k, 'post', 'prepost') }
}

/** The variants compared: those defined, else those the exposures name. */
export function variantKeys (experiment: ExperimentDefinition, rows: readonly StatsRow[]): string[] {
  return experiment.variants?.map(v => v.key) ?? [...new Set(rows.map(r => String(r.variant)))].sort()
}

/** The control: the one named, else "control", else the first variant. */
export function controlOf (experiment: ExperimentDefinition, keys: readonly string[]): string | null {
  return experiment.control !== undefined && keys.includes(experiment.control) ? experiment.control : keys.includes('control') ? 'control' : keys[0] ?? null
}

export function analyseExperimentRows (experiment: ExperimentDefinition, rows: readonly StatsRow[]): ExperimentResults {
  const keys = variantKeys(experiment, rows)
  const weights = experiment.variants?.map(v => v.weight) ?? keys.map(() => 1)
  const weightSum = weights.reduce((a, b) => a + b, 0)
  const byVariant = new Map(keys.map(key => [key, total(rows.filter(r => String(r.variant) === key))]))
  const control = controlOf(experiment, keys)
  const users = keys.map(key => num(byVariant.get(key), 'n'))
  const allUsers = users.reduce((a, b) => a + b, 0)
  const multiple = keys.map(key => num(byVariant.get(key), 'multiple'))
  const allMultiple = multiple.reduce((a, b) => a + b, 0)
  const srm = srmPValue(users, weights)
  const alpha = experiment.alpha
  const sequentialTuning = experiment.sequential ? experiment.sequentialTuning : undefined
  const prior = { mean: experiment.prior.mean, variance: experiment.prior.stddev ** 2, proper: experiment.prior.proper }

  const metrics: MetricResult[] = experiment.metrics.map((m, k) => {
    const stat = (key: string) => metricStat(byVariant.get(key) ?? {}, m, k, experiment.cuped)
    const controlStat = control === null ? null : stat(control)
    return {
      name: m.name, kind: m.kind, role: m.role, inverse: m.inverse,
      variants: keys.map(key => {
        const s = stat(key)
        const base = { variant: key, isControl: key === control, users: s.n, total: metricTotal(s), value: statMean(plain(s)) }
        if (controlStat === null || key === control) {
          return { ...base, absolute: null, relative: null, pValueAdjusted: null, chanceToBeatControl: null, risk: null, cupedApplied: false, significant: false, direction: 'none' as const, lowSample: false, errorMessage: null }
        }
        const relative = frequentistTest(controlStat, s, { relative: true, alpha, sequentialTuning })
        const absolute = frequentistTest(controlStat, s, { relative: false, alpha, sequentialTuning })
        const bayes = bayesianTest(controlStat, s, { relative: true, alpha, prior, inverse: m.inverse })
        const lowSample = metricTotal(controlStat) < m.minSample || metricTotal(s) < m.minSample
        return {
          ...base,
          absolute: effectOf(absolute),
          relative: effectOf(relative),
          pValueAdjusted: relative.errorMessage === null ? relative.pValue : null,
          chanceToBeatControl: bayes.errorMessage === null ? bayes.chanceToWin : null,
          risk: bayes.errorMessage === null ? { variant: bayes.risk[1], control: bayes.risk[0] } : null,
          cupedApplied: relative.cupedApplied,
          significant: false,
          direction: 'none' as const,
          lowSample,
          errorMessage: relative.errorMessage,
        }
      }),
    }
  })

  // The correction runs over every treatment × goal metric; guardrails keep their own p-values.
  const goals = metrics.flatMap(m => m.role === 'guardrail' ? [] : m.variants.filter(v => v.relative !== null))
  const adjusted = adjustPValues(goals.map(v => v.pValueAdjusted as number), experiment.correction)
  goals.forEach((v, i) => { v.pValueAdjusted = adjusted[i] as number })
  for (const m of metrics) {
    for (const v of m.variants) {
      if (v.relative === null || v.errorMessage !== null) continue
      const p = m.role === 'guardrail' ? v.relative.pValue : v.pValueAdjusted as number
      v.significant = p < alpha
      const up = v.relative.effect > 0
      v.direction = !v.significant ? 'none' : up !== m.inverse ? 'better' : 'worse'
    }
  }

  const warnings: Warning[] = []
  if (allUsers === 0) warnings.push({ code: 'no_exposures', message: `no exposures yet: send $feature_flag_called (or "Experiment Viewed") for "${experiment.id}"` })
  if (allUsers > 0 && (control === null || num(byVariant.get(control), 'n') === 0)) warnings.push({ code: 'no_control', message: `control "${control ?? '?'}" has no exposed persons: nothing to compare with` })
  if (srm < SRM_THRESHOLD) warnings.push({ code: 'srm', message: `sample ratio mismatch: the split ${users.join(' / ')} is unlikely under the planned weights ${weights.join(' / ')} (p = ${srm.toExponential(2)}); find the cause before trusting any result` })
  if (allMultiple > 0) warnings.push({ code: 'multiple_exposures', message: `${allMultiple} ${allMultiple === 1 ? 'person was' : 'persons were'} exposed to more than one variant (${percent(allMultiple / allUsers)}); each is counted in the first variant seen` })
  const low = metrics.filter(m => m.variants.some(v => v.lowSample))
  if (low.length > 0 && allUsers > 0) warnings.push({ code: 'low_sample', message: `too few for a result yet on ${low.map(m => `"${m.name}"`).join(', ')}: each arm needs a total of at least ${experiment.metrics.find(m => low.some(l => l.name === m.name))?.minSample ?? ANALYSIS_DEFAULTS.minSample}` })

  const primary = metrics.find(m => m.role === 'primary')
  const firstShape = (key: string): Partial<FirstShapeVariant> => {
    const v = primary?.kind === 'conversion' ? primary.variants.find(x => x.variant === key) : undefined
    if (v === undefined) return {}
    const comparison = v.relative === null || v.absolute === null ? null : { difference: v.absolute.effect, differenceCi95: v.absolute.ci, lift: v.relative.effect, liftCi95: v.relative.ci, pValue: v.relative.pValue, chanceToBeatControl: v.chanceToBeatControl }
    return { variant: key, isControl: v.isControl, conversions: v.total, rate: v.value, comparison }
  }
  return {
    experimentId: experiment.id,
    conversionEvent: primary?.kind === 'conversion' ? primary.name : null,
    sampleRatio: { pValue: srm, mismatch: srm < SRM_THRESHOLD },
    id: experiment.id,
    name: experiment.name,
    control,
    start: experiment.start ?? null,
    end: experiment.end ?? null,
    settings: { sequential: experiment.sequential, sequentialTuning: experiment.sequentialTuning, cuped: experiment.cuped, preWindowDays: experiment.preWindowDays, correction: experiment.correction, alpha, prior: { ...experiment.prior } },
    variants: keys.map((key, i) => ({ ...firstShape(key), key, plannedShare: (weights[i] as number) / weightSum, users: users[i] as number, share: allUsers === 0 ? 0 : (users[i] as number) / allUsers, multipleExposures: multiple[i] as number })),
    metrics,
    srm: { pValue: srm, mismatch: srm < SRM_THRESHOLD, threshold: SRM_THRESHOLD },
    multipleExposures: { persons: allMultiple, share: allUsers === 0 ? 0 : allMultiple / allUsers },
    warnings,
    verdict: verdictOf(metrics, warnings, control),
    timeline: timelines(experiment, rows, keys, control, sequentialTuning),
  }
}

/** The value shown per arm is the unadjusted one: CUPED changes the effect's variance, not what the arm did. */
function plain (s: MetricStat): MetricStat {
  if (s.kind === 'cuped') return s.post
  if (s.kind === 'cuped-ratio') return { kind: 'ratio', n: s.n, m: s.mPost, d: s.dPost, mdSumOfProducts: s.products.mPostDPost }
  return s
}

function effectOf (r: TestResult): Effect | null {
  return r.errorMessage === null ? { effect: r.expected, ci: r.ci, pValue: r.pValue } : null
}

const percent = (x: number) => `${(x * 100).toFixed(1)}%`
const signed = (x: number) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`

function verdictOf (metrics: readonly MetricResult[], warnings: readonly Warning[], control: string | null): string {
  if (warnings.some(w => w.code === 'no_exposures')) return 'No exposures yet.'
  const primary = metrics.find(m => m.role === 'primary')
  const guardrails = metrics.filter(m => m.role === 'guardrail')
  const parts: string[] = []
  if (warnings.some(w => w.code === 'srm')) parts.push('Sample ratio mismatch: do not trust these results until the assignment is fixed')
  if (primary !== undefined) {
    const winners = primary.variants.filter(v => v.direction === 'better')
    const losers = primary.variants.filter(v => v.direction === 'worse')
    if (winners.length > 0) parts.push(`${winners.map(v => `${v.variant} wins`).join(', ')} on the primary metric (${primary.name}: ${winners.map(v => signed(v.relative?.effect ?? 0)).join(', ')})`)
    if (losers.length > 0) parts.push(`${losers.map(v => `${v.variant} loses`).join(', ')} on the primary metric (${primary.name}: ${losers.map(v => signed(v.relative?.effect ?? 0)).join(', ')})`)
    if (winners.length === 0 && losers.length === 0) {
      const low = primary.variants.some(v => v.lowSample)
      parts.push(`no significant difference from ${control ?? 'control'} on the primary metric (${primary.name}) yet${low ? '; the sample is still too small' : ''}`)
    }
  }
  if (guardrails.length > 0) {
    const hurt = guardrails.flatMap(m => m.variants.filter(v => v.direction === 'worse').map(v => `${m.name} (${v.variant}: ${signed(v.relative?.effect ?? 0)})`))
    parts.push(hurt.length === 0 ? 'no guardrail hurt' : `guardrail hurt: ${hurt.join(', ')}`)
  }
  const text = parts.join('; ')
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`
}

function timelines (experiment: ExperimentDefinition, rows: readonly StatsRow[], keys: readonly string[], control: string | null, sequentialTuning: number | undefined): Record<string, TimelinePoint[]> {
  const days = [...new Set(rows.map(r => Number(r.day)))].sort((a, b) => a - b)
  const out: Record<string, TimelinePoint[]> = {}
  const running = new Map(keys.map(key => [key, {} as StatsRow]))
  const points: Array<{ day: number, sums: Map<string, StatsRow> }> = []
  for (const day of days) {
    for (const key of keys) {
      const row = rows.find(r => Number(r.day) === day && String(r.variant) === key)
      if (row !== undefined) running.set(key, total([running.get(key) as StatsRow, row]))
    }
    points.push({ day, sums: new Map([...running].map(([k, v]) => [k, { ...v }])) })
  }
  experiment.metrics.forEach((m, k) => {
    out[m.name] = points.map(({ day, sums }) => {
      const controlStat = control === null ? null : metricStat(sums.get(control) ?? {}, m, k, experiment.cuped)
      const effects: TimelinePoint['effects'] = {}
      for (const key of keys) {
        if (key === control || controlStat === null) continue
        const r = frequentistTest(controlStat, metricStat(sums.get(key) ?? {}, m, k, experiment.cuped), { relative: true, alpha: experiment.alpha, sequentialTuning })
        effects[key] = r.errorMessage === null ? { effect: r.expected, ci: r.ci } : null
      }
      return { day: new Date(day * 86_400_000).toISOString().slice(0, 10), users: Object.fromEntries(keys.map(key => [key, num(sums.get(key), 'n')])), effects }
    })
  })
  return out
}
