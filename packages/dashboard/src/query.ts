import { DashboardError, DashboardErrorCodes } from './errors.ts'

/** A whole-number query parameter within bounds, or 400 naming it. */
export function intParam (query: Record<string, unknown>, name: string, fallback: number, max: number): number {
  const raw = query[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > max) throw new DashboardError(DashboardErrorCodes.BAD_QUERY, `${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(raw)}`)
  return value
}

export function stringParam (query: Record<string, unknown>, name: string): string | undefined {
  const raw = query[name]
  if (raw === undefined || raw === '') return undefined
  if (typeof raw !== 'string' || raw.length > 256) throw new DashboardError(DashboardErrorCodes.BAD_QUERY, `${name} must be one string of at most 256 characters`)
  return raw
}
