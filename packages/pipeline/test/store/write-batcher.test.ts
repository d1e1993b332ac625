import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PipelineEvent } from '../../src/event.ts'
import { DuckDbStore } from '../../src/store/duckdb-store.ts'
import { WriteBatcher } from '../../src/store/write-batcher.ts'

const event = (messageId: string): PipelineEvent => ({
  messageId, writeKey: 'wk', type: 'track', event: 'Clicked', userId: 'u1', anonymousId: null,
  timestamp: '2026-11-25T10:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: '2026-11-25T10:00:00.000Z',
  properties: {}, traits: {}, context: {}, source: 'segment', ip: null,
})

test('WriteBatcher should group concurrent writes and tell each caller whether its event was new', async (t) => {
  const store = await DuckDbStore.open(':memory:')
  t.after(() => store.close())
  const batches: number[] = []
  const batcher = new WriteBatcher(store, { onWritten: fresh => batches.push(fresh.length) })
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) => batcher.write(event(`m${i % 40}`))))
  assert.equal(results.filter(r => r === 'new').length, 40, 'ten repeats were not new')
  assert.equal(results.filter(r => r === 'duplicate').length, 10)
  assert.equal(await store.countEvents(), 40)
  assert.ok(batches.length < 50, `writes were grouped: ${batches.length} batches for 50 writes`)
  assert.equal(await batcher.write(event('m1')), 'duplicate')
})

test('WriteBatcher should reject every caller of a batch when the store is unavailable', async () => {
  const store = await DuckDbStore.open(':memory:')
  await store.close()
  const batcher = new WriteBatcher(store)
  await assert.rejects(Promise.all([batcher.write(event('a')), batcher.write(event('b'))]))
})
