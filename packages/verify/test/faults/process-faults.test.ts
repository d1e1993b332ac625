import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { ClusterAdmin } from '@tackle/client'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { faultByName } from '../../src/faults/catalogue.ts'
import type { FaultContext } from '../../src/faults/fault.ts'

const { cluster, brokers } = await sharedTestCluster()

async function context (t: test.TestContext): Promise<FaultContext> {
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers, requestTimeoutMs: 10_000 })
  t.after(() => admin.close())
  const topic = `faults-${randomUUID()}`
  await admin.createTopic({ name: topic, partitions: 3, replicationFactor: 3 })
  return { cluster, admin, topic, random: () => 0 }
}

async function nodeState (id: number): Promise<string | undefined> {
  return (await cluster.status())?.nodes.find(n => n.id === id)?.state
}

test('stop-leader should stop a leader of the topic, and heal should start it again', { timeout: 120_000 }, async (t) => {
  const ctx = await context(t)
  const leader = (await ctx.admin.partitions([ctx.topic]))[0]?.leader as number
  const active = await (faultByName('stop-leader') as NonNullable<ReturnType<typeof faultByName>>).start(ctx)
  assert.match(active.detail, new RegExp(`^SIGTERM node ${leader} \\(leader of partition 0\\)`))
  assert.equal(await nodeState(leader), 'stopped')
  await active.heal()
  assert.equal(await nodeState(leader), 'running')
})

test('kill-controller should kill the active controller, and heal should start it again', { timeout: 120_000 }, async (t) => {
  const ctx = await context(t)
  const controller = (await ctx.admin.describeQuorum()).leaderId
  const active = await (faultByName('kill-controller') as NonNullable<ReturnType<typeof faultByName>>).start(ctx)
  assert.equal(active.detail, `SIGKILL node ${controller} (active controller)`)
  assert.equal(await nodeState(controller), 'stopped')
  await active.heal()
  assert.equal(await nodeState(controller), 'running')
})
