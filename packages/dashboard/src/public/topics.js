// The topics page: every topic with its partitions, replication, size and retention; one topic's
// partitions (leader, replicas, ISR) and a message browser with the same filter as
// `tackle topic tail`, paged by the cursor each page returns. Values are shown with textContent.
import { bytes, duration } from './format.js'
import { fill, link } from './table.js'

const $ = (id) => document.getElementById(id)
let cursor = null

const topicLink = (topic) => link(`#topics?topic=${encodeURIComponent(topic)}`, topic)

function pre (text) {
  const p = document.createElement('pre')
  p.textContent = text
  return p
}

const shown = (v) => v.encoding === 'json' ? JSON.stringify(v.data, null, 2) : v.encoding === 'null' ? '' : v.encoding === 'base64' ? `base64:${v.data}` : String(v.data)

function browseQuery (topic, next) {
  const q = new URLSearchParams({ limit: '50' })
  if ($('browse-partition').value !== '') q.set('partition', $('browse-partition').value)
  if ($('browse-filter').value.trim()) q.set('filter', $('browse-filter').value.trim())
  if (next) q.set('cursor', Object.entries(next).map(([p, o]) => `${p}:${o}`).join(','))
  else {
    const from = $('browse-from').value
    q.set('from', from)
    if (from === 'offset') q.set('offset', $('browse-offset').value || '0')
    if (from === 'datetime') q.set('time', new Date($('browse-time').value || Date.now()).toISOString())
  }
  return `/api/topics/${encodeURIComponent(topic)}/messages?${q}`
}

async function browse (api, topic, next = null) {
  $('browse-error').textContent = ''
  try {
    const page = await api(browseQuery(topic, next))
    cursor = page.end ? null : page.next
    $('browse-next').disabled = cursor === null
    $('browse-summary').textContent = `${page.messages.length} messages shown, ${page.scanned} read${page.end ? '; the end of the topic' : ''}`
    fill('browse-messages', page.messages.map(m => [String(m.partition), m.offset, new Date(m.timestamp).toLocaleString(), shown(m.key), pre(shown(m.value)), Object.entries(m.headers).map(([k, v]) => `${k}=${v}`).join(' ')]))
  } catch (error) {
    $('browse-error').textContent = error.message
  }
}

export function setUpTopics (api) {
  $('browse-form').addEventListener('submit', (e) => {
    e.preventDefault()
    browse(api, $('topic-name').textContent)
  })
  $('browse-next').addEventListener('click', () => { if (cursor) browse(api, $('topic-name').textContent, cursor) })
}

export async function showTopics (api, params) {
  const { topics } = await api('/api/topics')
  fill('topics', topics.map(t => [topicLink(t.topic), String(t.partitions.length), String(t.replicationFactor), String(t.minInsyncReplicas),
    { text: String(t.underReplicated), className: t.underReplicated > 0 ? 'bad' : '' }, String(t.messages), bytes(t.sizeBytes), duration(t.retentionMs), t.cleanupPolicy]))
  const name = params.get('topic')
  $('topic-detail').hidden = !name
  if (!name) return
  const topic = topics.find(t => t.topic === name) ?? await api(`/api/topics/${encodeURIComponent(name)}`)
  if ($('topic-name').textContent !== name) {
    $('topic-name').textContent = name
    $('browse-partition').replaceChildren(new Option('all', ''), ...topic.partitions.map(p => new Option(String(p.partition), String(p.partition))))
    fill('browse-messages', [])
    $('browse-summary').textContent = ''
  }
  $('topic-configs').textContent = `set on the topic: ${Object.entries(topic.configs).map(([k, v]) => `${k}=${v}`).join(', ') || 'nothing (all defaults)'}`
  fill('topic-partitions', topic.partitions.map(p => [String(p.partition), String(p.leader), p.replicas.join(','), { text: p.isr.join(','), className: p.isr.length < p.replicas.length ? 'bad' : '' }, p.earliest, p.latest, bytes(p.sizeBytes)]))
}
