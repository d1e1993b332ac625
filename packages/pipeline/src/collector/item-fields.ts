// Field checks shared by the Segment and PostHog mappings. Each returns the clean value or a
// reason naming the field, so one bad item is rejected alone and the rest of its batch goes on.

export type Checked<T> = { ok: true, value: T } | { ok: false, reason: string, tooLarge?: boolean }

const ok = <T>(value: T): Checked<T> => ({ ok: true, value })
const bad = (reason: string): Checked<never> => ({ ok: false, reason })

export const MAX_ID_LENGTH = 256
export const MAX_DEPTH = 32

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
  if (typeof value !== 'string' && typeof value !== 'number') return bad(`${name} must be an ISO 8601 date, got ${typeOf(value)}`)
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) return bad(`${name} is not a date: ${JSON.stringify(value).slice(0, 40)}`)
  return ok(date)
}

/**
 * Segment's clock-skew correction: the client's clock may be off, but the gap between when the
 * event happened and when its batch was sent is right, so timestamp = receivedAt - (sentAt -
 * timestamp). Without sentAt the client's timestamp stands; without either, receivedAt.
 */
export function correctedTimestamp (original: Date | undefined, sentAt: Date | undefined, receivedAt: Date): Date {
  if (original === undefined) return receivedAt
  if (sentAt === undefined) return original
  return new Date(receivedAt.getTime() - (sentAt.getTime() - original.getTime()))
}

/** Nesting depth without recursion, so a hostile body cannot overflow the stack. */
export function depthOf (value: unknown, limit = MAX_DEPTH): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 0]]
  while (stack.length > 0) {
    const [node, depth] = stack.pop() as [unknown, number]
    if (typeof node !== 'object' || node === null) continue
    deepest = Math.max(deepest, depth + 1)
    if (deepest > limit) return deepest
    for (const child of Object.values(node)) stack.push([child, depth + 1])
  }
  return deepest
}

/** Too deep (400) or too large (413) for one event, or undefined. */
export function sizeCheck (item: unknown, maxEventBytes: number): { ok: false, reason: string, tooLarge?: boolean } | undefined {
  const depth = depthOf(item)
  if (depth > MAX_DEPTH) return { ok: false, reason: `event is nested deeper than ${MAX_DEPTH} levels` }
  const bytes = Buffer.byteLength(JSON.stringify(item))
  if (bytes > maxEventBytes) return { ok: false, reason: `event is ${bytes} bytes, over the ${maxEventBytes} allowed per event`, tooLarge: true }
  return undefined
}

export function typeOf (value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  return typeof value
}
