// One suite, run against each store: DuckDB (a temporary file) and a real PostgreSQL server.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import pg from 'pg'
import type { PipelineEvent } from '../../src/event.ts'
import { DuckDbStore } from '../../src/store/duckdb-store.ts'
import type { EventStore } from '../../src/store/event-store.ts'
import { PostgresStore } from '../../src/store/postgres-store.ts'
import { postgresUnavailableReason, startPostgres } from '../fixtures/postgres-server.ts'

const T0 = Date.parse('2026-11-25T10:00:00.000Z')

function event (over: Partial<PipelineEvent>): PipelineEvent {
  return {
    messageId: 'm', writeKey: 'wk', type: 'track', event: 'Clicked', userId: 'u1', anonymousId: null,
    timestamp: new Date(T0).toISOString(), originalTimestamp: null, sentAt: null, receivedAt: new Date(T0 + 100).toISOString(),
    properties: { plan: 'pro', nested: { a: [1, 2] } }, traits: {}, context: { library: { name: 'test' } }, source: 'segment', ip: '10.0.0.0', ...over,
  }
}

/** An A/B fixture: 10 control users (3 convert after exposure, 1 only before), 10 treatment users (6 convert). */
function experimentFixture (): PipelineEvent[] {
  const events: PipelineEvent[] = []
  let n = 0
  const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString()
  for (const [variant, converting] of [['control', 3], ['treatment', 6]] as const) {
    for (let u = 0; u < 10; u++) {
      const userId = `${variant}-${u}`
      events.push(event({ messageId: `x${n++}`, userId, event: 'Experiment Viewed', timestamp: at(1), properties: { experiment_id: 'exp-checkout', variation_id: variant } }))
      if (u < converting) events.push(event({ messageId: `x${n++}`, userId, event: 'Order Completed', timestamp: at(2) }))
    }
  }
  // Converted before seeing the experiment: not a conversion of it.
  events.push(event({ messageId: `x${n++}`, userId: 'control-9', event: 'Order Completed', timestamp: at(0) }))
  // A second exposure, to the other variant, later: the first exposure decides.
  events.push(event({ messageId: `x${n++}`, userId: 'control-0', event: 'Experiment Viewed', timestamp: at(5), properties: { experiment_id: 'exp-checkout', variation_id: 'treatment' } }))
  return events
}

function storeSuite (name: string, open: () => Promise<{ store: EventStore, cleanup: () => Promise<void> }>, skip?: string): void {
  describe(`${name} store`, { skip }, () => {
    test(`${name} store should store an event once however often it is inserted`, async (t) => {
      const { store, cleanup } = await open()
      t.after(cleanup)
      const batch = [event({ messageId: 'a' }), event({ messageId: 'b' }), event({ messageId: 'a' })]
      const first = await store.insertEvents(batch, new Date(T0 + 200))
      const again = await store.insertEvents([event({ messageId: 'b' }), event({ messageId: 'c' })], new Date(T0 + 300))
      assert.deepEqual(first.map(e => e.messageId).sort(), ['a', 'b'])
      assert.deepEqual(again.map(e => e.messageId), ['c'])
      assert.equal(await store.countEvents(), 3)
      // The same messageId under another write key is another event.
      assert.equal((await store.insertEvents([event({ messageId: 'a', writeKey: 'other' })], new Date())).length, 1)
    })

    test(`${name} store should give events back newest first, typed, filtered by name`, async (t) => {
      const { store, cleanup } = await open()
      t.after(cleanup)
      await store.insertEvents([
        event({ messageId: 'old', timestamp: new Date(T0).toISOString() }),
        event({ messageId: 'new', timestamp: new Date(T0 + 60_000).toISOString() }),
        event({ messageId: 'other', event: 'Bought', timestamp: new Date(T0 + 30_000).toISOString() }),
      ], new Date(T0 + 120_000))
      const all = await store.recentEvents({ limit: 10 })
      assert.deepEqual(all.map(e => e.messageId), ['new', 'other', 'old'])
      const [newest] = all
      assert.deepEqual(newest?.properties, { plan: 'pro', nested: { a: [1, 2] } })
      assert.equal(newest?.storedAt, new Date(T0 + 120_000).toISOString())
      assert.equal(newest?.receivedAt, new Date(T0 + 100).toISOString())
      assert.deepEqual((await store.recentEvents({ event: 'Clicked', limit: 1 })).map(e => e.messageId), ['new'])
    })

    test(`${name} store should keep failed events once each, newest first`, async (t) => {
      const { store, cleanup } = await open()
      t.after(cleanup)
      const failure = { reason: 'userId or anonymousId is required', step: 'collect' as const, writeKey: 'wk', messageId: null, payload: { event: 'x' }, receivedAt: new Date(T0).toISOString(), failedAt: new Date(T0 + 5).toISOString() }
      await store.insertFailures([failure, failure])
      await store.insertFailures([failure, { ...failure, reason: 'other', failedAt: new Date(T0 + 10).toISOString() }])
      const failures = await store.recentFailures(10)
      assert.deepEqual(failures.map(f => f.reason), ['other', 'userId or anonymousId is required'])
      assert.deepEqual(failures[1]?.payload, { event: 'x' })
    })

    test(`${name} store should count experiment users by first exposure and conversions after it`, async (t) => {
      const { store, cleanup } = await open()
      t.after(cleanup)
      await store.insertEvents(experimentFixture(), new Date())
      assert.deepEqual(await store.experimentCounts('exp-checkout', 'Order Completed'), [
        { variant: 'control', users: 10, conversions: 3 },
        { variant: 'treatment', users: 10, conversions: 6 },
      ])
      const [summary] = await store.experiments()
      assert.equal(summary?.experimentId, 'exp-checkout')
      assert.equal(summary?.users, 20)
      assert.deepEqual(await store.experimentCounts('no-such', 'Order Completed'), [])
    })
  })
}

storeSuite('DuckDB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tackle-duckdb-'))
  const store = await DuckDbStore.open(join(dir, 'events.duckdb'))
  return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }) } }
})

const pgSkip = postgresUnavailableReason()
let server: Awaited<ReturnType<typeof startPostgres>> | undefined
let databases = 0
storeSuite('PostgreSQL', async () => {
  server ??= await startPostgres()
  // A database per test keeps them apart on one server.
  const name = `tackle_test_${process.pid}_${databases++}`
  const client = new pg.Client({ connectionString: server.url })
  await client.connect()
  await client.query(`CREATE DATABASE ${name}`)
  await client.end()
  const store = await PostgresStore.open(server.url.replace(/\/[^/]*$/, `/${name}`))
  return { store, cleanup: () => store.close() }
}, pgSkip)

describe('PostgreSQL server', { skip: pgSkip }, () => {
  test('the PostgreSQL test server should stop after the suite', async () => {
    await server?.stop()
    server = undefined
  })
})
