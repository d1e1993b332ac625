// The store processor on the real cluster and each store: a row the store refuses for its content
// (here written straight to the events topic, past the collector's checks) goes to failed_events
// with step "store", its neighbours in the same batch are stored, and the partition moves on.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { createProducer } from '@tackle/client/testkit'
import type { PipelineEvent } from '../../src/event.ts'
import { createPipeline, createTestDatabase, storedEvents, TEST_STORES } from '../../src/testkit/index.ts'

for (const { engine, skip } of TEST_STORES) {
  test(`the store processor on ${engine} should record a row the store refuses, store its neighbours and move on`, { skip }, async (t) => {
    const databaseUrl = engine === 'postgres' ? (await createTestDatabase(t)).url : undefined
    const pipeline = await createPipeline(t, { databaseUrl })
    const tag = randomUUID()
    const now = new Date().toISOString()
    const event = (n: number, over: Partial<PipelineEvent> = {}): PipelineEvent => ({
      messageId: `${tag}-${n}`, writeKey: 'wk_direct', type: 'track', event: `Poison ${tag}`, userId: 'one-user', anonymousId: null,
      timestamp: now, originalTimestamp: null, sentAt: null, receivedAt: now, properties: { n }, traits: {}, context: {}, source: 'segment', ip: null, ...over,
    })
    const producer = await createProducer(t)
    // One key, so one partition: the poison sits between its neighbours in the same batches.
    const first = Array.from({ length: 20 }, (_, n) => n === 10 ? event(n, { timestamp: '+010000-01-01T00:00:00.000Z' }) : event(n))
    await Promise.all(first.map(e => producer.send(pipeline.topics.events, e)))
    await producer.send(pipeline.topics.events, event(20, { properties: { s: 'lone \uD800' } }))
    const later = Array.from({ length: 5 }, (_, i) => event(21 + i))
    await Promise.all(later.map(e => producer.send(pipeline.topics.events, e)))

    const stored = await storedEvents(pipeline.store, `Poison ${tag}`, 24)
    assert.equal(stored.length, 24, 'every neighbour and every later event is stored')
    assert.ok(!stored.some(e => e.messageId === `${tag}-10` || e.messageId === `${tag}-20`))
    let failures = await pipeline.store.recentFailures(50)
    for (const deadline = Date.now() + 30_000; failures.filter(f => f.step === 'store').length < 2 && Date.now() < deadline;) {
      await new Promise(resolve => setTimeout(resolve, 250))
      failures = await pipeline.store.recentFailures(50)
    }
    const refused = failures.filter(f => f.step === 'store').sort((a, b) => String(a.messageId).localeCompare(String(b.messageId)))
    assert.deepEqual(refused.map(f => f.messageId), [`${tag}-10`, `${tag}-20`])
    for (const f of refused) assert.match(f.reason, /the store refused it/)
    assert.equal((refused[0]?.payload as PipelineEvent).timestamp, '+010000-01-01T00:00:00.000Z', 'the original payload is kept for replay')
  })
}
