// A request is answered 200 only once Kafka acknowledged every event of it (acks=all,
// idempotent, from the client's defaults). Partly acknowledged is answered as a failure: the SDK
// sends the batch again and the store's dedupe on messageId drops what already arrived. Each
// item is judged on its own, so whatever one item holds, it is rejected alone: a 5xx means only
// that Kafka did not acknowledge, never that an item was bad (SDKs retry a 5xx without end).
import type { TackleProducer } from '@tackle/client'
import type { FailedEvent, PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import type { PipelineTopics } from '../topics.ts'
import type { Checked } from './item-fields.ts'
import { unstorableReason } from './storable-value.ts'

export interface Sorted {
  events: PipelineEvent[]
  /** The request's index of each of `events`, to name it if Kafka refuses it. */
  indexes: number[]
  failures: FailedEvent[]
  errors: IngestResult['errors']
}

export interface IngestResult {
  accepted: number
  rejected: number
  errors: Array<{ index: number, reason: string, tooLarge?: boolean }>
}

/** At most this many failed-event records per request, then one that counts the rest. */
export const MAX_FAILURE_RECORDS = 100

interface Facts { writeKey: string, receivedAt: Date }

/** Valid items become events; invalid ones failed-event records carrying the item and the reason. */
export function sortItems (items: readonly unknown[], normalize: (item: unknown) => Checked<PipelineEvent>, facts: Facts): Sorted {
  const sorted: Sorted = { events: [], indexes: [], failures: [], errors: [] }
  items.forEach((item, index) => {
    let result: Checked<PipelineEvent>
    try {
      result = normalize(item)
    } catch (error) {
      result = { ok: false, reason: `the event could not be read: ${(error as Error)?.message ?? String(error)}` }
    }
    if (result.ok) {
      sorted.events.push(result.value)
      sorted.indexes.push(index)
    } else {
      reject(sorted, item, index, result.reason, facts, result.tooLarge)
    }
  })
  return sorted
}

function reject (sorted: Sorted, item: unknown, index: number, reason: string, facts: Facts, tooLarge?: boolean): void {
  sorted.errors.push({ index, reason, ...(tooLarge ? { tooLarge: true } : {}) })
  const failure = { step: 'collect', writeKey: facts.writeKey, receivedAt: facts.receivedAt.toISOString(), failedAt: new Date().toISOString() } as const
  if (sorted.failures.length < MAX_FAILURE_RECORDS) {
    sorted.failures.push({ ...failure, reason, messageId: messageIdOf(item), payload: truncatedPayload(item) })
  } else if (sorted.failures.length === MAX_FAILURE_RECORDS) {
    sorted.failures.push({ ...failure, reason: 'more items of this request were rejected', messageId: null, payload: { omitted: 1 } })
  } else {
    const last = sorted.failures[MAX_FAILURE_RECORDS] as FailedEvent & { payload: { omitted: number } }
    last.payload.omitted++
  }
}

function messageIdOf (item: unknown): string | null {
  const named = (typeof item === 'object' && item !== null ? item : {}) as { messageId?: unknown, uuid?: unknown }
  const id = named.messageId ?? named.uuid
  return typeof id === 'string' && unstorableReason(id) === undefined ? id.slice(0, 256) : null
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
export function outcome (sorted: Sorted): IngestResult {
  const result = { accepted: sorted.events.length, rejected: sorted.errors.length, errors: sorted.errors.slice(0, 20) }
  if (result.accepted > 0 || result.rejected === 0) return result
  const first = sorted.errors[0] as IngestResult['errors'][number]
  const more = result.rejected > 1 ? ` (and ${result.rejected - 1} more)` : ''
  const code = sorted.errors.every(e => e.tooLarge) ? PipelineErrorCodes.TOO_LARGE : PipelineErrorCodes.BAD_REQUEST
  throw new PipelineError(code, `item ${first.index}: ${first.reason}${more}`, { details: result.errors })
}

/** Client errors that say "this record can never be written", as opposed to "not now". */
const REFUSED_FOR_CONTENT = new Set(['TACKLE_CLIENT_INVALID_VALUE', 'TACKLE_CLIENT_TOO_LARGE'])

/**
 * Sends the events and failure records. An event the producer refuses for what it is becomes a
 * rejected item (and its failure record is sent too); any other failure fails the request.
 */
export async function ingest (producer: TackleProducer, topics: PipelineTopics, sorted: Sorted, facts: Facts): Promise<Sorted> {
  const results = await Promise.allSettled(sorted.events.map(event => producer.send(topics.events, event)))
  const kept: Sorted = { events: [], indexes: [], failures: sorted.failures, errors: [...sorted.errors] }
  const failed: unknown[] = []
  results.forEach((result, i) => {
    const event = sorted.events[i] as PipelineEvent
    if (result.status === 'fulfilled') {
      kept.events.push(event)
      kept.indexes.push(sorted.indexes[i] as number)
    } else if (REFUSED_FOR_CONTENT.has((result.reason as { code?: string })?.code ?? '')) {
      reject(kept, event, sorted.indexes[i] as number, `Kafka cannot take it: ${(result.reason as Error).message}`, facts)
    } else {
      failed.push(result.reason)
    }
  })
  const recorded = await Promise.allSettled(kept.failures.map(failure => producer.send(topics.failed, failure)))
  for (const r of recorded) if (r.status === 'rejected') failed.push(r.reason)
  // A full buffer says "slow down" (429); any other failure, "not now" (503).
  if (failed.length > 0) throw asHttpError(failed.find(e => (e as { code?: unknown })?.code === 'TACKLE_CLIENT_BUFFER_FULL') ?? failed[0])
  kept.errors.sort((a, b) => a.index - b.index)
  return kept
}

function asHttpError (error: unknown): PipelineError {
  const code = (error as { code?: unknown })?.code
  if (code === 'TACKLE_CLIENT_BUFFER_FULL') {
    return new PipelineError(PipelineErrorCodes.OVERLOADED, 'the collector\'s send buffer is full', { cause: error, retryAfterSec: 1 })
  }
  return new PipelineError(PipelineErrorCodes.UNAVAILABLE, `Kafka did not acknowledge every event: ${(error as Error)?.message ?? String(error)}`, { cause: error, retryAfterSec: 5 })
}
