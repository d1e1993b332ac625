// The experiments page: pick an experiment (defined, or only seen in exposures), read the verdict
// and warnings, the metric table, the interval chart of every effect and the cumulative effect
// over time; define a new experiment or edit one as JSON (errors name the field); and the power
// calculator with its duration estimate from the traffic so far.
import { effectOverTimeChart, forestChart } from './charts.js'
import { percent as pct } from './format.js'
import { fill as rows } from './table.js'

const $ = (id) => document.getElementById(id)
const signed = (x) => x === null || x === undefined ? '–' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`
const number = (x) => x === null || x === undefined ? '–' : Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(Math.abs(x) >= 1 ? 2 : 4)
const interval = (e) => e === null ? '–' : `${signed(e.effect)} (${signed(e.ci[0])} to ${signed(e.ci[1])})`
const absolute = (e) => e === null ? '–' : `${number(e.effect)} (${number(e.ci[0])} to ${number(e.ci[1])})`

let shown = null

export async function showExperiments (api) {
  const { experiments } = await api('/api/experiments')
  const select = $('experiment')
  const chosen = select.value
  select.replaceChildren(...experiments.map(e => Object.assign(document.createElement('option'), {
    value: e.id,
    textContent: `${e.name}${e.defined ? '' : ' (not defined)'}: ${e.exposed} exposed`,
  })))
  if (chosen && experiments.some(e => e.id === chosen)) select.value = chosen
  if (!select.value) {
    $('experiment-verdict').textContent = 'No experiment yet: define one with "New experiment…".'
    return
  }
  await showExperiment(api)
}

async function showExperiment (api) {
  const id = $('experiment').value
  const conversion = $('conversion').value.trim()
  const r = await api(`/api/experiments/${encodeURIComponent(id)}${conversion ? `?conversion=${encodeURIComponent(conversion)}` : ''}`)
  shown = r
  $('experiment-verdict').textContent = r.verdict
  $('experiment-verdict').className = r.warnings.some(w => w.code === 'srm') ? 'bad' : ''
  $('experiment-warnings').replaceChildren(...r.warnings.map(w => Object.assign(document.createElement('li'), { textContent: w.message, className: w.code === 'srm' ? 'bad' : '' })))
  rows('experiment-variants', r.variants.map(v => [v.key === r.control ? `${v.key} (control)` : v.key, pct(v.plannedShare), v.users, pct(v.share), v.multipleExposures]))
  rows('experiment-table', r.metrics.flatMap(m => m.variants.map(v => [
    m.name,
    m.role,
    v.isControl ? `${v.variant} (control)` : v.variant,
    v.users,
    m.kind === 'conversion' ? pct(v.value, 2) : number(v.value),
    { text: interval(v.relative), className: v.direction === 'better' ? 'good' : v.direction === 'worse' ? 'bad' : '' },
    absolute(v.absolute),
    v.relative === null ? '–' : v.relative.pValue.toFixed(4),
    v.pValueAdjusted === null ? '–' : v.pValueAdjusted.toFixed(4),
    pct(v.chanceToBeatControl),
    v.risk === null ? '–' : `${pct(v.risk.variant, 2)} / ${pct(v.risk.control, 2)}`,
  ])))
  const s = r.settings
  $('experiment-settings').textContent = `${s.sequential ? `Sequential test (tuning ${s.sequentialTuning}): safe to look at any time` : 'Fixed-horizon t-test: decide at the planned sample size'}; ${s.cuped ? `CUPED over ${s.preWindowDays} days before exposure` : 'no CUPED'}; ${s.correction} correction at α = ${s.alpha}; Bayesian prior ${s.prior.proper ? `N(${s.prior.mean}, ${s.prior.stddev}²) on the relative effect` : 'flat (improper)'}. Risk: expected loss of shipping the variant / of keeping control.`
  const forest = r.metrics.flatMap(m => m.variants.filter(v => v.relative !== null).map(v => ({
    label: `${m.name} · ${v.variant}${m.role === 'guardrail' ? ' (guardrail)' : ''}`, effect: v.relative.effect, low: v.relative.ci[0], high: v.relative.ci[1], direction: v.direction, pValue: v.relative.pValue,
  })))
  $('experiment-forest').style.height = `${Math.max(160, 60 + 40 * forest.length)}px`
  forestChart($('experiment-forest'), { rows: forest })
  const metricSelect = $('experiment-metric')
  const previous = metricSelect.value
  metricSelect.replaceChildren(...r.metrics.map(m => Object.assign(document.createElement('option'), { value: m.name, textContent: m.name })))
  if (r.metrics.some(m => m.name === previous)) metricSelect.value = previous
  drawTimeline()
}

function drawTimeline () {
  if (shown === null) return
  const points = shown.timeline[$('experiment-metric').value] ?? []
  const treatments = shown.variants.map(v => v.key).filter(k => k !== shown.control)
  effectOverTimeChart($('experiment-cumulative'), {
    days: points.map(p => p.day),
    series: treatments.map(key => ({ name: key, points: points.map(p => p.effects[key] ? { effect: p.effects[key].effect, low: p.effects[key].ci[0], high: p.effects[key].ci[1] } : { effect: null }) })),
  })
}

const TEMPLATE = {
  id: 'checkout-button',
  variants: [{ key: 'control', weight: 50 }, { key: 'test', weight: 50 }],
  rollout: 100,
  metrics: [{ kind: 'conversion', event: 'Order Completed' }],
}

function openEditor (definition, mode) {
  $('experiment-editor').hidden = false
  $('experiment-editor').dataset.mode = mode
  $('experiment-json').value = JSON.stringify(definition, null, 2)
  $('experiment-error').textContent = ''
}

async function power (api) {
  const id = $('experiment').value
  const body = { effect: Number($('power-effect').value) / 100, power: Number($('power-target').value) / 100 }
  const metric = $('experiment-metric').value
  if (metric) body.metric = metric
  try {
    const p = await api(`/api/experiments/${encodeURIComponent(id)}/power`, { method: 'POST', body: JSON.stringify(body) })
    const days = p.daysRemaining === null ? 'unknown (no traffic yet)' : p.daysRemaining === 0 ? 'reached already' : `about ${Math.ceil(p.daysRemaining)} more days at ${Math.round(p.dailyUsers)} persons a day`
    $('power-result').textContent = `${p.metric}: detecting ${signed(p.effect)} with ${pct(p.power, 0)} power needs ${p.personsNeeded === null ? 'more persons than can be reached' : `${p.personsNeeded.toLocaleString()} persons over ${p.variations} arms`} (${days}). With the ${p.personsSoFar.toLocaleString()} exposed so far: smallest detectable effect ${p.mdeNow === null ? '–' : signed(p.mdeNow)}, power ${pct(p.powerNow, 0)}.`
    $('power-result').className = ''
  } catch (error) {
    $('power-result').textContent = error.message
    $('power-result').className = 'bad'
  }
}

export function setUpExperiments (api, run) {
  $('experiment-form').addEventListener('submit', (e) => { e.preventDefault(); run() })
  $('experiment').addEventListener('change', () => { $('conversion').value = ''; run() })
  $('experiment-metric').addEventListener('change', drawTimeline)
  $('experiment-new').addEventListener('click', () => openEditor(TEMPLATE, 'new'))
  $('experiment-edit').addEventListener('click', async () => {
    try {
      openEditor(await api(`/api/experiments/${encodeURIComponent($('experiment').value)}/definition`), 'edit')
    } catch (error) {
      $('experiment-error').textContent = error.message
    }
  })
  $('experiment-cancel').addEventListener('click', () => { $('experiment-editor').hidden = true })
  $('experiment-save').addEventListener('click', async () => {
    let definition
    try {
      definition = JSON.parse($('experiment-json').value)
    } catch (error) {
      $('experiment-error').textContent = `not valid JSON: ${error.message}`
      return
    }
    const editing = $('experiment-editor').dataset.mode === 'edit'
    try {
      const saved = await api(editing ? `/api/experiments/${encodeURIComponent(definition.id ?? $('experiment').value)}` : '/api/experiments', { method: editing ? 'PUT' : 'POST', body: JSON.stringify(definition) })
      $('experiment-editor').hidden = true
      const select = $('experiment')
      if (![...select.options].some(o => o.value === saved.id)) select.append(Object.assign(document.createElement('option'), { value: saved.id, textContent: saved.name }))
      select.value = saved.id
      run()
    } catch (error) {
      $('experiment-error').textContent = error.message
    }
  })
  $('power-form').addEventListener('submit', (e) => { e.preventDefault(); power(api) })
}
