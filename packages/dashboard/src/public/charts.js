// Charts drawn with Apache ECharts (shipped in the package as /vendor/echarts.min.js): every chart
// has named axes with units, a legend when it has more than one series, and tooltips. One
// instance per element, reused, so redrawing replaces the options instead of leaking charts.
import { percent as pct } from './format.js'

const echarts = globalThis.echarts

const palette = ['#3b6fd8', '#e8833a', '#2f9e6b', '#c94f7c', '#8a63d2', '#c9a227', '#4aa3b5', '#7a7f8c', '#d2553f', '#5a8f29']

function chartOn (element) {
  const chart = echarts.getInstanceByDom(element) ?? echarts.init(element, null, { renderer: 'svg' })
  if (!element.dataset.resizes) {
    element.dataset.resizes = '1'
    new ResizeObserver(() => chart.resize()).observe(element)
  }
  return chart
}

const base = (legend) => ({
  color: palette,
  animation: false,
  grid: { left: 64, right: 24, top: legend ? 48 : 24, bottom: 56, containLabel: true },
  legend: legend ? { type: 'scroll', top: 0 } : { show: false },
  tooltip: { trigger: 'axis', confine: true },
})

export const formatDuration = (ms) => {
  if (ms === null || ms === undefined) return '–'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  if (ms < 3_600_000) return `${(ms / 60_000).toFixed(1)} min`
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`
  return `${(ms / 86_400_000).toFixed(1)} d`
}

/**
 * Lines over time. series: [{ name, points: [{ t, value }], dashed? }]; yName names the unit.
 * A series of the period before (dashed) is drawn at the times of the current period.
 */
export function timeChart (element, { series, yName, xName = 'time (UTC)', bars = false, stack = false }) {
  const chart = chartOn(element)
  chart.setOption({
    ...base(series.length > 1),
    xAxis: { type: 'time', name: xName, nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'value', name: yName, nameLocation: 'middle', nameGap: 48, minInterval: 1 },
    series: series.map(s => ({
      name: s.name,
      type: bars ? 'bar' : 'line',
      stack: stack ? 'total' : undefined,
      showSymbol: s.points.length < 60,
      lineStyle: s.dashed ? { type: 'dashed' } : undefined,
      data: s.points.map(p => [p.t, p.value]),
    })),
  }, { notMerge: true })
  return chart
}

/** A funnel as bars: persons per step, the conversion from step 1 on each bar, one series per breakdown value. */
export function funnelChart (element, { steps, series }) {
  const chart = chartOn(element)
  chart.setOption({
    ...base(series.length > 1),
    tooltip: {
      trigger: 'axis',
      confine: true,
      formatter: (items) => items.map(i => `${i.marker}${i.seriesName}: ${i.value} persons (${(i.data.rate * 100).toFixed(1)}% of step 1)`).join('<br>'),
    },
    xAxis: { type: 'category', name: 'step', nameLocation: 'middle', nameGap: 32, data: steps },
    yAxis: { type: 'value', name: 'persons', nameLocation: 'middle', nameGap: 48, minInterval: 1 },
    series: series.map(s => ({
      name: s.name,
      type: 'bar',
      label: { show: true, position: 'top', formatter: (p) => `${(p.data.rate * 100).toFixed(1)}%` },
      data: s.counts.map((value, i) => ({ value, rate: s.counts[0] ? value / s.counts[0] : 0, step: i })),
    })),
  }, { notMerge: true })
  return chart
}

/** A retention grid as a heat map: cohorts down, periods across, the share retained as colour and label. */
export function retentionChart (element, { cohorts, periodName }) {
  const chart = chartOn(element)
  const periods = Math.max(1, ...cohorts.map(c => c.retained.length))
  const data = cohorts.flatMap((c, row) => c.retained.map((n, col) => ({ value: [col, row, Math.round(c.rates[col] * 1000) / 10], persons: n, size: c.size })))
  chart.setOption({
    animation: false,
    grid: { left: 110, right: 24, top: 16, bottom: 80 },
    tooltip: { confine: true, formatter: (p) => `${cohorts[p.value[1]].start.slice(0, 10)}, ${periodName} ${p.value[0]}: ${p.data.persons} of ${p.data.size} persons (${p.value[2]}%)` },
    xAxis: { type: 'category', name: `${periodName}s after the cohort's start`, nameLocation: 'middle', nameGap: 32, data: Array.from({ length: periods }, (_, i) => `${periodName} ${i}`) },
    yAxis: { type: 'category', name: 'cohort', inverse: true, data: cohorts.map(c => `${c.start.slice(0, 10)} (${c.size})`) },
    visualMap: { min: 0, max: 100, calculable: false, orient: 'horizontal', left: 'center', bottom: 0, text: ['100% retained', '0%'], inRange: { color: ['#eef3fb', '#3b6fd8'] } },
    series: [{ name: 'retained (%)', type: 'heatmap', data, label: { show: true, formatter: (p) => `${p.value[2]}%` } }],
  }, { notMerge: true })
  return chart
}

/** A person's events over time: one row per event name, a dot per event. */
export function timelineChart (element, events) {
  const chart = chartOn(element)
  const names = [...new Set(events.map(e => e.event ?? e.type))]
  chart.setOption({
    ...base(false),
    tooltip: { trigger: 'item', confine: true, formatter: (p) => `${p.data.name}<br>${new Date(p.data.value[0]).toLocaleString()}<br>as ${p.data.id}` },
    xAxis: { type: 'time', name: 'event time', nameLocation: 'middle', nameGap: 32 },
    yAxis: { type: 'category', name: 'event', data: names },
    series: [{ name: 'events', type: 'scatter', symbolSize: 9, data: events.map(e => ({ name: e.event ?? e.type, id: e.userId ?? e.anonymousId, value: [e.timestamp, e.event ?? e.type] })) }],
  }, { notMerge: true })
  return chart
}

const DIRECTION_COLOURS = { better: '#1e7b34', worse: '#b3261e', none: '#7a7f8c' }

/**
 * An interval (forest) chart: one row per metric and treatment, its relative effect as a dot and its
 * interval as a line, green where significantly better, red where worse, grey otherwise; 0 marked.
 * rows: [{ label, effect, low, high, direction, pValue }]
 */
export function forestChart (element, { rows }) {
  const chart = chartOn(element)
  chart.setOption({
    animation: false,
    grid: { left: 24, right: 32, top: 16, bottom: 56, containLabel: true },
    tooltip: { trigger: 'item', confine: true, formatter: (p) => { const r = rows[p.data[0]]; return `${r.label}<br>effect ${pct(r.effect)} (${pct(r.low)} to ${pct(r.high)})<br>p = ${r.pValue.toFixed(4)}` } },
    xAxis: { type: 'value', name: 'relative effect vs control (%)', nameLocation: 'middle', nameGap: 32, axisLabel: { formatter: (v) => `${Math.round(v * 1000) / 10}%` } },
    yAxis: { type: 'category', inverse: true, data: rows.map(r => r.label) },
    series: [{
      name: 'effect (interval)',
      type: 'custom',
      encode: { x: [1, 2, 3], y: 0 },
      data: rows.map((r, i) => [i, r.low, r.high, r.effect]),
      renderItem: (_params, api) => {
        const row = rows[api.value(0)]
        const y = api.value(0)
        const [low, high, mid] = [api.coord([api.value(1), y]), api.coord([api.value(2), y]), api.coord([api.value(3), y])]
        const colour = DIRECTION_COLOURS[row.direction] ?? DIRECTION_COLOURS.none
        return {
          type: 'group',
          children: [
            { type: 'line', shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: { stroke: colour, lineWidth: 2 } },
            { type: 'circle', shape: { cx: mid[0], cy: mid[1], r: 5 }, style: { fill: colour } },
          ],
        }
      },
      markLine: { silent: true, symbol: 'none', lineStyle: { color: '#1d2330', type: 'dashed' }, label: { formatter: 'no effect' }, data: [{ xAxis: 0 }] },
    }],
  }, { notMerge: true })
  return chart
}

/**
 * The cumulative relative effect by day of first exposure, per treatment, with its interval as a band.
 * series: [{ name, points: [{ day, effect, low, high } | { day, effect: null }] }]
 */
export function effectOverTimeChart (element, { days, series }) {
  const chart = chartOn(element)
  const lines = series.flatMap((s, i) => {
    const colour = palette[i % palette.length]
    const value = (key) => s.points.map(p => p.effect === null ? null : p[key])
    return [
      { name: `${s.name}: interval`, type: 'line', stack: `band-${i}`, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, data: value('low'), tooltip: { show: false } },
      { name: `${s.name}: interval`, type: 'line', stack: `band-${i}`, stackStrategy: 'all', symbol: 'none', lineStyle: { opacity: 0 }, areaStyle: { color: colour, opacity: 0.15 }, data: s.points.map(p => p.effect === null ? null : p.high - p.low), tooltip: { show: false } },
      { name: s.name, type: 'line', color: colour, showSymbol: days.length < 60, data: value('effect') },
    ]
  })
  chart.setOption({
    ...base(true),
    legend: { top: 0, data: series.map(s => s.name) },
    tooltip: {
      trigger: 'axis', confine: true,
      formatter: (items) => items.filter(i => !i.seriesName.endsWith(': interval')).map(i => {
        const p = series.find(s => s.name === i.seriesName)?.points[i.dataIndex]
        return p?.effect === null || p === undefined ? `${i.marker}${i.seriesName}: –` : `${i.marker}${i.seriesName}: ${pct(p.effect)} (${pct(p.low)} to ${pct(p.high)})`
      }).join('<br>'),
    },
    xAxis: { type: 'category', name: 'day of first exposure (UTC)', nameLocation: 'middle', nameGap: 32, data: days },
    yAxis: { type: 'value', name: 'cumulative relative effect (%)', nameLocation: 'middle', nameGap: 52, axisLabel: { formatter: (v) => `${Math.round(v * 1000) / 10}%` } },
    series: lines,
  }, { notMerge: true })
  return chart
}
