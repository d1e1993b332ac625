// A request is answered 200 only once Kafka acknowledged every event of it (acks=all,
// idempotent, from the client's defaults). Partly acknowledged is answered as a failure: the SDK
// sends the batch again and the store's dedupe on messageId drops what already arrived.
import type { TackleProducer } from '@tackle/client'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import type { PipelineTopics } from '../topics.ts'
import type { Checked } from './item-fields.ts'

export interface Sorted {
  events: PipelineEvent[]
  failures: FailedEvent[]
}

export interface IngestResult {
  accepted: number
  rejected: number
  errors: Array<{ index: number, reason: string, tooLarge?: boolean }>
}

/** Valid items become events; invalid ones failed-event records carrying the item and the reason. */
export function sortItems (items: readonly unknown[], normalize: (item: unknown) => Checked<PipelineEvent>, facts: { writeKey: string, receivedAt: Date }): Sorted & { errors: IngestResult['errors'] } {
  const sorted: Sorted & { errors: IngestResult['errors'] } = { events: [], failures: [], errors: [] }
  items.forEach((item, index) => {
    const result = normalize(item)
    if (result.ok) {
      sorted.events.push(result.value)
      return
    }
    sorted.errors.push({ index, reason: result.reason, ...(result.tooLarge ? { tooLarge: true } : {}) })
    const named = (item as { messageId?: unknown, uuid?: unknown } | null)
    const id = named?.messageId ?? named?.uuid
    const messageId = typeof id === 'string' ? id : null
    sorted.failures.push({
      reason: result.reason,
      step: 'collect',
      writeKey: facts.writeKey,
      messageId,
      payload: truncatedPayload(item),
      receivedAt: facts.receivedAt.toISOString(),
      failedAt: new Date().toISOString(),
    })
  })
  return sorted
}

/** An oversized or too deeply nested item is kept as a prefix of its text, so the record stays small. */
function truncatedPayload (item: unknown): unknown {
  try {
    const text = JSON.stringify(item)
    return text.length > 4096 ? { truncated: text.slice(0, 4096) } : item
  } catch {
    return { truncated: '(could not be serialised)' }
  }
}

/**
 * 200 with the counts when anything was accepted (or the batch was empty); when every item was
 * rejected, the request as a whole failed: 413 if they were all too large, else 400.
 */
export function outcome (sorted: Sorted & { errors: IngestResult['errors'] }): IngestResult {
  const result = { accepted: sorted.events.length, rejected: sorted.errors.length, errors: sorted.errors.slice(0, 20) }
  if (result.accepted > 0 || result.rejected === 0) return result
  const first = sorted.errors[0] as IngestResult['errors'][number]
  const more = result.rejected > 1 ? ` (and ${result.rejected - 1} more)` : ''
  const code = sorted.errors.every(e => e.tooLarge) ? PipelineErrorCodes.TOO_LARGE : PipelineErrorCodes.BAD_REQUEST
  throw new PipelineError(code, `item ${first.index}: ${first.reason}${more}`, { details: result.errors })
}

export async function ingest (producer: TackleProducer, topics: PipelineTopics, sorted: Sorted): Promise<void> {
  const sends: Array<Promise<unknown>> = [
    ...sorted.events.map(event => producer.send(topics.events, event)),
    ...sorted.failures.map(failure => producer.send(topics.failed, failure)),
  ]
  const results = await Promise.allSettled(sends)
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map(r => r.reason as unknown)
  // A full buffer says "slow down" (429); any other failure, "not now" (503).
  if (failed.length > 0) throw asHttpError(failed.find(e => (e as { code?: unknown })?.code === 'TACKLE_CLIENT_BUFFER_FULL') ?? failed[0])
}

function asHttpError (error: unknown): PipelineError {
  const code = (error as { code?: unknown })?.code
  if (code === 'TACKLE_CLIENT_BUFFER_FULL') {
    return new PipelineError(PipelineErrorCodes.OVERLOADED, 'the collector\'s send buffer is full', { cause: error, retryAfterSec: 1 })
  }
  return new PipelineError(PipelineErrorCodes.UNAVAILABLE, `Kafka did not acknowledge every event: ${(error as Error)?.message ?? String(error)}`, { cause: error, retryAfterSec: 5 })
}
