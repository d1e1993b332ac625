import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { ClusterAdmin } from '../../src/admin/cluster-admin.ts'
import { ClientErrorCodes } from '../../src/errors.ts'

const { brokers } = await sharedTestCluster()

test('createTopic should return only once every broker knows the topic, its configs included', { timeout: 120_000 }, async (t) => {
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  // One admin per broker, each bootstrapped on that broker alone, so each answer is that broker's own.
  const each = brokers.map(broker => new ClusterAdmin({ bootstrapBrokers: [broker] }))
  t.after(() => Promise.all([admin, ...each].map(a => a.close())))
  const id = randomUUID().slice(0, 8)
  for (let i = 0; i < 5; i++) {
    const name = `created-${id}-${i}`
    await admin.createTopic({ name, partitions: 3, replicationFactor: 3, configs: { 'unclean.leader.election.enable': 'false', 'retention.ms': '3600000' } })
    for (const [index, one] of each.entries()) {
      const partitions = await one.partitions([name])
      assert.equal(partitions.length, 3, `${brokers[index]} lists the 3 partitions of ${name}`)
      assert.ok(partitions.every(p => p.leader >= 0), `${brokers[index]} knows a leader of each`)
      assert.equal((await one.configs('topic', [name])).get(name)?.get('retention.ms'), '3600000')
    }
  }
})

test('waitForTopics should give up on a topic no broker knows, naming the brokers and the time', async (t) => {
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const name = `never-${randomUUID().slice(0, 8)}`
  const started = Date.now()
  await assert.rejects(admin.waitForTopics([name], 800), (error: Error & { code?: string }) => {
    assert.equal(error.code, ClientErrorCodes.ADMIN_FAILED)
    assert.match(error.message, new RegExp(`${name} not yet known with leaders to broker \\d+.* after 800 ms`))
    return true
  })
  assert.ok(Date.now() - started < 5_000, 'it stops near its deadline')
})
