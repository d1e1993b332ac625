// Frequentist tests of a treatment against control, as GrowthBook's stats engine does them
// (gbstats frequentist/tests.py): Welch's two-sided t-test on the effect moments, and the
// sequential test whose interval is an asymptotic confidence sequence (Waudby-Smith et al.,
// "Time-uniform central limit theory and asymptotic confidence sequences", arXiv 2103.06476,
// eq. 9 for the half-width, eq. 155 for the always-valid p-value, eq. 161 for rho from the
// tuning parameter: the total sample size at which the sequence is tightest).
import tCdf from '@stdlib/stats-base-dists-t-cdf'
import tQuantile from '@stdlib/stats-base-dists-t-quantile'
import { effectMoments, welchDegreesOfFreedom, withPooledTheta, type MetricStat } from './moments.ts'

export interface FrequentistOptions {
  relative: boolean
  alpha: number
  /** The sequential test's tuning parameter (GrowthBook's default 5000); absent for the fixed-horizon t-test. */
  sequentialTuning?: number | undefined
}

export interface TestResult {
  /** The effect: an absolute difference, or relative to control's mean. */
  expected: number
  ci: [number, number]
  pValue: number
  standardError: number
  /** Set when the effect could not be estimated; then the rest is the uninformative default. */
  errorMessage: string | null
  /** Whether CUPED adjusted the estimate (false when it fell back for lack of pre-period variance). */
  cupedApplied: boolean
}

export function frequentistTest (control: MetricStat, treatment: MetricStat, options: FrequentistOptions): TestResult {
  const { a, b, adjusted } = withPooledTheta(control, treatment)
  const moments = effectMoments(a, b, options.relative)
  if (moments.errorMessage !== null) return { expected: 0, ci: [0, 0], pValue: 1, standardError: 0, errorMessage: moments.errorMessage, cupedApplied: adjusted }
  const { pointEstimate: expected, standardError: se } = moments
  if (options.sequentialTuning !== undefined) {
    const n = a.n + b.n
    const rho = sequentialRho(options.alpha, options.sequentialTuning)
    const halfwidth = sequentialHalfwidth(se ** 2 * n, n, rho, options.alpha)
    const st2 = expected ** 2 * n / se ** 2
    const tr2p1 = n * rho ** 2 + 1
    const evalue = Math.exp(rho ** 2 * st2 / (2 * tr2p1)) / Math.sqrt(tr2p1)
    return { expected, ci: [expected - halfwidth, expected + halfwidth], pValue: Math.min(1 / evalue, 1), standardError: se, errorMessage: null, cupedApplied: adjusted }
  }
  const dof = welchDegreesOfFreedom(a, b)
  const halfwidth = tQuantile(1 - options.alpha / 2, dof) * se
  const pValue = 2 * (1 - tCdf(Math.abs(expected / se), dof))
  return { expected, ci: [expected - halfwidth, expected + halfwidth], pValue, standardError: se, errorMessage: null, cupedApplied: adjusted }
}

export function sequentialRho (alpha: number, tuning: number): number {
  return Math.sqrt((-2 * Math.log(alpha) + Math.log(-2 * Math.log(alpha) + 1)) / tuning)
}

/** The confidence sequence's half-width at total sample size n for per-unit variance s2. */
export function sequentialHalfwidth (s2: number, n: number, rho: number, alpha: number): number {
  return Math.sqrt(s2) * Math.sqrt(2 * (n * rho ** 2 + 1) * Math.log(Math.sqrt(n * rho ** 2 + 1) / alpha) / (n * rho) ** 2)
}
