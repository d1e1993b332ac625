// For tests of apps and of the dashboard: a whole pipeline against the shared test cluster, with
// its own topics, groups and DuckDB file, closed and deleted after the test; and helpers that
// wait for what the store holds.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { testBrokers, testTopicName, type CleanupContext } from '@tackle/client/testkit'
import { Registry } from 'prom-client'
import { startPipeline, type Pipeline, type PipelineOptions } from '../pipeline.ts'
import type { EventStore, StoredEvent } from '../store/event-store.ts'

export const WRITE_KEY = 'wk_test_0123456789'

export async function createPipeline (t: CleanupContext, overrides: Partial<PipelineOptions> = {}): Promise<Pipeline & { dir: string }> {
  // A given duckdbPath belongs to the caller, who deletes it.
  const dir = overrides.duckdbPath ? '' : mkdtempSync(join(tmpdir(), 'tackle-pipeline-'))
  const name = testTopicName('pipe')
  const pipeline = await startPipeline({
    bootstrapBrokers: await testBrokers(),
    writeKeys: [WRITE_KEY],
    collectorPort: 0,
    duckdbPath: join(dir, 'events.duckdb'),
    topicPrefix: name,
    groupPrefix: name,
    registry: new Registry(),
    ...overrides,
  })
  t.after(async () => {
    await pipeline.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })
  return Object.assign(pipeline, { dir })
}

/** Polls the store until `count` events of that name are there (or the deadline passes), then returns them. */
export async function storedEvents (store: EventStore, event: string, count: number, timeoutMs = 60_000): Promise<StoredEvent[]> {
  const deadline = Date.now() + timeoutMs
  for (let wait = 50; ; wait = Math.min(1000, wait * 2)) {
    const events = await store.recentEvents({ event, limit: 1000 })
    if (events.length >= count || Date.now() > deadline) return events
    await new Promise(resolve => setTimeout(resolve, wait))
  }
}

export function basicAuth (writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`
}
export { parseResponse, rawRequest, trickle, type RawResponse } from './raw-http.ts'
export { createDatabase, createTestDatabase, postgresUnavailableReason, startPostgres, TEST_STORES, type PostgresServer } from './postgres-server.ts'
