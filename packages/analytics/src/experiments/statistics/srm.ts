// Sample-ratio mismatch: Pearson's chi-squared goodness of fit of the persons per variant against
// the planned weights, as GrowthBook's back-end checkSrm does it: variants with no weight are left
// out, fewer than two weighted variants or no persons at all give p = 1. Flagged below 0.001, the
// usual threshold (Kohavi, Tang and Xu, "Trustworthy Online Controlled Experiments", ch. 21).
import chisquareCdf from '@stdlib/stats-base-dists-chisquare-cdf'

export const SRM_THRESHOLD = 0.001

export function srmPValue (users: readonly number[], weights: readonly number[]): number {
  const data: Array<[number, number]> = []
  let totalUsers = 0
  let totalWeight = 0
  weights.forEach((weight, i) => {
    const observed = users[i]
    if (!weight || observed === undefined) return
    data.push([observed, weight])
    totalUsers += observed
    totalWeight += weight
  })
  if (data.length < 2 || totalUsers === 0) return 1
  const x = data.reduce((sum, [observed, weight]) => {
    const expected = weight / totalWeight * totalUsers
    return sum + (observed - expected) ** 2 / expected
  }, 0)
  return 1 - chisquareCdf(x, data.length - 1)
}
