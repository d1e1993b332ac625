// The topics and consumer-groups API over real HTTP, on the shared Kafka cluster: behind the
// token, paging messages with a filter, and an offset reset that is a dry run unless told otherwise.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { testTopicName } from '@tackle/client/testkit'
import { startClusterDashboard, topicWith } from '../cluster-dashboard.ts'

const TOKEN = 'topics-test-token-0123456789'

test('the topics and groups API should answer only with the token, page messages with a filter, and plan before it resets offsets', async (t) => {
  const { dashboard, admin, brokers } = await startClusterDashboard(t, TOKEN)
  const topic = await topicWith(admin, brokers, 'api-topic', Array.from({ length: 12 }, (_, n) => ({ event: n % 3 === 0 ? 'signup' : 'view', n })))
  const group = testTopicName('api-group')
  await admin.commitGroupOffsets(group, [{ topic, partition: 0, offset: 6n }, { topic, partition: 1, offset: 6n }])

  const call = (path: string, init: RequestInit = {}, token: string | null = TOKEN) => fetch(`${dashboard.url}${path}`, { ...init, headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) } })
  for (const [path, init] of [['/api/topics', {}], [`/api/topics/${topic}/messages`, {}], ['/api/groups', {}], [`/api/groups/${group}/reset-offsets`, { method: 'POST', body: '{"to":"earliest"}' }]] as const) {
    assert.equal((await call(path, init, null)).status, 401, `${path} without the token`)
    assert.equal((await call(path, init, 'wrong-token-0123456789')).status, 401, `${path} with a wrong token`)
  }
  const { topics } = await (await call('/api/topics')).json() as { topics: Array<{ topic: string, messages: number, partitions: unknown[] }> }
  assert.deepEqual(topics.filter(x => x.topic === topic).map(x => [x.messages, x.partitions.length]), [[12, 2]])
  assert.equal((await call(`/api/topics/${topic}-nope`)).status, 404)

  const first = await (await call(`/api/topics/${topic}/messages?limit=3&filter=${encodeURIComponent('event == view')}`)).json() as { messages: Array<{ value: { data: { event: string } } }>, next: Record<string, string>, end: boolean }
  assert.equal(first.messages.length, 3)
  assert.ok(first.messages.every(m => m.value.data.event === 'view'))
  const cursor = Object.entries(first.next).map(([p, o]) => `${p}:${o}`).join(',')
  const rest = await (await call(`/api/topics/${topic}/messages?limit=50&cursor=${cursor}&filter=${encodeURIComponent('event == view')}`)).json() as { messages: unknown[], end: boolean }
  assert.deepEqual([rest.messages.length, rest.end], [5, true], 'eight views in all, none twice')
  const bad = await call(`/api/topics/${topic}/messages?from=yesterday`)
  assert.equal(bad.status, 400)
  assert.match((await bad.json() as { message: string }).message, /from must be/)

  const plan = await (await call(`/api/groups/${group}/reset-offsets`, { method: 'POST', body: JSON.stringify({ to: 'shift', value: '-2' }) })).json() as { applied: boolean, partitions: Array<{ target: number }> }
  assert.deepEqual([plan.applied, plan.partitions.map(p => Number(p.target))], [false, [4, 4]], 'a dry run by default')
  assert.equal((await admin.committedOffsets([group])).get(group)?.get(topic)?.get(0), 6n)
  const outside = await call(`/api/groups/${group}/reset-offsets`, { method: 'POST', body: JSON.stringify({ to: 'offset', value: '99', dryRun: false }) })
  assert.equal(outside.status, 400)
  assert.equal((await outside.json() as { code: string }).code, 'TACKLE_OPS_OFFSET_OUT_OF_RANGE')
  const malformed = await call(`/api/groups/${group}/reset-offsets`, { method: 'POST', body: JSON.stringify({ to: 'sideways' }) })
  assert.equal(malformed.status, 400)
  const applied = await (await call(`/api/groups/${group}/reset-offsets`, { method: 'POST', body: JSON.stringify({ to: 'earliest', topics: [{ topic, partitions: [1] }], dryRun: false }) })).json() as { applied: boolean }
  assert.equal(applied.applied, true)
  assert.deepEqual([...((await admin.committedOffsets([group])).get(group)?.get(topic) ?? [])].sort(), [[0, 6n], [1, 0n]])
  const described = await (await call(`/api/groups/${group}`)).json() as { lagRecords: string, status: string }
  assert.deepEqual([described.lagRecords, described.status], ['6', 'STOP'])
  assert.equal((await call('/api/groups/no-such-group-here')).status, 404)
})
