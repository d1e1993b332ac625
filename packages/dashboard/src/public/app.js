// The dashboard page: the JSON API with the bearer token, the live page pushed as server-sent
// events, and rendering with textContent only, since event names and properties come from anyone
// holding a write key.
import { timeChart } from './charts.js'
import { percent } from './format.js'
import { fill } from './table.js'
import { setUpExperiments, showExperiments } from './experiments.js'
import { setUpGroups, showGroups } from './groups.js'
import { setUpInsights, showInsights } from './insights.js'
import { setUpPersons, showPersons } from './persons.js'
import { setUpTopics, showTopics } from './topics.js'

const tokenKey = 'tackle-dashboard-token'
const fromFragment = new URLSearchParams(location.hash.slice(1)).get('token')
if (fromFragment) {
  localStorage.setItem(tokenKey, fromFragment)
  history.replaceState(null, '', location.pathname + '#stream')
}
const $ = (id) => document.getElementById(id)
const latencyHistory = []
const auth = () => ({ authorization: `Bearer ${localStorage.getItem(tokenKey) ?? ''}` })

async function api (path, init = {}) {
  const headers = { ...auth(), ...(init.body ? { 'content-type': 'application/json' } : {}) }
  const response = await fetch(path, { ...init, headers })
  if (response.status === 401) {
    $('login').hidden = false
    throw new Error('the dashboard token is missing or wrong')
  }
  const body = await response.json()
  if (!response.ok) throw new Error(body.message ?? response.statusText)
  return body
}

const time = (iso) => iso ? new Date(iso).toLocaleTimeString() : ''

let snapshot = null
const streamed = []

function renderStream () {
  const filter = $('filter').value.trim()
  const shown = streamed.filter(e => !filter || e.event === filter).slice(0, 50)
  fill('events', shown.map(e => [time(e.timestamp), e.type, e.event ?? '', e.userId ?? e.anonymousId ?? '', e.source, `${Date.parse(e.storedAt) - Date.parse(e.receivedAt)} ms`]))
}

function renderCharts () {
  const s = snapshot
  if (!s || current() !== 'charts') return
  $('active1').textContent = s.activeUsers.last1m
  $('active5').textContent = s.activeUsers.last5m
  $('p50').textContent = s.latencyMs.p50 === null ? '–' : `${s.latencyMs.p50} ms`
  $('p99').textContent = s.latencyMs.p99 === null ? '–' : `${s.latencyMs.p99} ms`
  $('failrate').textContent = percent(s.failedRate5m)
  $('late').textContent = s.late
  const recent = s.minutes.slice(-60)
  const byEvent = {}
  for (const m of recent) for (const [name, n] of Object.entries(m.byEvent)) byEvent[name] = (byEvent[name] ?? 0) + n
  const top = Object.entries(byEvent).sort((a, b) => b[1] - a[1])
  const names = top.slice(0, 6).map(([name]) => name)
  const series = names.map(name => ({ name, points: recent.map(m => ({ t: m.minute, value: m.byEvent[name] ?? 0 })) }))
  if (top.length > names.length) series.push({ name: 'other events', points: recent.map(m => ({ t: m.minute, value: m.total - names.reduce((n, name) => n + (m.byEvent[name] ?? 0), 0) })) })
  series.push({ name: 'failed', points: recent.map(m => ({ t: m.minute, value: m.failed })) })
  timeChart($('throughput'), { series, yName: 'events per minute', xName: 'minute (event time)', bars: true, stack: true })
  timeChart($('latency'), { series: [{ name: 'p99 receipt → stored', points: latencyHistory }], yName: 'milliseconds', xName: 'reading time' })
  fill('by-event', top.map(([name, n]) => [name, n]))
}

/** The pushed stream: fetch, not EventSource, so the token goes in a header. Reconnects on its own. */
async function live () {
  for (;;) {
    try {
      const response = await fetch('/api/live', { headers: auth() })
      if (response.status === 401) { $('login').hidden = false; await new Promise(resolve => setTimeout(resolve, 2000)); continue }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader()
      let buffer = ''
      for (;;) {
        const { value, done } = await reader.read()
        if (done) break
        buffer += value
        let end
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const type = /^event: (.*)$/m.exec(message)?.[1]
          const data = /^data: (.*)$/m.exec(message)?.[1]
          if (!type || data === undefined) continue
          const body = JSON.parse(data)
          if (type === 'snapshot') {
            snapshot = body
            if (body.latencyMs.p99 !== null) latencyHistory.push({ t: body.now, value: body.latencyMs.p99 })
            if (latencyHistory.length > 300) latencyHistory.shift()
            renderCharts()
          } else if (type === 'events') {
            streamed.unshift(...body.events.reverse())
            streamed.length = Math.min(streamed.length, 500)
            if (current() === 'stream') renderStream()
          }
          $('status').textContent = `live ${new Date().toLocaleTimeString()}`
        }
      }
    } catch (error) {
      $('status').textContent = `live stream: ${error.message}; reconnecting`
    }
    await new Promise(resolve => setTimeout(resolve, 2000))
  }
}

const pages = {
  async stream () {
    // What was stored before the page opened; the stream adds what comes after.
    if (streamed.length === 0) {
      const { events } = await api('/api/events?limit=50')
      streamed.push(...events)
    }
    renderStream()
  },
  async charts () {
    snapshot ??= await api('/api/stats')
    renderCharts()
  },
  insights: (params) => showInsights(api, params),
  persons: (params) => showPersons(api, params),
  async failed () {
    const { failed } = await api('/api/failed?limit=100')
    fill('failures', failed.map(f => [new Date(f.failedAt).toLocaleString(), f.step, f.reason, f.messageId ?? '']))
  },
  experiments: () => showExperiments(api),
  async cluster () {
    const { health, lag } = await api('/api/cluster')
    $('health').textContent = health === null ? 'No cluster connection.' : health.healthy ? `Healthy: ${health.brokers.length} brokers, ${health.partitions} partitions.` : `Unhealthy: ${health.problems.length} problems.`
    $('health').className = health?.healthy ? 'good' : 'bad'
    fill('problems', (health?.problems ?? []).map(p => [p.kind, p.detail]))
    fill('lag', lag.map(g => [g.group, { text: g.status, className: g.status === 'OK' ? 'good' : 'bad' }, g.lagRecords]))
  },
  topics: (params) => showTopics(api, params),
  groups: (params) => showGroups(api, params),
}

const route = () => {
  const [name, query = ''] = location.hash.slice(1).split('?')
  return { name: Object.hasOwn(pages, name) ? name : 'stream', params: new URLSearchParams(query) }
}
const current = () => route().name

async function refresh () {
  const { name, params } = route()
  for (const section of document.querySelectorAll('[data-page]')) section.hidden = section.dataset.page !== name
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', a.getAttribute('href') === `#${name}`)
  try {
    await pages[name](params)
    $('status').textContent = `updated ${new Date().toLocaleTimeString()}`
  } catch (error) {
    $('status').textContent = error.message
  }
}

$('login').addEventListener('submit', (e) => { e.preventDefault(); localStorage.setItem(tokenKey, $('token').value); $('login').hidden = true; refresh() })
$('filter').addEventListener('input', renderStream)
setUpInsights(refresh)
setUpPersons(api, refresh)
setUpExperiments(api, refresh)
setUpTopics(api)
setUpGroups(api, refresh)
window.addEventListener('hashchange', refresh)
refresh()
live()
// The pages the stream does not carry are read again every few seconds while shown.
setInterval(() => { if (current() === 'failed' || current() === 'cluster') refresh() }, 5000)
