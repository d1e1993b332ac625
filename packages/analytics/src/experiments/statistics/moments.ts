// Sufficient statistics of one metric in one variant, and the effect of a treatment over control
// with its standard error: the point estimate and delta-method variance of GrowthBook's stats
// engine (gbstats models/statistics.py and models/tests.py EffectMoments), absolute or relative.
// CUPED is the regression adjustment of Deng et al. (2013) with one theta pooled over both arms
// (gbstats compute_theta); a ratio metric's variance is the delta method on its numerator and
// denominator (gbstats variance_of_ratios), CUPED on a ratio the 4×4 delta method of
// RegressionAdjustedRatioStatistic. Where gbstats falls back (no pre-period variance, a zero
// baseline, zero variance), so does this, and says why.

/** A 0/1 outcome per person: `sum` persons converted of `n`. */
export interface ProportionStat { kind: 'proportion', n: number, sum: number }
/** A number per person: its sum and sum of squares over `n` persons. */
export interface MeanStat { kind: 'mean', n: number, sum: number, sumSquares: number }
export type SampleStat = ProportionStat | MeanStat
/** Sum of a numerator over sum of a denominator, both per person. */
export interface RatioStat { kind: 'ratio', n: number, m: SampleStat, d: SampleStat, mdSumOfProducts: number }
/** A metric with the same metric over the pre-exposure window, for CUPED. */
export interface CupedStat { kind: 'cuped', n: number, post: SampleStat, pre: SampleStat, postPreSumOfProducts: number, theta?: number }
export interface CupedRatioStat {
  kind: 'cuped-ratio'
  n: number
  mPost: SampleStat
  dPost: SampleStat
  mPre: SampleStat
  dPre: SampleStat
  /** Sums over persons of the products named: mPost·mPre, dPost·dPre, mPre·dPre, mPost·dPost, mPost·dPre, mPre·dPost. */
  products: { mPostMPre: number, dPostDPre: number, mPreDPre: number, mPostDPost: number, mPostDPre: number, mPreDPost: number }
  theta?: number
}
export type MetricStat = SampleStat | RatioStat | CupedStat | CupedRatioStat

export const FALLBACK_MESSAGES = {
  zeroVariance: 'ZERO_NEGATIVE_VARIANCE',
  baselineZero: 'BASELINE_VARIATION_ZERO',
} as const

function sampleVariance (s: SampleStat): number {
  if (s.kind === 'proportion') {
    const p = sampleMean(s)
    return p * (1 - p)
  }
  return s.n <= 1 ? 0 : (s.sumSquares - s.sum ** 2 / s.n) / (s.n - 1)
}

function sampleMean (s: SampleStat): number {
  return s.n === 0 ? 0 : s.sum / s.n
}

function covariance (n: number, a: SampleStat, b: SampleStat, sumOfProducts: number): number {
  if (n <= 1) return 0
  if (a.kind === 'proportion' && b.kind === 'proportion') return sumOfProducts / n - a.sum * b.sum / n ** 2
  return (sumOfProducts - a.sum * b.sum / n) / (n - 1)
}

export function varianceOfRatios (meanM: number, varM: number, meanD: number, varD: number, covMD: number): number {
  if (meanD === 0) return 0
  return varM / meanD ** 2 + varD * meanM ** 2 / meanD ** 4 - 2 * covMD * meanM / meanD ** 3
}

/** The estimate per person: the rate, the mean, the ratio, or the adjusted mean. */
export function statMean (s: MetricStat): number {
  switch (s.kind) {
    case 'proportion':
    case 'mean': return sampleMean(s)
    case 'ratio': return s.d.sum === 0 ? 0 : s.m.sum / s.d.sum
    case 'cuped': return sampleMean(s.post) - (s.theta ?? 0) * sampleMean(s.pre)
    case 'cuped-ratio': {
      if (s.dPost.sum === 0 || s.dPre.sum === 0) return 0
      return s.mPost.sum / s.dPost.sum - (s.theta ?? 0) * (s.mPre.sum / s.dPre.sum)
    }
  }
}

/** The estimate before any adjustment: what a relative effect is relative to. */
export function unadjustedMean (s: MetricStat): number {
  if (s.kind === 'cuped') return sampleMean(s.post)
  if (s.kind === 'cuped-ratio') return s.dPost.sum === 0 ? 0 : s.mPost.sum / s.dPost.sum
  return statMean(s)
}

/** The variance per person (a standard error squared times n). */
export function statVariance (s: MetricStat): number {
  switch (s.kind) {
    case 'proportion':
    case 'mean': return sampleVariance(s)
    case 'ratio':
      if (sampleMean(s.d) === 0 || s.n <= 1) return 0
      return varianceOfRatios(sampleMean(s.m), sampleVariance(s.m), sampleMean(s.d), sampleVariance(s.d), covariance(s.n, s.m, s.d, s.mdSumOfProducts))
    case 'cuped': {
      if (s.n <= 1) return 0
      const theta = s.theta ?? 0
      return sampleVariance(s.post) + theta ** 2 * sampleVariance(s.pre) - 2 * theta * cupedCovariance(s)
    }
    case 'cuped-ratio': {
      const g = nabla(s)
      return quadratic(g, lambda(s), [0, 1, 2, 3], [0, 1, 2, 3])
    }
  }
}

function cupedCovariance (s: CupedStat): number {
  return covariance(s.n, s.post, s.pre, s.postPreSumOfProducts)
}

// The ratio CUPED delta method: betahat = (mPost, dPost, mPre, dPre) means, Λ their covariance.
function lambda (s: CupedRatioStat): number[][] {
  const c = (a: SampleStat, b: SampleStat, sop: number) => covariance(s.n, a, b, sop)
  const p = s.products
  const mPostDPost = c(s.mPost, s.dPost, p.mPostDPost)
  const mPostMPre = c(s.mPost, s.mPre, p.mPostMPre)
  const mPostDPre = c(s.mPost, s.dPre, p.mPostDPre)
  const dPostMPre = c(s.dPost, s.mPre, p.mPreDPost)
  const dPostDPre = c(s.dPost, s.dPre, p.dPostDPre)
  const mPreDPre = c(s.mPre, s.dPre, p.mPreDPre)
  return [
    [sampleVariance(s.mPost), mPostDPost, mPostMPre, mPostDPre],
    [mPostDPost, sampleVariance(s.dPost), dPostMPre, dPostDPre],
    [mPostMPre, dPostMPre, sampleVariance(s.mPre), mPreDPre],
    [mPostDPre, dPostDPre, mPreDPre, sampleVariance(s.dPre)],
  ]
}

function betahat (s: CupedRatioStat): [number, number, number, number] {
  return [sampleMean(s.mPost), sampleMean(s.dPost), sampleMean(s.mPre), sampleMean(s.dPre)]
}

function nabla (s: CupedRatioStat): number[] {
  const theta = s.theta ?? 0
  const [b0, b1, b2, b3] = betahat(s)
  if (b1 === 0 || b3 === 0) return [0, 0, 0, 0]
  return [1 / b1, -b0 / b1 ** 2, -theta / b3, theta * b2 / b3 ** 2]
}

/** xᵀ M[rows, cols] y for the index sets given (x indexed by rows, y by cols). */
function quadratic (g: readonly number[], m: readonly number[][], rows: readonly number[], cols: readonly number[], h: readonly number[] = g): number {
  let total = 0
  for (const i of rows) for (const j of cols) total += (g[i] as number) * ((m[i] as number[])[j] as number) * (h[j] as number)
  return total
}

function ratioPreVariance (s: CupedRatioStat): number {
  return quadratic(nabla(s), lambda(s), [2, 3], [2, 3])
}

function ratioPrePostCovariance (s: CupedRatioStat): number {
  return quadratic(nabla(s), lambda(s), [2, 3], [0, 1])
}

function hasZeroVariance (s: MetricStat): boolean {
  return statVariance(s) <= 0
}

/**
 * Sets the pooled theta on a CUPED pair (gbstats create_theta_adjusted_statistics). Where the
 * pre-period has no variance theta is 0 and the pair falls back to the unadjusted statistics.
 */
export function withPooledTheta (a: MetricStat, b: MetricStat): { a: MetricStat, b: MetricStat, adjusted: boolean } {
  if (a.kind === 'cuped' && b.kind === 'cuped' && (a.theta === undefined || b.theta === undefined)) {
    const n = a.n + b.n
    const joint = (x: SampleStat, y: SampleStat): SampleStat => x.kind === 'proportion' && y.kind === 'proportion'
      ? { kind: 'proportion', n, sum: x.sum + y.sum }
      : { kind: 'mean', n, sum: x.sum + y.sum, sumSquares: sumSquares(x) + sumSquares(y) }
    const post = joint(a.post, b.post)
    const pre = joint(a.pre, b.pre)
    const theta = sampleVariance(pre) === 0 || sampleVariance(post) === 0
      ? 0
      : covariance(n, post, pre, a.postPreSumOfProducts + b.postPreSumOfProducts) / sampleVariance(pre)
    if (theta === 0) return { a: a.post, b: b.post, adjusted: false }
    return { a: { ...a, theta }, b: { ...b, theta }, adjusted: true }
  }
  if (a.kind === 'cuped-ratio' && b.kind === 'cuped-ratio' && (a.theta === undefined || b.theta === undefined)) {
    const one = (s: CupedRatioStat) => ({ ...s, theta: 1 })
    const preVariance = ratioPreVariance(one(a)) + ratioPreVariance(one(b))
    const theta = preVariance === 0 ? 0 : -(ratioPrePostCovariance(one(a)) + ratioPrePostCovariance(one(b))) / preVariance
    if (Math.abs(theta) < 1e-8) return { a: plainRatio(a), b: plainRatio(b), adjusted: false }
    return { a: { ...a, theta }, b: { ...b, theta }, adjusted: true }
  }
  return { a, b, adjusted: false }
}

function sumSquares (s: SampleStat): number {
  return s.kind === 'proportion' ? s.sum : s.sumSquares
}

function plainRatio (s: CupedRatioStat): RatioStat {
  return { kind: 'ratio', n: s.n, m: s.mPost, d: s.dPost, mdSumOfProducts: s.products.mPostDPost }
}

export interface EffectMoments {
  pointEstimate: number
  standardError: number
  /** Why the effect could not be estimated (then the estimate and error are 0). */
  errorMessage: string | null
}

/** The effect of b over a (absolute: meanB − meanA; relative: that over |meanA|) and its standard error. */
export function effectMoments (a: MetricStat, b: MetricStat, relative: boolean): EffectMoments {
  const variance = effectVariance(a, b, relative)
  const none = (errorMessage: string) => ({ pointEstimate: 0, standardError: 0, errorMessage })
  if (hasZeroVariance(a) || hasZeroVariance(b) || variance <= 0) return none(FALLBACK_MESSAGES.zeroVariance)
  if (statMean(a) === 0 || unadjustedMean(a) === 0) return none(FALLBACK_MESSAGES.baselineZero)
  const baseline = unadjustedMean(a)
  const difference = statMean(b) - statMean(a)
  return { pointEstimate: relative ? difference / Math.abs(baseline) : difference, standardError: Math.sqrt(variance), errorMessage: null }
}

function effectVariance (a: MetricStat, b: MetricStat, relative: boolean): number {
  if (relative && a.kind === 'cuped' && b.kind === 'cuped') return relativeCupedVariance(a, b)
  if (relative && a.kind === 'cuped-ratio' && b.kind === 'cuped-ratio') return relativeCupedRatioVariance(a, b)
  const [varA, varB] = [statVariance(a), statVariance(b)]
  if (relative) return varianceOfRatios(unadjustedMean(b), varB / b.n, unadjustedMean(a), varA / a.n, 0)
  return varB / b.n + varA / a.n
}

// gbstats frequentist_variance_relative_cuped, term for term.
function relativeCupedVariance (a: CupedStat, b: CupedStat): number {
  const baseline = unadjustedMean(a)
  const denTreatment = b.n * baseline ** 2
  const denControl = a.n * baseline ** 2
  if (denTreatment === 0 || denControl === 0) return 0
  const theta = a.theta ?? 0
  const treatment = (sampleVariance(b.post) + theta ** 2 * sampleVariance(b.pre) - 2 * theta * cupedCovariance(b)) / denTreatment
  const k = -sampleMean(b.post)
  const postMeanA = sampleMean(a.post)
  const control = (sampleVariance(a.post) * k ** 2 / postMeanA ** 2 + 2 * theta * cupedCovariance(a) * k / postMeanA + theta ** 2 * sampleVariance(a.pre)) / denControl
  return treatment + control
}

// gbstats frequentist_variance_relative_cuped_ratio: the gradient of (meanB − meanA)/|meanA|.
function relativeCupedRatioVariance (a: CupedRatioStat, b: CupedRatioStat): number {
  const baseline = unadjustedMean(a)
  const dPostMeanA = sampleMean(a.dPost)
  if (baseline === 0 || dPostMeanA === 0) return 0
  const gAbs = (statMean(b) - statMean(a)) * Math.sign(baseline)
  const gDen = Math.abs(baseline)
  const mPostMeanA = sampleMean(a.mPost)
  const nablaA0 = (-(gDen + gAbs) / dPostMeanA) / gDen ** 2
  const nablaA1 = (mPostMeanA * gDen / dPostMeanA ** 2 + mPostMeanA * gAbs / dPostMeanA ** 2) / gDen ** 2
  const ga = nabla(a)
  const gradientA = [nablaA0, nablaA1, -(ga[2] as number) / gDen, -(ga[3] as number) / gDen]
  const gradientB = nabla(b).map(x => x / gDen)
  const all = [0, 1, 2, 3]
  return quadratic(gradientA, lambda(a), all, all) / a.n + quadratic(gradientB, lambda(b), all, all) / b.n
}

/** Welch–Satterthwaite degrees of freedom of the two arms' variances. */
export function welchDegreesOfFreedom (a: MetricStat, b: MetricStat): number {
  const [va, vb] = [statVariance(a), statVariance(b)]
  return (vb / b.n + va / a.n) ** 2 / (vb ** 2 / (b.n ** 2 * (b.n - 1)) + va ** 2 / (a.n ** 2 * (a.n - 1)))
}

/** The metric total GrowthBook's minimum sample size is checked on: conversions, the sum, the numerator's sum. */
export function metricTotal (s: MetricStat): number {
  switch (s.kind) {
    case 'proportion':
    case 'mean': return s.sum
    case 'ratio': return s.m.sum
    case 'cuped': return s.post.sum
    case 'cuped-ratio': return s.mPost.sum
  }
}
