// The statistics behind an experiment's table, on stdlib's distributions:
// - two-proportion z-test with the pooled standard error (any textbook, e.g. OpenIntro
//   Statistics §6.2), two-sided p-value;
// - a 95% (Wald, unpooled) confidence interval for the difference, also given relative to control;
// - Bayesian chance to beat control with Beta(1, 1) priors, by Evan Miller's closed form
//   (evanmiller.org/bayesian-ab-testing.html), with a normal approximation for large counts;
// - sample-ratio mismatch: Pearson's chi-squared goodness of fit against the planned split.
import betaln from '@stdlib/math-base-special-betaln'
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf'
import normalCdf from '@stdlib/stats-base-dists-normal-cdf'
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile'

export interface Proportion {
  users: number
  conversions: number
}

export interface Comparison {
  /** Treatment rate minus control rate. */
  difference: number
  differenceCi95: [number, number]
  /** difference / control rate; null when control converted nobody. */
  lift: number | null
  liftCi95: [number, number] | null
  z: number
  pValue: number
  chanceToBeatControl: number
}

const Z95 = normalQuantile(0.975, 0, 1)

export function rate (p: Proportion): number {
  return p.users === 0 ? 0 : p.conversions / p.users
}

export function compare (control: Proportion, treatment: Proportion): Comparison {
  const p1 = rate(control)
  const p2 = rate(treatment)
  const difference = p2 - p1
  const pooled = (control.conversions + treatment.conversions) / Math.max(1, control.users + treatment.users)
  const pooledSe = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(1, control.users) + 1 / Math.max(1, treatment.users)))
  const z = pooledSe === 0 ? 0 : difference / pooledSe
  const pValue = pooledSe === 0 ? 1 : 2 * (1 - normalCdf(Math.abs(z), 0, 1))
  const se = Math.sqrt(p1 * (1 - p1) / Math.max(1, control.users) + p2 * (1 - p2) / Math.max(1, treatment.users))
  const differenceCi95: [number, number] = [difference - Z95 * se, difference + Z95 * se]
  return {
    difference,
    differenceCi95,
    lift: p1 === 0 ? null : difference / p1,
    liftCi95: p1 === 0 ? null : [differenceCi95[0] / p1, differenceCi95[1] / p1],
    z,
    pValue,
    chanceToBeatControl: chanceToBeat(control, treatment),
  }
}

/** P(rate of B > rate of A) under Beta(1 + conversions, 1 + failures) posteriors. */
export function chanceToBeat (a: Proportion, b: Proportion): number {
  const alphaA = 1 + a.conversions
  const betaA = 1 + a.users - a.conversions
  const alphaB = 1 + b.conversions
  const betaB = 1 + b.users - b.conversions
  if (alphaB > 5_000) return normalApproximation(alphaA, betaA, alphaB, betaB)
  let total = 0
  for (let i = 0; i < alphaB; i++) {
    total += Math.exp(betaln(alphaA + i, betaA + betaB) - Math.log(betaB + i) - betaln(1 + i, betaB) - betaln(alphaA, betaA))
  }
  return Math.min(1, Math.max(0, total))
}

function normalApproximation (alphaA: number, betaA: number, alphaB: number, betaB: number): number {
  const mean = (a: number, b: number) => a / (a + b)
  const variance = (a: number, b: number) => a * b / ((a + b) ** 2 * (a + b + 1))
  const sd = Math.sqrt(variance(alphaA, betaA) + variance(alphaB, betaB))
  return sd === 0 ? 0.5 : normalCdf((mean(alphaB, betaB) - mean(alphaA, betaA)) / sd, 0, 1)
}

export interface SampleRatio {
  chiSquared: number
  pValue: number
  /** Flagged at p < 0.001, the usual SRM threshold (Kohavi, Tang and Xu, ch. 21). */
  mismatch: boolean
}

/** Observed users per variant against the planned weights (equal when none are given). */
export function sampleRatioMismatch (users: readonly number[], weights?: readonly number[]): SampleRatio {
  const total = users.reduce((a, b) => a + b, 0)
  if (users.length < 2 || total === 0) return { chiSquared: 0, pValue: 1, mismatch: false }
  const planned = weights ?? users.map(() => 1)
  const weightSum = planned.reduce((a, b) => a + b, 0)
  const chiSquared = users.reduce((sum, observed, i) => {
    const expected = total * (planned[i] ?? 0) / weightSum
    return expected === 0 ? sum : sum + (observed - expected) ** 2 / expected
  }, 0)
  const pValue = 1 - chisquareCdf(chiSquared, users.length - 1)
  return { chiSquared, pValue, mismatch: pValue < 0.001 }
}
