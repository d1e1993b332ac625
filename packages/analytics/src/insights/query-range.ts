// A query's time range in milliseconds: `to` defaults to now and `from` to 30 days before it.
export interface QueryRange {
  fromMs: number
  toMs: number
}

export const DEFAULT_RANGE_MS = 30 * 86_400_000

export function queryRange (query: { from?: string | undefined, to?: string | undefined }, nowMs: number, defaultSpanMs = DEFAULT_RANGE_MS): QueryRange {
  const toMs = query.to === undefined ? nowMs : Date.parse(query.to)
  const fromMs = query.from === undefined ? toMs - defaultSpanMs : Date.parse(query.from)
  return { fromMs, toMs }
}
