import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ClusterAdmin, serveHealth } from '@tackle/client'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { ClusterExporter } from '../../src/exporter/cluster-exporter.ts'

test('ClusterExporter should serve the cluster\'s health, controller and partition counts over HTTP', async (t) => {
  const { brokers, status } = await sharedTestCluster()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const exporter = new ClusterExporter({ admin, expectedBrokers: status.nodes.map(n => n.id) })
  await exporter.sample()
  const server = await serveHealth({ registry: exporter.registry })
  t.after(() => server.close())
  const text = await (await fetch(`${server.url}/metrics`)).text()
  assert.match(text, /^tackle_cluster_up 1$/m)
  assert.match(text, /^tackle_cluster_healthy 1$/m)
  assert.match(text, /^tackle_cluster_brokers\{state="registered"\} 3$/m)
  assert.match(text, /^tackle_cluster_partitions\{state="offline"\} 0$/m)
  assert.match(text, /^tackle_cluster_controller_id [123]$/m)
  assert.match(text, /^tackle_roll_in_progress 0$/m)
  assert.match(text, /^tackle_reassignments_in_progress_partitions 0$/m)
  const used = [...text.matchAll(/^tackle_cluster_log_dir_used_ratio\{broker="(\d+)",dir="[^"]+"\} ([\d.e-]+)$/gm)]
  assert.deepEqual([...new Set(used.map(m => m[1]))].sort(), ['1', '2', '3'])
  for (const m of used) assert.ok(Number(m[2]) > 0 && Number(m[2]) < 1)
  if (status.secure) {
    const expiry = [...text.matchAll(/^tackle_cluster_certificate_expiry_seconds\{broker="(\d+)",listener="(\w+)"\} (\d+)$/gm)]
    assert.equal(expiry.length, 3, 'one certificate per broker\'s SASL_SSL listener')
    for (const m of expiry) assert.ok(Number(m[3]) > 3000 * 86_400)
  }
})

test('ClusterExporter should count a roll in progress from any of its state files, an exec-driver roll\'s included', async (t) => {
  const { brokers } = await sharedTestCluster()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  const dir = await mkdtemp(join(tmpdir(), 'tackle-roll-state-'))
  t.after(() => Promise.all([admin.close(), rm(dir, { recursive: true, force: true })]))
  const local = join(dir, 'kafka', 'roll.json')
  const exec = join(dir, 'roll.json')
  const exporter = new ClusterExporter({ admin, rollStateFiles: [local, exec] })
  await exporter.sample()
  assert.match(await exporter.registry.metrics(), /^tackle_roll_in_progress 0$/m)
  await writeFile(exec, '{}')
  await exporter.sample()
  assert.match(await exporter.registry.metrics(), /^tackle_roll_in_progress 1$/m)
})

test('ClusterExporter should report the cluster down when no broker answers', async (t) => {
  const admin = new ClusterAdmin({ bootstrapBrokers: ['127.0.0.1:1'], requestTimeoutMs: 2000 })
  t.after(() => admin.close())
  const exporter = new ClusterExporter({ admin })
  await assert.rejects(exporter.sample(), { code: 'TACKLE_CLIENT_UNREACHABLE' })
  assert.match(await exporter.registry.metrics(), /^tackle_cluster_up 0$\n[\s\S]*^tackle_exporter_sample_errors_total 1$/m)
})

test('the Grafana dashboard should only chart metrics the exporter serves', async () => {
  const { readFile } = await import('node:fs/promises')
  const dashboard = JSON.parse(await readFile(new URL('../../grafana/tackle-cluster.json', import.meta.url), 'utf8')) as { panels: Array<{ targets: Array<{ expr: string }> }> }
  const charted = new Set(dashboard.panels.flatMap(p => p.targets.flatMap(t => t.expr.match(/tackle_[a-z_]+/g) ?? [])))
  const admin = new ClusterAdmin({ bootstrapBrokers: ['127.0.0.1:1'] })
  const served = new Set((await new ClusterExporter({ admin }).registry.getMetricsAsJSON()).map(m => m.name))
  await admin.close()
  assert.ok(charted.size >= 8)
  for (const name of charted) assert.ok(served.has(name), `${name} is charted but not served`)
})
