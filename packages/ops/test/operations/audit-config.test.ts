import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ClusterAdmin } from '@tackle/client'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { auditConfig, fixAudit } from '../../src/operations/audit-config.ts'

const { brokers } = await sharedTestCluster()

test('auditConfig should find every weakness in a fixture of bad topics, and fixAudit should repair them', { timeout: 180_000 }, async (t) => {
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const id = randomUUID().slice(0, 8)
  const fixtures = {
    rf1: { replicationFactor: 1, configs: { 'min.insync.replicas': '1' } },
    rf2: { replicationFactor: 2, configs: { 'min.insync.replicas': '2' } },
    minIsr1: { replicationFactor: 3, configs: { 'min.insync.replicas': '1' } },
    unclean: { replicationFactor: 3, configs: { 'min.insync.replicas': '2', 'unclean.leader.election.enable': 'true' } },
    safe: { replicationFactor: 3, configs: { 'min.insync.replicas': '2' } },
  }
  const name = (key: string) => `audit-${id}-${key}`
  for (const [key, f] of Object.entries(fixtures)) await admin.createTopic({ name: name(key), partitions: 2, ...f })
  const topics = Object.keys(fixtures).map(name)

  const report = await auditConfig({ admin, topics })
  const found = report.findings.filter(f => f.scope === 'topic').map(f => `${f.topic?.replace(`audit-${id}-`, '')} ${f.setting} ${f.value}→${f.wanted} ${f.fix}`).sort()
  assert.deepEqual(found, [
    'minIsr1 min.insync.replicas 1→2 config',
    'rf1 min.insync.replicas 1→2 config',
    'rf1 replication.factor 1→3 reassign',
    'rf2 replication.factor 2→3 reassign',
    'unclean unclean.leader.election.enable true→false config',
  ])
  assert.match(report.findings.find(f => f.topic === name('rf2'))?.problem ?? '', /one broker down stops all writes/)
  assert.deepEqual(report.findings.filter(f => f.scope === 'cluster'), [], 'the test cluster has safe defaults')

  const dir = await mkdtemp(join(tmpdir(), 'tackle-audit-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const fixed = await fixAudit(report.findings, { admin, stateFile: join(dir, 'reassignment.json'), pollMs: 300 })
  assert.equal(fixed.fixed.length, 5)
  assert.equal(fixed.reassignment?.moves.length, 4, 'two partitions each of rf1 and rf2 got replicas')
  assert.deepEqual((await auditConfig({ admin, topics })).findings, [], 'nothing weak is left')
  assert.ok((await admin.partitions(topics)).every(p => p.replicas.length === 3))
})
