// The persons page: search by id or property, then one person's merged ids, properties, refused
// merges and timeline; and the erasure, behind a confirmation.
import { timelineChart } from './charts.js'
import { fill as rows } from './table.js'

const $ = (id) => document.getElementById(id)

const link = (id) => Object.assign(document.createElement('a'), { href: `#persons?id=${encodeURIComponent(id)}`, textContent: id })

export async function showPersons (api, params) {
  const id = params.get('id')
  const q = params.get('q') ?? ''
  if (document.activeElement?.id !== 'person-q' && q) $('person-q').value = q
  if (q || !id) {
    const { persons } = await api(`/api/persons?q=${encodeURIComponent(q)}&limit=50`)
    rows('person-results', persons.length === 0 ? [[`no person matches ${JSON.stringify(q)}`, '']] : persons.map(p => [link(p.id), String(p.distinctIds)]))
  }
  $('person-detail').hidden = !id
  if (!id) return
  const person = await api(`/api/persons/${encodeURIComponent(id)}`)
  $('person-id').textContent = person.id
  $('person-summary').textContent = `${person.events} events, first seen ${person.firstSeen ? new Date(person.firstSeen).toLocaleString() : '–'}, last seen ${person.lastSeen ? new Date(person.lastSeen).toLocaleString() : '–'}.`
  $('person-ids').replaceChildren(...person.distinctIds.map(d => Object.assign(document.createElement('li'), { textContent: d })))
  rows('person-props', Object.entries(person.properties).map(([k, v]) => [k, v]))
  rows('person-refusals', person.refusals.length === 0 ? [['none', '', '', '']] : person.refusals.map(r => [new Date(r.timestamp).toLocaleString(), r.intoId, r.otherId ?? '', r.reason]))
  timelineChart($('person-timeline'), person.recentEvents)
  rows('person-events', person.recentEvents.map(e => [new Date(e.timestamp).toLocaleString(), e.type, e.event ?? '', e.userId ?? e.anonymousId ?? '', e.source]))
}

export function setUpPersons (api, run) {
  $('person-search').addEventListener('submit', (e) => {
    e.preventDefault()
    history.replaceState(null, '', `#persons?q=${encodeURIComponent($('person-q').value.trim())}`)
    run()
  })
  $('person-erase').addEventListener('click', async () => {
    const id = $('person-id').textContent
    if (!confirm(`Erase ${id}: every event, property and id of this person, for good?`)) return
    const { erased } = await api(`/api/persons/${encodeURIComponent(id)}`, { method: 'DELETE' })
    $('person-summary').textContent = `Erased: ${erased.events} events under ${erased.distinctIds} ids.`
    history.replaceState(null, '', '#persons')
  })
}
