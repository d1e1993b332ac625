// The consumer groups page: every group with its state, members, lag and status; one group's
// members and offsets; and an offset reset that is always planned (a dry run) first and applied
// only from that plan, after a confirmation.
import { duration } from './format.js'
import { fill, link } from './table.js'

const $ = (id) => document.getElementById(id)
let planned = null

const groupLink = (group) => link(`#groups?group=${encodeURIComponent(group)}`, group)

const status = (s) => ({ text: s, className: s === 'OK' ? 'good' : 'bad' })

function resetBody () {
  const body = { to: $('reset-to').value }
  const value = $('reset-value').value.trim()
  if (value) body.value = value
  const topic = $('reset-topic').value.trim()
  if (topic) {
    const partitions = $('reset-partitions').value.split(',').map(s => s.trim()).filter(Boolean).map(Number)
    body.topics = [{ topic, ...(partitions.length ? { partitions } : {}) }]
  }
  return body
}

async function reset (api, group, body) {
  $('reset-error').textContent = ''
  try {
    const plan = await api(`/api/groups/${encodeURIComponent(group)}/reset-offsets`, { method: 'POST', body: JSON.stringify(body) })
    fill('reset-plan', plan.partitions.map(r => [r.topic, String(r.partition), r.current ?? '–', r.target, `${r.earliest}..${r.latest}`, r.lagAfter]))
    $('reset-result').textContent = plan.applied ? `Applied: ${plan.partitions.length} partitions reset, and read back.` : `Plan only: ${plan.partitions.length} partitions would change. Nothing was changed.`
    planned = plan.applied ? null : body
    $('reset-apply').disabled = planned === null
    return plan
  } catch (error) {
    $('reset-error').textContent = error.message
    planned = null
    $('reset-apply').disabled = true
  }
}

export function setUpGroups (api, refresh) {
  $('reset-form').addEventListener('submit', (e) => {
    e.preventDefault()
    reset(api, $('group-name').textContent, { ...resetBody(), dryRun: true })
  })
  $('reset-apply').addEventListener('click', async () => {
    const group = $('group-name').textContent
    if (!planned || !confirm(`Reset the offsets of group ${group} as planned?`)) return
    const plan = await reset(api, group, { ...planned, dryRun: false })
    if (plan?.applied) refresh()
  })
}

export async function showGroups (api, params) {
  const { groups } = await api('/api/groups')
  fill('groups', groups.map(g => [groupLink(g.group), g.state, g.type, String(g.members), String(g.lagRecords), status(g.status)]))
  const name = params.get('group')
  $('group-detail').hidden = !name
  if (!name) return
  const g = await api(`/api/groups/${encodeURIComponent(name)}`)
  if ($('group-name').textContent !== name) {
    $('group-name').textContent = name
    fill('reset-plan', [])
    $('reset-result').textContent = ''
    $('reset-apply').disabled = true
    planned = null
  }
  $('group-summary').textContent = `${g.state} (${g.type}), coordinator ${g.coordinator}, ${g.members.length} members, lag ${g.lagRecords} records${g.lagMs ? ` (oldest unconsumed ${duration(g.lagMs)} old)` : ''}. ${g.members.length ? 'Stop its consumers before resetting its offsets.' : ''}`
  fill('group-members', g.members.map(m => [m.id, m.clientId, m.host, m.assignment.map(a => `${a.topic}-${a.partition}`).join(', ')]))
  fill('group-partitions', g.partitions.map(p => [p.topic, String(p.partition), p.committed ?? '–', p.end, p.lagRecords ?? '–', p.lagMs ? duration(p.lagMs) : '–', status(p.status), p.member ?? '–']))
}
