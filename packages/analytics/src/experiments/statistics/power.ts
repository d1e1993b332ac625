// Power and minimum detectable effect of a relative lift, as GrowthBook's power calculator
// computes them (packages/shared power.ts powerEstFrequentist / findMdeFrequentist): the
// two-sided z-test on the delta-method variance of the relative effect, and for sequential
// testing the confidence sequence's wider interval expressed as an inflated variance.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf'
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'
import { sequentialRho } from './frequentist.ts'

export interface PowerMetric {
  /** Control's mean (a conversion rate for a conversion metric). */
  mean: number
  /** The per-person variance (p(1 − p) for a conversion metric). */
  variance: number
}

export interface PowerOptions {
  alpha: number
  /** Arms, control included. */
  variations: number
  /** The sequential test's tuning parameter; absent for the fixed-horizon test. */
  sequentialTuning?: number | undefined
}

function relativeVariance (metric: PowerMetric, effect: number, perArm: number): number {
  const meanB = metric.mean * (1 + effect)
  return metric.variance / (metric.mean ** 2 * perArm) + metric.variance * meanB ** 2 / (metric.mean ** 4 * perArm)
}

/** The variance a sequential test behaves as having, at n persons in the two arms compared. */
function sequentialVariance (variance: number, n: number, alpha: number, tuning: number): number {
  const rho = sequentialRho(alpha, tuning)
  const discriminant = 2 * (n * rho ** 2 + 1) * Math.log(Math.sqrt(n * rho ** 2 + 1) / alpha) / (n * rho) ** 2
  const se = Math.sqrt(variance / n) * Math.sqrt(n) * Math.sqrt(discriminant) / normalQuantile(1 - alpha / 2, 0, 1)
  return n * se ** 2
}

/** The chance of detecting a true relative lift `effect` with n persons over all arms. */
export function power (metric: PowerMetric, effect: number, n: number, options: PowerOptions): number {
  const perArm = n / options.variations
  let se = Math.sqrt(relativeVariance(metric, effect, perArm))
  if (options.sequentialTuning !== undefined) se = Math.sqrt(sequentialVariance(relativeVariance(metric, effect, perArm), 2 * perArm, options.alpha, options.sequentialTuning))
  const z = normalQuantile(1 - options.alpha / 2, 0, 1)
  const standardized = effect / se
  return 1 - normalCdf(z - standardized, 0, 1) + normalCdf(-z - standardized, 0, 1)
}

/** The smallest relative lift detected with the power asked for; null when n is too small for any. */
export function minimumDetectableEffect (metric: PowerMetric, targetPower: number, n: number, options: PowerOptions): number | null {
  if (targetPower <= options.alpha) return null
  const perArm = n / options.variations
  const z = normalQuantile(1 - options.alpha / 2, 0, 1) - normalQuantile(1 - targetPower, 0, 1)
  const m = metric.mean
  const v = options.sequentialTuning === undefined ? metric.variance : sequentialVariance(metric.variance, 2 * perArm, options.alpha, options.sequentialTuning)
  if (perArm <= v * z ** 2 / m ** 2) return null
  const sigma2 = v / perArm
  const a = 1 - z ** 2 * sigma2 / m ** 2
  const b = -2 * m
  const c = m ** 2 - z ** 2 * sigma2
  const root = (-b + Math.sqrt(b ** 2 - 4 * a * c)) / (2 * a)
  return (root - m) / m
}

/** Persons over all arms needed for the power asked at a relative lift (doubling, then bisection); null beyond 1e10. */
export function sampleSizeFor (metric: PowerMetric, effect: number, targetPower: number, options: PowerOptions): number | null {
  let high = 100
  while (power(metric, effect, high, options) < targetPower) {
    high *= 2
    if (high > 1e10) return null
  }
  let low = high / 2
  while (high - low > Math.max(1, low * 1e-4)) {
    const mid = (low + high) / 2
    if (power(metric, effect, mid, options) >= targetPower) high = mid
    else low = mid
  }
  return Math.ceil(high)
}
