// The insights page: a form that builds the JSON query of POST /api/query (editable as JSON too),
// kept in the URL (#insights?q=...) so a link reproduces the chart.
import { percent as pct } from './format.js'
import { formatDuration, funnelChart, retentionChart, timeChart } from './charts.js'

const $ = (id) => document.getElementById(id)
const DAY = 86_400_000
const MATH_UNITS = { count: 'events', unique_persons: 'persons', sum: 'sum', avg: 'average', p50: 'median', p90: '90th percentile', min: 'minimum', max: 'maximum' }

const list = (text) => text.split(',').map(s => s.trim()).filter(Boolean)

/** "plan = pro", "price > 10", "email contains @acme", "coupon is set" → a filter, or undefined. */
export function parseFilter (text, type) {
  const m = /^\s*(.+?)\s*(=|!=|>=|<=|>|<| contains | not contains | is set| is not set)\s*(.*)$/.exec(text)
  if (!m) return undefined
  const operator = { '=': 'eq', '!=': 'neq', '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte', ' contains ': 'contains', ' not contains ': 'not_contains', ' is set': 'is_set', ' is not set': 'is_not_set' }[m[2]]
  const raw = m[3].trim()
  const filter = { property: m[1], type, operator }
  if (operator === 'is_set' || operator === 'is_not_set') return filter
  filter.value = ['gt', 'gte', 'lt', 'lte'].includes(operator) ? Number(raw) : raw
  return filter
}

/** The form's query; events flagged as a bot's count only when the box is ticked. */
function formQuery () {
  const query = kindQuery()
  return $('q-bots').checked ? { ...query, includeBots: true } : query
}

function kindQuery () {
  const kind = $('q-kind').value
  const to = new Date()
  const span = Number($('q-range').value) * DAY
  const from = new Date(to.getTime() - span)
  const filter = parseFilter($('q-filter').value, $('q-filter-type').value)
  const filters = filter ? [filter] : []
  const breakdown = $('q-breakdown').value.trim() ? { property: $('q-breakdown').value.trim(), type: $('q-breakdown-type').value } : undefined
  const events = list($('q-events').value)
  if (kind === 'trends') {
    const math = $('q-math').value
    const property = $('q-property').value.trim()
    return { kind, series: events.map(event => ({ event, math, ...(property && !['count', 'unique_persons'].includes(math) ? { property } : {}) })), interval: $('q-interval').value, from: from.toISOString(), to: to.toISOString(), filters, ...(breakdown ? { breakdown } : {}), compare: $('q-compare').checked }
  }
  if (kind === 'funnel') return { kind, steps: events.map(event => ({ event })), windowMs: Number($('q-window').value) * DAY, order: $('q-order').value, from: from.toISOString(), to: to.toISOString(), filters, ...(breakdown ? { breakdown } : {}) }
  if (kind === 'retention') {
    const interval = $('q-period').value
    const intervals = Math.max(1, Math.min(90, Math.round(span / (interval === 'week' ? 7 * DAY : DAY))))
    return { kind, startEvent: { event: $('q-start').value.trim() }, returnEvent: { event: $('q-return').value.trim() }, cohort: $('q-cohort').value, interval, intervals, filters }
  }
  return { kind, from: from.toISOString(), to: to.toISOString(), interval: $('q-interval').value === 'minute' ? 'hour' : $('q-interval').value, filters }
}

/** Puts what a query says back into the form, so a shared link shows its own settings. */
function fillForm (q) {
  $('q-kind').value = q.kind
  $('q-bots').checked = Boolean(q.includeBots)
  if (q.kind === 'trends') {
    $('q-events').value = q.series.map(s => s.event).join(', ')
    $('q-math').value = q.series[0]?.math ?? 'count'
    $('q-property').value = q.series[0]?.property ?? ''
    $('q-compare').checked = Boolean(q.compare)
  }
  if (q.kind === 'funnel') {
    $('q-events').value = q.steps.map(s => s.event).join(', ')
    if (q.windowMs) $('q-window').value = String(q.windowMs / DAY)
    if (q.order) $('q-order').value = q.order
  }
  if (q.kind === 'retention') {
    $('q-start').value = q.startEvent?.event ?? ''
    $('q-return').value = q.returnEvent?.event ?? ''
    if (q.interval) $('q-period').value = q.interval
    if (q.cohort) $('q-cohort').value = q.cohort
  }
  if (q.interval && q.kind !== 'retention') $('q-interval').value = q.interval
  const spanDays = q.kind === 'retention' ? (q.intervals ?? 8) * (q.interval === 'week' ? 7 : 1) : q.from && q.to ? (Date.parse(q.to) - Date.parse(q.from)) / DAY : 30
  const options = [...$('q-range').options].map(o => Number(o.value))
  $('q-range').value = String(options.reduce((best, o) => Math.abs(o - spanDays) < Math.abs(best - spanDays) ? o : best, options[0]))
  $('q-breakdown').value = q.breakdown?.property ?? ''
  if (q.breakdown?.type) $('q-breakdown-type').value = q.breakdown.type
  showFields()
}

export function showFields () {
  const kind = $('q-kind').value
  for (const el of document.querySelectorAll('#insight-form [data-kinds]')) el.hidden = !el.dataset.kinds.split(' ').includes(kind)
}

function table (id, head, rows) {
  const el = $(id)
  const thead = document.createElement('thead')
  const tr = document.createElement('tr')
  for (const h of head) tr.append(Object.assign(document.createElement('th'), { textContent: h }))
  thead.append(tr)
  const tbody = document.createElement('tbody')
  for (const row of rows) {
    const r = document.createElement('tr')
    for (const cell of row) r.append(Object.assign(document.createElement('td'), { textContent: cell ?? '' }))
    tbody.append(r)
  }
  el.replaceChildren(thead, tbody)
}

const num = (x) => x === null || x === undefined ? '–' : Number.isInteger(x) ? String(x) : x.toFixed(2)

function draw (result, query) {
  const chart = $('insight-chart')
  if (result.kind === 'trends') {
    const math = query.series[0]?.math ?? 'count'
    const unit = `${MATH_UNITS[math]}${query.series[0]?.property ? ` of ${query.series[0].property}` : ''} per ${result.interval}`
    const series = result.series.map(s => ({ name: s.label, points: s.points }))
    const previous = (result.previous ?? []).map((s, i) => ({ name: `${s.label} (previous period)`, dashed: true, points: s.points.map((p, j) => ({ t: result.series[i]?.points[j]?.t ?? p.t, value: p.value })) }))
    timeChart(chart, { series: [...series, ...previous], yName: unit })
    $('insight-summary').textContent = result.series.map(s => `${s.label}: ${num(s.total)}`).join(' · ')
    table('insight-table', ['series', 'total', ...result.series[0].points.map(p => p.t.slice(0, result.interval === 'day' || result.interval === 'week' ? 10 : 16))], result.series.map(s => [s.label, num(s.total), ...s.points.map(p => num(p.value))]))
  } else if (result.kind === 'funnel') {
    const steps = result.steps.map((s, i) => `${i + 1}. ${s.label}`)
    const series = result.breakdowns
      ? result.breakdowns.map(b => ({ name: b.other ? 'other' : b.value ?? '(not set)', counts: b.steps.map(s => s.count) }))
      : [{ name: 'persons', counts: result.steps.map(s => s.count) }]
    funnelChart(chart, { steps, series })
    const last = result.steps[result.steps.length - 1]
    $('insight-summary').textContent = `${result.steps[0].count} persons started; ${last.count} (${pct(last.conversionRate)}) reached the last step within ${formatDuration(result.windowMs)} (${result.order}).`
    table('insight-table', ['step', 'persons', 'of step 1', 'of the step before', 'dropped off', 'median time', 'average time'],
      result.steps.map(s => [`${s.index + 1}. ${s.label}`, String(s.count), pct(s.conversionRate), pct(s.stepConversionRate), String(s.dropOff), formatDuration(s.medianTimeToConvertMs), formatDuration(s.averageTimeToConvertMs)]))
  } else if (result.kind === 'retention') {
    retentionChart(chart, { cohorts: result.cohorts, periodName: result.interval })
    const sizes = result.cohorts.reduce((n, c) => n + c.size, 0)
    $('insight-summary').textContent = `${result.cohorts.length} ${result.interval} cohorts (${result.cohort === 'first' ? 'first time' : 'recurring'}), ${sizes} persons.`
    table('insight-table', ['cohort', 'persons', ...Array.from({ length: result.cohorts[0]?.retained.length ?? 0 }, (_, i) => `${result.interval} ${i}`)], result.cohorts.map(c => [c.start.slice(0, 10), String(c.size), ...c.retained.map((n, i) => `${n} (${pct(c.rates[i])})`)]))
  } else {
    timeChart(chart, { series: [{ name: 'sessions', points: result.points.map(p => ({ t: p.t, value: p.sessions })) }], yName: `sessions per ${result.interval}`, bars: true })
    $('insight-summary').textContent = `${result.total.sessions} sessions; median ${formatDuration(result.total.medianDurationMs)}, average ${formatDuration(result.total.averageDurationMs)}, ${num(result.total.eventsPerSession)} events per session.`
    table('insight-table', ['start', 'sessions', 'median duration', 'average duration', 'events per session'], result.points.map(p => [p.t.slice(0, 16), String(p.sessions), formatDuration(p.medianDurationMs), formatDuration(p.averageDurationMs), num(p.eventsPerSession)]))
  }
}

/** Runs the query in the URL, or the form's when there is none. */
let namesLoaded = false

export async function showInsights (api, params) {
  showFields()
  if (!namesLoaded) {
    namesLoaded = true
    const { events } = await api('/api/query/events')
    $('event-names').replaceChildren(...events.map(e => Object.assign(document.createElement('option'), { value: e.event, label: `${e.count} in 30 days` })))
  }
  let query
  if (params.get('q')) {
    query = JSON.parse(params.get('q'))
    if (document.activeElement?.id !== 'q-json') $('q-json').value = JSON.stringify(query, null, 2)
    fillForm(query)
  } else {
    query = formQuery()
    $('q-json').value = JSON.stringify(query, null, 2)
  }
  $('insight-error').textContent = ''
  try {
    draw(await api('/api/query', { method: 'POST', body: JSON.stringify(query) }), query)
  } catch (error) {
    $('insight-error').textContent = error.message
    throw error
  }
}

export function setUpInsights (run) {
  const go = (query) => {
    history.replaceState(null, '', `#insights?q=${encodeURIComponent(JSON.stringify(query))}`)
    run()
  }
  $('q-kind').addEventListener('change', showFields)
  $('insight-form').addEventListener('submit', (e) => { e.preventDefault(); go(formQuery()) })
  // The chart follows the form: a changed choice runs the query at once (text fields when they lose focus).
  $('insight-form').addEventListener('change', () => go(formQuery()))
  $('q-json-run').addEventListener('click', () => {
    try {
      go(JSON.parse($('q-json').value))
    } catch (error) {
      $('insight-error').textContent = `the query is not JSON: ${error.message}`
    }
  })
}
