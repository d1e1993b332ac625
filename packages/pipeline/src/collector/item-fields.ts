// Field checks shared by the Segment and PostHog mappings. Each returns the clean value or a
// reason naming the field, so one bad item is rejected alone and the rest of its batch goes on.
import { inDateRange, parseIsoDate } from '../iso-date.ts'
import { unstorableReason } from './storable-value.ts'

export type Checked<T> = { ok: true, value: T } | { ok: false, reason: string, tooLarge?: boolean }

const ok = <T>(value: T): Checked<T> => ({ ok: true, value })
const bad = (reason: string): Checked<never> => ({ ok: false, reason })

export const MAX_ID_LENGTH = 256

export function isObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Segment accepts ids as strings or numbers; both are stored as strings. */
export function idField (item: Record<string, unknown>, name: string): Checked<string | null> {
  const value = item[name]
  if (value === undefined || value === null || value === '') return ok(null)
  if (typeof value === 'number' && Number.isFinite(value)) return ok(String(value))
  if (typeof value !== 'string') return bad(`${name} must be a string, got ${typeOf(value)}`)
  if (value.length > MAX_ID_LENGTH) return bad(`${name} is ${value.length} characters, over the ${MAX_ID_LENGTH} allowed`)
  return ok(value)
}

export function objectField (item: Record<string, unknown>, name: string): Checked<Record<string, unknown>> {
  const value = item[name]
  if (value === undefined || value === null) return ok({})
  if (!isObject(value)) return bad(`${name} must be an object, got ${typeOf(value)}`)
  return ok(value)
}

export function stringField (item: Record<string, unknown>, name: string, required: boolean): Checked<string | null> {
  const value = item[name]
  if (value === undefined || value === null || value === '') return required ? bad(`${name} is required`) : ok(null)
  if (typeof value !== 'string') return bad(`${name} must be a string, got ${typeOf(value)}`)
  if (value.length > MAX_ID_LENGTH) return bad(`${name} is ${value.length} characters, over the ${MAX_ID_LENGTH} allowed`)
  return ok(value)
}

export function dateField (value: unknown, name: string): Checked<Date | undefined> {
  if (value === undefined || value === null || value === '') return ok(undefined)
  if (typeof value === 'number') {
    return inDateRange(value) ? ok(new Date(value)) : bad(`${name} is ${value} ms since 1970, outside the years 0001 to 9999`)
  }
  if (typeof value !== 'string') return bad(`${name} must be an ISO 8601 date, got ${typeOf(value)}`)
  const parsed = parseIsoDate(value)
  return parsed.ok ? ok(new Date(parsed.ms)) : bad(`${name} ${parsed.reason}: ${JSON.stringify(value.slice(0, 40))}`)
}

/** How far past receivedAt an event may be dated: PostHog's ingestion allows 23 hours. */
export const MAX_FUTURE_MS = 23 * 3_600_000

export interface EventTime {
  timestamp: Date
  /** Why the client's timestamp was not used, when it was not. */
  adjusted?: string
}

/**
 * Segment's clock-skew correction: the client's clock may be off, but the gap between when the
 * event happened and when its batch was sent is right, so timestamp = receivedAt - (sentAt -
 * timestamp). Without sentAt the client's timestamp stands; without either, receivedAt. A
 * result later than receivedAt plus MAX_FUTURE_MS, or outside the storable years, is replaced by
 * receivedAt and flagged (PostHog does the same), so one wrong clock cannot hold the newest
 * minute of every chart.
 */
export function eventTime (original: Date | undefined, sentAt: Date | undefined, receivedAt: Date, maxFutureMs = MAX_FUTURE_MS): EventTime {
  if (original === undefined) return { timestamp: receivedAt }
  const at = sentAt === undefined ? original.getTime() : receivedAt.getTime() - (sentAt.getTime() - original.getTime())
  if (at > receivedAt.getTime() + maxFutureMs) return { timestamp: receivedAt, adjusted: `timestamp more than ${maxFutureMs / 3_600_000} hours after receipt` }
  if (!inDateRange(at)) return { timestamp: receivedAt, adjusted: 'timestamp outside the years 0001 to 9999 after the clock-skew correction' }
  return { timestamp: new Date(at) }
}

/** The context, with a note under `tackle` when the client's timestamp was replaced. */
export function flagAdjusted (context: Record<string, unknown>, time: EventTime, original: Date | undefined): Record<string, unknown> {
  if (time.adjusted === undefined) return context
  const tackle = isObject(context.tackle) ? context.tackle : {}
  return { ...context, tackle: { ...tackle, timestampAdjusted: { reason: time.adjusted, original: original?.toISOString() ?? null } } }
}

/** Too deep, unstorable (400) or too large (413) for one event, or undefined. */
export function sizeCheck (item: unknown, maxEventBytes: number): { ok: false, reason: string, tooLarge?: boolean } | undefined {
  const reason = unstorableReason(item)
  if (reason) return { ok: false, reason }
  const bytes = Buffer.byteLength(JSON.stringify(item))
  if (bytes > maxEventBytes) return { ok: false, reason: `event is ${bytes} bytes, over the ${maxEventBytes} allowed per event`, tooLarge: true }
  return undefined
}

export function typeOf (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}
