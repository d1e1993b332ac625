// An insight result as rows of text for the terminal: the same columns as the dashboard's table.
import type { InsightResult } from '@tackle/analytics'

const num = (x: number | null | undefined) => (x === null || x === undefined ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(2))
const pct = (x: number) => `${(x * 100).toFixed(1)}%`
const duration = (ms: number | null) => (ms === null ? '-' : ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : ms < 3_600_000 ? `${(ms / 60_000).toFixed(1)}m` : `${(ms / 3_600_000).toFixed(1)}h`)

export function formatInsight (result: InsightResult): string[][] {
  switch (result.kind) {
    case 'trends': {
      const day = result.interval === 'day' || result.interval === 'week'
      const rows = [['TIME', ...result.series.map(s => s.label.toUpperCase())]]
      result.series[0]?.points.forEach((p, i) => rows.push([day ? p.t.slice(0, 10) : p.t.slice(0, 16), ...result.series.map(s => num(s.points[i]?.value))]))
      rows.push(['TOTAL', ...result.series.map(s => num(s.total))])
      return rows
    }
    case 'funnel':
      return [['STEP', 'PERSONS', 'OF STEP 1', 'OF BEFORE', 'DROPPED', 'MEDIAN TIME', 'AVERAGE TIME'],
        ...result.steps.map(s => [`${s.index + 1}. ${s.label}`, String(s.count), pct(s.conversionRate), pct(s.stepConversionRate), String(s.dropOff), duration(s.medianTimeToConvertMs), duration(s.averageTimeToConvertMs)])]
    case 'retention': {
      const periods = Math.max(0, ...result.cohorts.map(c => c.retained.length))
      return [['COHORT', 'PERSONS', ...Array.from({ length: periods }, (_, i) => `${result.interval.toUpperCase()} ${i}`)],
        ...result.cohorts.map(c => [c.start.slice(0, 10), String(c.size), ...c.retained.map((n, i) => `${n} (${pct(c.rates[i] as number)})`)])]
    }
    case 'sessions':
      return [['START', 'SESSIONS', 'MEDIAN', 'AVERAGE', 'EVENTS/SESSION'],
        ...result.points.map(p => [p.t.slice(0, 16), String(p.sessions), duration(p.medianDurationMs), duration(p.averageDurationMs), num(p.eventsPerSession)]),
        ['TOTAL', String(result.total.sessions), duration(result.total.medianDurationMs), duration(result.total.averageDurationMs), num(result.total.eventsPerSession)]]
  }
}
