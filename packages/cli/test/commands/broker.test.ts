import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { ClusterAdmin } from '@tackle/client'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { runTackle } from '../run-tackle.ts'

test('broker replace should refuse, as bad usage, a NEW broker that holds replicas of OLD\'s partitions', async (t) => {
  const { cluster, brokers } = await sharedTestCluster()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  await admin.createTopic({ name: `replace-cli-${randomUUID()}`, partitions: 1, replicationFactor: 3 })
  const run = await runTackle(['broker', 'replace', '2', '3', '--dir', cluster.dir, '--dry-run', '--json'])
  // Every RF 3 partition on 2 has a replica on 3 already: no 1:1 replacement onto 3 exists.
  assert.equal(run.code, 64)
  assert.match(run.stderr, /broker 3 already holds a replica of \d+ partitions that broker 2 holds/)
})

test('broker decommission --cancel should say there is nothing to cancel', async () => {
  const { cluster } = await sharedTestCluster()
  const run = await runTackle(['broker', 'decommission', '1', '--dir', cluster.dir, '--cancel', '--state', `/tmp/tackle-none-${randomUUID()}.json`])
  assert.equal(run.code, 1)
  assert.match(run.stderr, /no reassignment in progress/)
})
