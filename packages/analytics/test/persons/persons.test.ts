// Persons on a real store: links written with the events, resolved at query time, so the answer
// does not depend on the order the events were stored in, and events stored before a merge count
// for the merged person.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { EventStore, PipelineEvent } from '@tackle/pipeline'
import { Analytics } from '../../src/analytics.ts'
import { DAY, eachStore, event, identify, MINUTE, T0, track } from '../fixtures/stores.ts'

async function analyticsOn (store: EventStore, events: readonly PipelineEvent[], batches: number[][]): Promise<Analytics> {
  for (const batch of batches) await store.insertEvents(batch.map(i => events[i] as PipelineEvent), new Date())
  return new Analytics(store, { resolveEveryMs: 0 })
}

const signupFunnel = { kind: 'funnel', steps: [{ event: 'Pricing Viewed' }, { event: 'Order Completed' }], from: new Date(T0).toISOString(), to: new Date(T0 + DAY).toISOString() }

eachStore((open) => {
  test('persons should merge an anonymous history into the identified user in whatever order the events were stored', async (t) => {
    const events = [
      track('anon-1', 'Pricing Viewed', 0),
      identify('alice', 'anon-1', 5 * MINUTE, { plan: 'pro' }),
      event({ userId: 'alice', event: 'Order Completed', atMs: 10 * MINUTE }),
      // A second device, identified later, stored first.
      track('anon-2', 'Pricing Viewed', 20 * MINUTE),
      identify('alice', 'anon-2', 25 * MINUTE),
    ]
    const orders = [[[0, 1, 2, 3, 4]], [[4], [2], [3], [1], [0]], [[2, 3], [0, 4], [1]]]
    const seen: unknown[] = []
    for (const batches of orders) {
      const analytics = await analyticsOn(await open(t), events, batches)
      const person = await analytics.person('anon-2')
      const funnel = await analytics.query(signupFunnel, T0 + DAY) as { steps: Array<{ count: number }> }
      seen.push({ id: person.id, ids: person.distinctIds, events: person.events, funnel: funnel.steps.map(s => s.count) })
    }
    assert.deepEqual(seen[0], { id: 'alice', ids: ['alice', 'anon-1', 'anon-2'], events: 5, funnel: [1, 1] })
    assert.deepEqual(seen[1], seen[0])
    assert.deepEqual(seen[2], seen[0])
  })

  test('persons should count events stored before a merge for the merged person, once the merge is stored', async (t) => {
    const store = await open(t)
    const analytics = new Analytics(store, { resolveEveryMs: 0 })
    await store.insertEvents([track('anon-9', 'Pricing Viewed', 0), event({ userId: 'bob', event: 'Order Completed', atMs: MINUTE })], new Date())
    const before = await analytics.query(signupFunnel, T0 + DAY) as { steps: Array<{ count: number }> }
    assert.deepEqual(before.steps.map(s => s.count), [1, 0])
    // The identify arrives late, with an event time between the two.
    await store.insertEvents([identify('bob', 'anon-9', 30_000)], new Date())
    const after = await analytics.query(signupFunnel, T0 + DAY) as { steps: Array<{ count: number }> }
    assert.deepEqual(after.steps.map(s => s.count), [1, 1])
  })

  test('persons should refuse to merge two identified users by identify, record why, and merge them by $merge_dangerously', async (t) => {
    const store = await open(t)
    const analytics = new Analytics(store, { resolveEveryMs: 0 })
    await store.insertEvents([identify('u1', 'a1', 0), identify('u2', 'a2', MINUTE), identify('u1', 'a2', 2 * MINUTE)], new Date())
    const u1 = await analytics.person('u1')
    assert.deepEqual(u1.distinctIds, ['a1', 'u1'])
    assert.equal(u1.refusals.length, 1)
    assert.match(u1.refusals[0]?.reason as string, /already identified/)
    await store.insertEvents([event({ source: 'posthog', userId: 'u1', event: '$merge_dangerously', atMs: 3 * MINUTE, properties: { alias: 'u2' } })], new Date())
    assert.deepEqual((await analytics.person('a2')).distinctIds, ['a1', 'a2', 'u1', 'u2'])
  })

  test('persons should keep the last property set by event time and the first $set_once, whatever the arrival order', async (t) => {
    const store = await open(t)
    const analytics = new Analytics(store, { resolveEveryMs: 0 })
    const posthog = (atMs: number, set: Record<string, unknown>, setOnce: Record<string, unknown>) =>
      event({ source: 'posthog', userId: 'p1', event: 'Clicked', atMs, traits: set, properties: { $set_once: setOnce } })
    // Stored newest first.
    await store.insertEvents([posthog(3 * MINUTE, { plan: 'team' }, { first_page: '/c' })], new Date())
    await store.insertEvents([posthog(MINUTE, { plan: 'free', seats: 3 }, { first_page: '/a' })], new Date())
    await store.insertEvents([posthog(2 * MINUTE, { plan: 'pro' }, { first_page: '/b' })], new Date())
    assert.deepEqual((await analytics.person('p1')).properties, { first_page: '/a', plan: 'team', seats: '3' })
  })

  test('persons should erase a person with every id, event and property, and record the erasure', async (t) => {
    const store = await open(t)
    const analytics = new Analytics(store, { resolveEveryMs: 0 })
    await store.insertEvents([track('anon-5', 'Pricing Viewed', 0), identify('carol', 'anon-5', MINUTE, { email: 'carol@example.com' }), track('dave', 'Pricing Viewed', 0)], new Date())
    const erasure = await analytics.deletePerson('anon-5')
    assert.deepEqual({ ...erasure, deletedAt: undefined }, { personId: 'carol', distinctIds: 2, events: 2, deletedAt: undefined })
    await assert.rejects(analytics.person('carol'), { code: 'TACKLE_ANALYTICS_PERSON_NOT_FOUND' })
    await assert.rejects(analytics.person('anon-5'), { code: 'TACKLE_ANALYTICS_PERSON_NOT_FOUND' })
    assert.equal(await store.countEvents(), 1)
    assert.deepEqual(await analytics.searchPersons('carol'), [])
    const [record] = await store.query('SELECT person_id, distinct_ids, events FROM person_deletions', [])
    assert.deepEqual({ ...record, distinct_ids: Number(record?.distinct_ids), events: Number(record?.events) }, { person_id: 'carol', distinct_ids: 2, events: 2 })
  })

  test('persons should find a person by an id prefix or a property value', async (t) => {
    const store = await open(t)
    const analytics = new Analytics(store, { resolveEveryMs: 0 })
    await store.insertEvents([identify('erin', 'anon-7', 0, { email: 'erin@example.com' }), track('frank', 'Pricing Viewed', 0)], new Date())
    assert.deepEqual(await analytics.searchPersons('anon-'), [{ id: 'erin', distinctIds: 2 }])
    assert.deepEqual(await analytics.searchPersons('ERIN@'), [{ id: 'erin', distinctIds: 2 }])
    assert.deepEqual((await analytics.searchPersons('fr')).map(p => p.id), ['frank'])
  })
})
