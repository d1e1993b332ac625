// One suite, run against each store: DuckDB (a temporary file) and a real PostgreSQL server.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import pg from 'pg'
import type { PipelineEvent } from '../../src/event.ts'
import { DuckDbStore } from '../../src/store/duckdb-store.ts'
import type { EventStore } from '../../src/store/event-store.ts'
import { PostgresStore } from '../../src/store/postgres-store.ts'
import { WriteBatcher } from '../../src/store/write-batcher.ts'
import { createTestDatabase, postgresUnavailableReason, startPostgres } from '../../src/testkit/postgres-server.ts'

const T0 = Date.parse('2026-11-25T10:00:00.000Z')

function event (over: Partial<PipelineEvent>): PipelineEvent {
  return {
    messageId: 'm', writeKey: 'wk', type: 'track', event: 'Clicked', userId: 'u1', anonymousId: null,
    timestamp: new Date(T0).toISOString(), originalTimestamp: null, sentAt: null, receivedAt: new Date(T0 + 100).toISOString(),
    properties: { plan: 'pro', nested: { a: [1, 2] } }, traits: {}, context: { library: { name: 'test' } }, source: 'segment', ip: '10.0.0.0', ...over,
  }
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

    test(`${name} store should delete the events that happened before a cutoff, and count them`, async (t) => {
      const { store, cleanup } = await open()
      t.after(cleanup)
      await store.insertEvents([event({ messageId: 'old', timestamp: new Date(T0 - 40 * 86_400_000).toISOString() }), event({ messageId: 'new' })], new Date())
      assert.equal(await store.deleteEventsBefore(new Date(T0 - 30 * 86_400_000)), 1)
      assert.deepEqual((await store.recentEvents({ limit: 10 })).map(e => e.messageId), ['new'])
      assert.equal(await store.deleteEventsBefore(new Date(T0 - 30 * 86_400_000)), 0)
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

    test(`${name} store should refuse a row it cannot hold for its content, and the batcher should store the rest of its batch`, async (t) => {
      const { store, cleanup } = await open()
      t.after(cleanup)
      const poisons = [
        event({ messageId: 'year-10000', timestamp: '+010000-01-01T00:00:00.000Z' }),
        event({ messageId: 'feb-30', timestamp: '2026-02-30T00:00:00.000Z' }),
        event({ messageId: 'surrogate', properties: { s: 'a\uD800b' } }),
      ]
      for (const poison of poisons) {
        await assert.rejects(store.insertEvents([poison], new Date()), (error: { code?: string }) => error.code === 'TACKLE_PIPELINE_STORE_REFUSED', poison.messageId)
      }
      const batch = Array.from({ length: 20 }, (_, i) => event({ messageId: `ok-${i}` }))
      batch.splice(7, 0, poisons[0] as PipelineEvent)
      batch.splice(15, 0, poisons[2] as PipelineEvent)
      const written: number[] = []
      const batcher = new WriteBatcher(store, { onWritten: fresh => written.push(fresh.length) })
      const outcomes = await batcher.writeMany(batch)
      assert.deepEqual(outcomes.map((o, i) => typeof o === 'object' ? batch[i]?.messageId : o).filter(o => o !== 'new'), ['year-10000', 'surrogate'])
      assert.equal(await store.countEvents(), 20, 'every neighbour stored')
      assert.equal(written.reduce((a, b) => a + b, 0), 20)
      assert.match((outcomes[7] as { refused: string }).refused, /refused/)
    })

    test(`${name} store should keep a failed-event record whatever its payload holds`, async (t) => {
      const { store, cleanup } = await open()
      t.after(cleanup)
      const payload = { s: 'a\uD800b', nul: 'x\u0000y', ['k\uDC00']: 1, deep: JSON.parse('['.repeat(200) + ']'.repeat(200)) as unknown }
      await store.insertFailures([{ reason: 'bad \uD800', step: 'store', writeKey: 'wk', messageId: 'm\u0000', payload, receivedAt: '+010000-01-01T00:00:00.000Z', failedAt: new Date(T0).toISOString() }])
      const [failure] = await store.recentFailures(1)
      assert.equal(failure?.reason, 'bad \uFFFD')
      assert.equal(failure?.receivedAt, new Date(T0).toISOString(), 'an unstorable receivedAt falls back to failedAt')
      assert.deepEqual([(failure?.payload as Record<string, unknown>).s, (failure?.payload as Record<string, unknown>).nul], ['a\uFFFDb', 'x\uFFFDy'])
    })
  })
}

storeSuite('DuckDB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tackle-duckdb-'))
  const store = await DuckDbStore.open(join(dir, 'events.duckdb'))
  return { store, cleanup: async () => { await store.close(); rmSync(dir, { recursive: true, force: true }) } }
})

test('DuckDbStore should create its file 0600 in a 0700 directory', async (t) => {
  const parent = mkdtempSync(join(tmpdir(), 'tackle-duckdb-mode-'))
  t.after(() => rmSync(parent, { recursive: true, force: true }))
  const file = join(parent, 'data', 'events.duckdb')
  const store = await DuckDbStore.open(file)
  await store.close()
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.equal(statSync(join(parent, 'data')).mode & 0o777, 0o700)
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

test('PostgresStore should answer STORE_FAILED while its server is down, never crash the process, and write again once it is back', { skip: pgSkip }, async (t) => {
  const own = await createTestDatabase(t)
  const store = await PostgresStore.open(own.url)
  t.after(() => store.close())
  for (const mode of ['fast', 'immediate'] as const) {
    let n = 0
    const codes = new Set<string>()
    let writing = true
    // Writes keep going while the server shuts down under them: a checked-out client's broken
    // connection must come back as an error of the write, not as an unheard 'error' event.
    const writer = (async () => {
      while (writing) {
        try {
          await store.insertEvents([event({ messageId: `${mode}-${n++}` })], new Date())
        } catch (error) {
          codes.add((error as { code?: string }).code ?? 'none')
          await new Promise(resolve => setTimeout(resolve, 50))
        }
      }
    })()
    await new Promise(resolve => setTimeout(resolve, 300))
    await own.halt(mode)
    await new Promise(resolve => setTimeout(resolve, 500))
    await own.start()
    await new Promise(resolve => setTimeout(resolve, 500))
    writing = false
    await writer
    assert.deepEqual([...codes], ['TACKLE_PIPELINE_STORE_FAILED'], `${mode}: every failed write is STORE_FAILED, to be retried`)
    assert.equal((await store.insertEvents([event({ messageId: `${mode}-after` })], new Date())).length, 1, `${mode}: writes again`)
  }
})

describe('PostgreSQL server', { skip: pgSkip }, () => {
  test('the PostgreSQL test server should stop after the suite', async () => {
    await server?.stop()
    server = undefined
  })
})
