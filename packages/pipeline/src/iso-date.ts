// Dates as Segment's and PostHog's specs give them: ISO 8601 (RFC 3339's profile) strings, or
// epoch milliseconds. Parsed by hand rather than by Date.parse, which rolls 2026-02-30 over to
// March 2, reads a date without a zone as local time, and takes years past 9999 that no store's
// timestamp type parses. The range is what DuckDB and PostgreSQL both hold as TIMESTAMPTZ and
// what toISOString writes with four digits: years 0001 to 9999.

/** 0001-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z. */
export const MIN_DATE_MS = -62_135_596_800_000
export const MAX_DATE_MS = 253_402_300_799_999

const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/

export type ParsedDate = { ok: true, ms: number } | { ok: false, reason: string }

export function inDateRange (ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_DATE_MS && ms <= MAX_DATE_MS
}

/** Epoch milliseconds of an ISO 8601 date-time (UTC when it names no zone), or why it is not one. */
export function parseIsoDate (text: string): ParsedDate {
  const m = ISO.exec(text.trim())
  if (!m) return { ok: false, reason: 'is not an ISO 8601 date (like 2026-11-25T10:00:00.000Z)' }
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(part => Number(part ?? 0)) as [number, number, number, number, number, number]
  const ms = Number((m[7] ?? '0').padEnd(3, '0').slice(0, 3))
  if (year === 0) return { ok: false, reason: 'has year 0000; years run from 0001 to 9999' }
  if (month < 1 || month > 12) return { ok: false, reason: `has month ${month}, not 1 to 12` }
  const days = daysInMonth(year, month)
  if (day < 1 || day > days) return { ok: false, reason: `has day ${day}, but that month has ${days} days` }
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: 'has a time of day out of range' }
  const offsetMin = zoneOffsetMinutes(m[8])
  if (offsetMin === undefined) return { ok: false, reason: 'has a time zone offset out of range' }
  const date = new Date(0)
  // setUTCFullYear, unlike Date.UTC, does not read years 0..99 as 1900..1999.
  date.setUTCFullYear(year, month - 1, day)
  date.setUTCHours(hour, minute, second, ms)
  const at = date.getTime() - offsetMin * 60_000
  if (!inDateRange(at)) return { ok: false, reason: 'is outside the years 0001 to 9999' }
  return { ok: true, ms: at }
}

function daysInMonth (year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

function zoneOffsetMinutes (zone: string | undefined): number | undefined {
  if (zone === undefined || zone === 'Z' || zone === 'z') return 0
  const sign = zone.startsWith('-') ? -1 : 1
  const digits = zone.slice(1).replace(':', '')
  const hours = Number(digits.slice(0, 2))
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0
  if (hours > 23 || minutes > 59) return undefined
  return sign * (hours * 60 + minutes)
}
