// Multiple-testing corrections across arms × metrics, as GrowthBook applies them
// (packages/shared experiments.ts adjustPValuesHolmBonferroni / adjustPValuesBenjaminiHochberg):
// Holm (1979) step-down for the family-wise error rate, Benjamini and Hochberg (1995) step-up for
// the false discovery rate. Adjusted p-values are returned in the order given, capped at 1.
export const CORRECTIONS = ['holm-bonferroni', 'benjamini-hochberg', 'none'] as const
export type Correction = (typeof CORRECTIONS)[number]

export function adjustPValues (pValues: readonly number[], method: Correction): number[] {
  if (method === 'none') return [...pValues]
  const m = pValues.length
  const order = pValues.map((p, index) => ({ p, index })).sort((x, y) => x.p - y.p)
  const adjusted = new Array<number>(m)
  if (method === 'holm-bonferroni') {
    let running = 0
    order.forEach(({ p, index }, i) => {
      running = Math.max(running, Math.min(1, p * (m - i)))
      adjusted[index] = running
    })
  } else {
    let running = 1
    for (let i = m - 1; i >= 0; i--) {
      const { p, index } = order[i] as { p: number, index: number }
      running = Math.min(running, p * m / (i + 1))
      adjusted[index] = Math.min(1, running)
    }
  }
  return adjusted
}
