// GrowthBook's published statistics cases (growthbook/growthbook packages/stats/tests and
// packages/back-end/test/stats.test.ts, packages/shared/test), as plain data the tests reproduce.
import type { CupedRatioStat, MeanStat, ProportionStat } from '../../../src/experiments/statistics/moments.ts'

export const mean = (sum: number, sumSquares: number, n: number): MeanStat => ({ kind: 'mean', n, sum, sumSquares })
export const proportion = (sum: number, n: number): ProportionStat => ({ kind: 'proportion', n, sum })

/** test_two_sided_ttest_test_runs_ratio_ra and test_sequential_test_runs_ratio_ra. */
export const RATIO_CUPED_A: CupedRatioStat = {
  kind: 'cuped-ratio',
  n: 100,
  mPost: mean(485.112236689623, 2715.484666118136, 100),
  dPost: mean(679.9093275844917, 4939.424001640236, 100),
  mPre: mean(192.59138069991536, 460.076026390857, 100),
  dPre: mean(290.1398399750233, 920.9461385038898, 100),
  products: { mPostMPre: 1113.6215759318352, dPostDPre: 2130.9404074446747, mPreDPre: 634.239482353647, mPostDPost: 3602.146836776702, mPostDPre: 1559.2878434944676, mPreDPost: 1460.3181079276983 },
}

export const RATIO_CUPED_B: CupedRatioStat = {
  kind: 'cuped-ratio',
  n: 100,
  mPost: mean(514.7757826608777, 2994.897482705013, 100),
  dPost: mean(705.4090874383759, 5291.36604146392, 100),
  mPre: mean(206.94157227402536, 514.2903702246757, 100),
  dPre: mean(302.54389139107326, 994.4506208125663, 100),
  products: { mPostMPre: 1237.0953021125997, dPostDPre: 2292.081739775257, mPreDPre: 698.4173425817908, mPostDPost: 3918.1561431600717, mPostDPre: 1701.0287270040265, mPreDPost: 1604.0759503266522 },
}
