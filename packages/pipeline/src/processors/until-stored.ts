// A store that is down is not the events' fault: sending them on to the retry and dead-letter
// topics would empty the pipeline into a side channel. So a write that fails with
// TACKLE_PIPELINE_STORE_FAILED is tried again, with backoff, for as long as it takes; the
// partition waits, the events stay in Kafka, and lag shows the outage. Only closing stops it
// (the consumer's signal; the records are then left uncommitted, for the next run).
import { retry, type BackoffOptions } from '@tackle/client'
import { PipelineErrorCodes } from '../errors.ts'

const STORE_BACKOFF: BackoffOptions = { initialMs: 200, maxMs: 10_000, multiplier: 2, jitter: 0.2 }

export function untilStored<T> (write: () => Promise<T>, signal: AbortSignal, onRetry: (error: unknown, attempt: number) => void = () => undefined, backoff = STORE_BACKOFF): Promise<T> {
  return retry(write, { attempts: Infinity, backoff, signal, canRetry: error => (error as { code?: unknown }).code === PipelineErrorCodes.STORE_FAILED, onRetry })
}
