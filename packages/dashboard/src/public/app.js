// The dashboard page: polls the JSON API with the bearer token and renders with textContent
// only, since event names and properties come from anyone holding a write key.
const tokenKey = 'tackle-dashboard-token'
const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token')
if (fromFragment) {
  localStorage.setItem(tokenKey, fromFragment)
  history.replaceState(null, '', location.pathname + '#stream')
}
const $ = (id) => document.getElementById(id)
const latencyHistory = []

async function api (path) {
  const response = await fetch(path, { headers: { authorization: `Bearer ${localStorage.getItem(tokenKey) ?? ''}` } })
  if (response.status === 401) {
    $('login').hidden = false
    throw new Error('the dashboard token is missing or wrong')
  }
  const body = await response.json()
  if (!response.ok) throw new Error(body.message ?? response.statusText)
  return body
}

function fill (tbody, rows) {
  const body = typeof tbody === 'string' ? document.querySelector(`#${tbody} tbody`) : tbody
  body.replaceChildren(...rows.map(cells => {
    const tr = document.createElement('tr')
    for (const cell of cells) {
      const td = document.createElement('td')
      if (cell && typeof cell === 'object') { td.textContent = cell.text; td.className = cell.className ?? '' } else td.textContent = cell ?? ''
      tr.append(td)
    }
    return tr
  }))
}

const time = (iso) => iso ? new Date(iso).toLocaleTimeString() : ''
const percent = (x, digits = 1) => x === null || x === undefined ? '–' : `${(x * 100).toFixed(digits)}%`

const pages = {
  async stream () {
    const filter = $('filter').value.trim()
    const { events } = await api(`/api/events?limit=50${filter ? `&event=${encodeURIComponent(filter)}` : ''}`)
    fill('events', events.map(e => [time(e.timestamp), e.type, e.event ?? '', e.userId ?? e.anonymousId ?? '', e.source, `${Date.parse(e.storedAt) - Date.parse(e.receivedAt)} ms`]))
  },
  async charts () {
    const s = await api('/api/stats')
    $('active1').textContent = s.activeUsers.last1m
    $('active5').textContent = s.activeUsers.last5m
    $('p50').textContent = s.latencyMs.p50 === null ? '–' : `${s.latencyMs.p50} ms`
    $('p99').textContent = s.latencyMs.p99 === null ? '–' : `${s.latencyMs.p99} ms`
    $('failrate').textContent = percent(s.failedRate5m)
    $('late').textContent = s.late
    const recent = s.minutes.slice(-60)
    bars($('throughput'), recent.map(m => m.total))
    if (s.latencyMs.p99 !== null) latencyHistory.push(s.latencyMs.p99)
    if (latencyHistory.length > 120) latencyHistory.shift()
    line($('latency'), latencyHistory)
    const byEvent = {}
    for (const m of recent) for (const [name, n] of Object.entries(m.byEvent)) byEvent[name] = (byEvent[name] ?? 0) + n
    fill('by-event', Object.entries(byEvent).sort((a, b) => b[1] - a[1]).map(([name, n]) => [name, n]))
  },
  async failed () {
    const { failed } = await api('/api/failed?limit=100')
    fill('failures', failed.map(f => [new Date(f.failedAt).toLocaleString(), f.step, f.reason, f.messageId ?? '']))
  },
  async experiments () {
    const { experiments } = await api('/api/experiments')
    const select = $('experiment')
    const chosen = select.value
    select.replaceChildren(...experiments.map(e => {
      const option = Object.assign(document.createElement('option'), { value: e.experimentId, textContent: `${e.experimentId} (${e.users} users)` })
      option.dataset.conversion = e.conversionEvent ?? ''
      return option
    }))
    if (chosen) select.value = chosen
    if (!select.value) return
    if (!$('conversion').value) $('conversion').value = select.selectedOptions[0]?.dataset.conversion ?? ''
    await showExperiment()
  },
  async cluster () {
    const { health, lag } = await api('/api/cluster')
    $('health').textContent = health === null ? 'No cluster connection.' : health.healthy ? `Healthy: ${health.brokers.length} brokers, ${health.partitions} partitions.` : `Unhealthy: ${health.problems.length} problems.`
    $('health').className = health?.healthy ? 'good' : 'bad'
    fill('problems', (health?.problems ?? []).map(p => [p.kind, p.detail]))
    fill('lag', lag.map(g => [g.group, { text: g.status, className: g.status === 'OK' ? 'good' : 'bad' }, g.lagRecords]))
  },
}

async function showExperiment () {
  const id = $('experiment').value
  const conversion = $('conversion').value.trim()
  const r = await api(`/api/experiments/${encodeURIComponent(id)}${conversion ? `?conversion=${encodeURIComponent(conversion)}` : ''}`)
  $('srm').textContent = r.sampleRatio.mismatch
    ? `Sample ratio mismatch (χ² = ${r.sampleRatio.chiSquared.toFixed(2)}, p = ${r.sampleRatio.pValue.toExponential(2)}): the split is not what was planned; do not trust these results.`
    : `Sample ratio as planned (p = ${r.sampleRatio.pValue.toFixed(3)}). Conversion: ${r.conversionEvent}.`
  $('srm').className = r.sampleRatio.mismatch ? 'bad' : 'good'
  fill('experiment-table', r.variants.map(v => {
    const c = v.comparison
    const lift = c?.lift === null || c?.lift === undefined ? '' : `${percent(c.lift)} (${percent(c.liftCi95[0])} to ${percent(c.liftCi95[1])})`
    return [v.isControl ? `${v.variant} (control)` : v.variant, v.users, v.conversions, percent(v.rate, 2), lift, c ? c.pValue.toFixed(4) : '', c ? percent(c.chanceToBeatControl) : '']
  }))
}

function bars (svg, values) {
  const max = Math.max(1, ...values)
  const width = 600 / Math.max(1, values.length)
  svg.replaceChildren(...values.map((v, i) => {
    const rect = document.createElementNS('http://www.w3.org/2000/svg', 'rect')
    const h = (v / max) * 150
    Object.entries({ x: i * width + 1, y: 155 - h, width: Math.max(1, width - 2), height: h, fill: '#5fa8ff' }).forEach(([k, val]) => rect.setAttribute(k, String(val)))
    return rect
  }))
}

function line (svg, values) {
  const max = Math.max(1, ...values)
  const step = 600 / Math.max(1, values.length - 1)
  const path = document.createElementNS('http://www.w3.org/2000/svg', 'polyline')
  path.setAttribute('points', values.map((v, i) => `${i * step},${155 - (v / max) * 150}`).join(' '))
  path.setAttribute('fill', 'none')
  path.setAttribute('stroke', '#b3261e')
  svg.replaceChildren(path)
}

function current () {
  const name = location.hash.slice(1) || 'stream'
  return Object.hasOwn(pages, name) ? name : 'stream'
}

async function refresh () {
  const name = current()
  for (const section of document.querySelectorAll('[data-page]')) section.hidden = section.dataset.page !== name
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === `#${name}`)
  try {
    await pages[name]()
    $('status').textContent = `updated ${new Date().toLocaleTimeString()}`
  } catch (error) {
    $('status').textContent = error.message
  }
}

$('login').addEventListener('submit', (e) => { e.preventDefault(); localStorage.setItem(tokenKey, $('token').value); $('login').hidden = true; refresh() })
$('experiment-form').addEventListener('submit', (e) => { e.preventDefault(); showExperiment().catch(error => { $('status').textContent = error.message }) })
$('experiment').addEventListener('change', () => { $('conversion').value = $('experiment').selectedOptions[0]?.dataset.conversion ?? '' })
window.addEventListener('hashchange', refresh)
refresh()
setInterval(() => { if (current() !== 'experiments') refresh() }, 2000)
