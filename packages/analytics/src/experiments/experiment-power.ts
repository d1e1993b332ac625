// The power calculator of an experiment: from control's metric so far (or the mean and variance
// given, before launch) and the traffic so far, the persons and days needed to detect a relative
// lift with the power asked, the lift detectable with the persons exposed now, and the power now.
import { AnalyticsError, AnalyticsErrorCodes } from '../errors.ts'
import { controlOf, metricStat, total, variantKeys, type StatsRow } from './analyse-experiment.ts'
import type { ExperimentDefinition } from './experiment-definition.ts'
import { minimumDetectableEffect, power, sampleSizeFor } from './statistics/power.ts'
import { statMean, statVariance } from './statistics/moments.ts'

export interface PowerInput {
  /** The metric's name; default the primary metric. */
  metric?: string
  /** The relative lift to detect (0.05 is +5%); default 0.05. */
  effect?: number
  /** Default 0.8. */
  power?: number
  /** Control's mean and per-person variance, when there is no traffic yet to read them from. */
  mean?: number
  variance?: number
  /** Persons exposed per day, when there is no traffic yet. */
  dailyUsers?: number
}

export interface PowerResult {
  metric: string
  effect: number
  power: number
  alpha: number
  variations: number
  sequential: boolean
  mean: number
  variance: number
  /** Persons over all arms for `power` at `effect`; null when unreachable. */
  personsNeeded: number | null
  personsSoFar: number
  dailyUsers: number | null
  /** Days from now until personsNeeded at dailyUsers; 0 when already there; null when unknown. */
  daysRemaining: number | null
  /** The smallest lift detectable with `power` at the persons exposed so far; null when too few. */
  mdeNow: number | null
  powerNow: number | null
}

export function experimentPower (experiment: ExperimentDefinition, rows: readonly StatsRow[], input: PowerInput, nowMs: number): PowerResult {
  const index = input.metric === undefined ? experiment.metrics.findIndex(m => m.role === 'primary') : experiment.metrics.findIndex(m => m.name === input.metric)
  const metric = experiment.metrics[index]
  if (metric === undefined) throw new AnalyticsError(AnalyticsErrorCodes.BAD_EXPERIMENT, `power: /metric "${input.metric}" is not a metric of "${experiment.id}" (${experiment.metrics.map(m => m.name).join(', ')})`, { field: '/metric' })
  const effect = input.effect ?? 0.05
  const targetPower = input.power ?? 0.8
  if (!(effect > 0)) throw new AnalyticsError(AnalyticsErrorCodes.BAD_EXPERIMENT, 'power: /effect must be a relative lift above 0 (0.05 is +5%)', { field: '/effect' })
  if (!(targetPower > experiment.alpha && targetPower < 1)) throw new AnalyticsError(AnalyticsErrorCodes.BAD_EXPERIMENT, `power: /power must be between alpha (${experiment.alpha}) and 1`, { field: '/power' })
  const keys = variantKeys(experiment, rows)
  const variations = Math.max(2, keys.length)
  const control = controlOf(experiment, keys)
  const observed = metricStat(total(rows.filter(r => String(r.variant) === control)), metric, index, false)
  const mean = input.mean ?? statMean(observed)
  const variance = input.variance ?? statVariance(observed)
  if (!(mean !== 0 && variance > 0)) throw new AnalyticsError(AnalyticsErrorCodes.BAD_EXPERIMENT, `power: control has no data on "${metric.name}" yet: give /mean and /variance (a conversion rate p has variance p(1 − p))`, { field: '/mean' })
  const personsSoFar = rows.reduce((sum, r) => sum + Number(r.n), 0)
  const days = rows.map(r => Number(r.day))
  const firstDayMs = days.length === 0 ? null : Math.min(...days) * 86_400_000
  const elapsedDays = firstDayMs === null ? 0 : Math.max(1, (nowMs - firstDayMs) / 86_400_000)
  const dailyUsers = input.dailyUsers ?? (personsSoFar > 0 ? personsSoFar / elapsedDays : null)
  const options = { alpha: experiment.alpha, variations, sequentialTuning: experiment.sequential ? experiment.sequentialTuning : undefined }
  const stats = { mean, variance }
  const personsNeeded = sampleSizeFor(stats, effect, targetPower, options)
  return {
    metric: metric.name, effect, power: targetPower, alpha: experiment.alpha, variations, sequential: experiment.sequential, mean, variance,
    personsNeeded, personsSoFar, dailyUsers,
    daysRemaining: personsNeeded === null || dailyUsers === null || dailyUsers <= 0 ? null : Math.max(0, (personsNeeded - personsSoFar) / dailyUsers),
    mdeNow: personsSoFar > 0 ? minimumDetectableEffect(stats, targetPower, personsSoFar, options) : null,
    powerNow: personsSoFar > 0 ? power(stats, effect, personsSoFar, options) : null,
  }
}
