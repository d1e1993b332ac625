import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { ClusterAdmin } from '@tackle/client'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { runTackle } from '../run-tackle.ts'

test('audit should exit 1 naming a weak topic, and 0 once --fix --yes repaired it', { timeout: 120_000 }, async (t) => {
  const { cluster, brokers } = await sharedTestCluster()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const topic = `audit-cli-${randomUUID()}`
  await admin.createTopic({ name: topic, partitions: 1, replicationFactor: 3, configs: { 'min.insync.replicas': '1' } })

  const found = await runTackle(['audit', '--dir', cluster.dir, '--topic', topic, '--json'])
  assert.equal(found.code, 1, found.stderr)
  const report = JSON.parse(found.stdout) as { findings: Array<{ topic: string, setting: string, wanted: string }> }
  assert.deepEqual(report.findings.map(f => [f.topic, f.setting, f.wanted]), [[topic, 'min.insync.replicas', '2']])

  const refused = await runTackle(['audit', '--dir', cluster.dir, '--topic', topic, '--fix'])
  assert.equal(refused.code, 64, 'no terminal to confirm on, and no --yes')
  assert.match(refused.stderr, /pass --yes/)

  const fixed = await runTackle(['audit', '--dir', cluster.dir, '--topic', topic, '--fix', '--yes'])
  assert.equal(fixed.code, 0, fixed.stderr)
  assert.match(fixed.stdout, /fixed 1 weak settings/)
  assert.equal((await admin.configs('topic', [topic])).get(topic)?.get('min.insync.replicas'), '2')
})
