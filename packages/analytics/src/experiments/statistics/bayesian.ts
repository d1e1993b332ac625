// Bayesian comparison of a treatment with control on the effect's normal approximation, as
// GrowthBook's stats engine does it (gbstats bayesian/tests.py EffectBayesianABTest): a Gaussian
// prior on the effect (flat and improper by default, so the posterior is the data's own normal),
// chance to beat control P(effect > 0), a credible interval, and the risk (expected loss) of
// choosing each arm: E[max(effect, 0)] for control and E[max(−effect, 0)] for the treatment.
import normalCdf from '@stdlib/stats-base-dists-normal-cdf'
import normalPdf from '@stdlib/stats-base-dists-normal-pdf'
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'
import { effectMoments, unadjustedMean, withPooledTheta, type MetricStat } from './moments.ts'

export interface GaussianPrior {
  /** The prior effect's mean and variance, in the units of `priorType` (default relative). */
  mean: number
  variance: number
  /** false: the flat improper prior, which adds nothing to the data. */
  proper: boolean
}

export const FLAT_PRIOR: Readonly<GaussianPrior> = Object.freeze({ mean: 0, variance: 1, proper: false })

export interface BayesianOptions {
  relative: boolean
  alpha: number
  prior?: GaussianPrior
  /** Lower is better (e.g. errors, page load time): the chance and risk flip. */
  inverse?: boolean
}

export interface BayesianResult {
  chanceToWin: number
  expected: number
  ci: [number, number]
  /** [risk of choosing control, risk of choosing the treatment], in the effect's units. */
  risk: [number, number]
  errorMessage: string | null
}

export function bayesianTest (control: MetricStat, treatment: MetricStat, options: BayesianOptions): BayesianResult {
  const { a, b } = withPooledTheta(control, treatment)
  const fallback = (errorMessage: string | null): BayesianResult => ({ chanceToWin: 0.5, expected: 0, ci: [0, 0], risk: [0, 0], errorMessage })
  const moments = effectMoments(a, b, options.relative)
  if (moments.errorMessage !== null) return fallback(moments.errorMessage)
  let prior = options.prior ?? FLAT_PRIOR
  // The prior is stated relative; an absolute effect scales it by control's mean.
  if (!options.relative) {
    const baseline = unadjustedMean(a)
    if (prior.proper && baseline === 0) return fallback('BASELINE_VARIATION_ZERO')
    prior = { mean: prior.mean * Math.abs(baseline), variance: prior.variance * baseline ** 2, proper: prior.proper }
  }
  const dataVariance = moments.standardError ** 2
  const precision = 1 / dataVariance + (prior.proper ? 1 / prior.variance : 0)
  const mean = prior.proper ? (moments.pointEstimate / dataVariance + prior.mean / prior.variance) / precision : moments.pointEstimate
  const sd = Math.sqrt(1 / precision)
  const above = 1 - normalCdf(0, mean, sd)
  const risk = effectRisk(mean, sd)
  return {
    chanceToWin: options.inverse === true ? 1 - above : above,
    expected: mean,
    ci: [normalQuantile(options.alpha / 2, mean, sd), normalQuantile(1 - options.alpha / 2, mean, sd)],
    risk: options.inverse === true ? [risk[1], risk[0]] : risk,
    errorMessage: null,
  }
}

/** [E[max(X, 0)], E[max(−X, 0)]] for X ~ N(mu, sigma²), by the truncated normal's mean. */
export function effectRisk (mu: number, sigma: number): [number, number] {
  if (sigma > 0 && Math.abs(mu / sigma) > 37) return [Math.max(mu, 0), Math.max(-mu, 0)]
  const below = normalCdf(0, mu, sigma)
  const z = -mu / sigma
  const meanBelow = mu - sigma * normalPdf(z, 0, 1) / normalCdf(z, 0, 1)
  const meanAbove = mu + sigma * normalPdf(z, 0, 1) / (1 - normalCdf(z, 0, 1))
  return [(1 - below) * meanAbove, -(below * meanBelow)]
}
