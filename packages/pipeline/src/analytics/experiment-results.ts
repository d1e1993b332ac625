// An experiment's table, from counts per variant: each variant's users, conversions and rate, and
// for each non-control variant its comparison with control. Exposures follow Segment's
// "Experiment Viewed" spec (experiment_id, variation_id).
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import type { EventStore, VariantCounts } from '../store/event-store.ts'
import { compare, rate, sampleRatioMismatch, type Comparison, type SampleRatio } from './statistics.ts'

export interface ExperimentConfig {
  /** The event that counts as converting, e.g. "Order Completed". */
  conversionEvent: string
  /** The control variant's variation_id; default "control" if present, else the first by name. */
  control?: string
  /** Planned traffic share per variation_id, for the sample-ratio check; default equal. */
  weights?: Record<string, number>
}

export interface VariantResult extends VariantCounts {
  rate: number
  isControl: boolean
  /** Against control; null for control itself. */
  comparison: Comparison | null
}

export interface ExperimentResults {
  experimentId: string
  conversionEvent: string
  control: string | null
  variants: VariantResult[]
  sampleRatio: SampleRatio
}

export function experimentResults (experimentId: string, counts: readonly VariantCounts[], config: ExperimentConfig): ExperimentResults {
  const names = counts.map(c => c.variant)
  const control = config.control ?? (names.includes('control') ? 'control' : [...names].sort()[0])
  const controlCounts = counts.find(c => c.variant === control)
  const variants = counts.map(c => ({
    ...c,
    rate: rate(c),
    isControl: c.variant === control,
    comparison: c.variant === control || !controlCounts ? null : compare(controlCounts, c),
  }))
  const weights = config.weights ? counts.map(c => config.weights?.[c.variant] ?? 0) : undefined
  return { experimentId, conversionEvent: config.conversionEvent, control: controlCounts ? control ?? null : null, variants, sampleRatio: sampleRatioMismatch(counts.map(c => c.users), weights) }
}

/** Reads the counts from the store; an experiment with no exposure is 404. */
export async function analyseExperiment (store: EventStore, experimentId: string, config: ExperimentConfig): Promise<ExperimentResults> {
  const counts = await store.experimentCounts(experimentId, config.conversionEvent)
  if (counts.length === 0) throw new PipelineError(PipelineErrorCodes.NOT_FOUND, `no "Experiment Viewed" event with experiment_id "${experimentId}"`)
  return experimentResults(experimentId, counts, config)
}
