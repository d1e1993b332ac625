// Variant assignment exactly as PostHog's feature flags do it (posthog/models/feature_flag/
// flag_matching.py get_hash and get_matching_variant; posthog-node's local evaluation does the
// same): the hash of a flag for an id is the first 15 hex digits of SHA-1("<flag key>.<hash key>
// <salt>") over 0xFFFFFFFFFFFFFFF. A person is in the rollout when the unsalted hash is at most
// rollout/100, and gets the variant whose cumulative weight range holds the hash salted
// "variant". The same id therefore gets the same variant from PostHog and from Tackle.
import { createHash } from 'node:crypto'
import type { ExperimentDefinition } from './experiment-definition.ts'

const LONG_SCALE = 0xFFFFFFFFFFFFFFFn

export function flagHash (flagKey: string, hashKey: string, salt = ''): number {
  const hex = createHash('sha1').update(`${flagKey}.${hashKey}${salt}`, 'utf8').digest('hex').slice(0, 15)
  return Number(BigInt(`0x${hex}`)) / Number(LONG_SCALE)
}

export interface Assignment {
  enabled: boolean
  variant: string | null
  /** PostHog's reason codes: condition_match, out_of_rollout_bound, no_condition_match. */
  reason: 'condition_match' | 'out_of_rollout_bound' | 'no_condition_match'
}

export function assignVariant (experiment: Pick<ExperimentDefinition, 'id' | 'variants' | 'rollout'>, hashKey: string): Assignment {
  const variants = experiment.variants ?? []
  if (variants.length === 0) return { enabled: false, variant: null, reason: 'no_condition_match' }
  if (flagHash(experiment.id, hashKey) > experiment.rollout / 100) return { enabled: false, variant: null, reason: 'out_of_rollout_bound' }
  const hash = flagHash(experiment.id, hashKey, 'variant')
  const total = variants.reduce((sum, v) => sum + v.weight, 0)
  // Each bound from the cumulative weight, as PostHog's (cumulative + rollout) / 100, not by adding fractions.
  let cumulative = 0
  for (const v of variants) {
    const low = cumulative / total
    cumulative += v.weight
    if (hash >= low && hash < cumulative / total) return { enabled: true, variant: v.key, reason: 'condition_match' }
  }
  // The hash is below 1 and the ranges end at 1 up to rounding: the last variant holds the rest.
  return { enabled: true, variant: (variants[variants.length - 1] as { key: string }).key, reason: 'condition_match' }
}
