// Failed-event records must always be storable, since they exist to hold what could not be
// stored: their text loses what no store can hold (a lone surrogate or U+0000 becomes U+FFFD,
// Unicode's replacement character), numbers that are not finite become null, and nesting past
// MAX_COPY_DEPTH is cut (recursion is bounded by it, so a deep payload cannot overflow the stack).
import { parseIsoDate } from '../iso-date.ts'

const MAX_COPY_DEPTH = 64

export function storableText (text: string): string {
  return text.toWellFormed().replaceAll('\u0000', '\uFFFD')
}

export function storableCopy (value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return storableText(value)
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value !== 'object' || value === null) return value ?? null
  if (depth >= MAX_COPY_DEPTH) return '[nested too deep to keep]'
  if (Array.isArray(value)) return value.map(item => storableCopy(item, depth + 1))
  const copy: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(value)) copy[storableText(key)] = storableCopy(child, depth + 1)
  return copy
}

/** An ISO timestamp a store can parse, or the fallback. */
export function storableTimestamp (text: unknown, fallback: string): string {
  const parsed = typeof text === 'string' ? parseIsoDate(text) : undefined
  return parsed?.ok ? new Date(parsed.ms).toISOString() : fallback
}
