import assert from 'node:assert/strict'
import { test } from 'node:test'
import { tlsListeners } from '../../src/health/certificate-expiry.ts'

test('tlsListeners should keep the SSL and SASL_SSL listeners, by the protocol map or by name', () => {
  assert.deepEqual(tlsListeners('PLAINTEXT://h:9092,SECURE://h:9292,SSL://:9392', 'PLAINTEXT:PLAINTEXT,SECURE:SASL_SSL,CONTROLLER:PLAINTEXT', 'broker-1'), [
    { name: 'SECURE', protocol: 'SASL_SSL', host: 'h', port: 9292 },
    { name: 'SSL', protocol: 'SSL', host: 'broker-1', port: 9392 },
  ])
  assert.deepEqual(tlsListeners('INTERNAL://[::1]:9093', 'INTERNAL:SSL', 'b'), [{ name: 'INTERNAL', protocol: 'SSL', host: '::1', port: 9093 }])
  assert.deepEqual(tlsListeners(null, null, 'b'), [])
  assert.deepEqual(tlsListeners('PLAINTEXT://h:1', null, 'b'), [])
})

test('checkHealth should read the certificate of every TLS listener and every broker\'s disk usage', async (t) => {
  const { ClusterAdmin } = await import('@tackle/client')
  const { sharedTestCluster } = await import('@tackle/local-kafka/testing')
  const { checkHealth } = await import('../../src/operations/check-health.ts')
  const { brokers, status } = await sharedTestCluster()
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const report = await checkHealth(admin)
  const registered = report.brokers.filter(b => b.registered).map(b => b.id)
  assert.deepEqual([...new Set(report.logDirs.map(d => d.broker))].sort(), registered)
  for (const d of report.logDirs) assert.ok(d.usedRatio !== null && d.usedRatio > 0 && d.usedRatio < 1, JSON.stringify(d))
  if (!status.secure) return t.skip('the cluster has no TLS listener (KAFKA_BROKERS names an outside cluster)')
  // The local cluster's SASL_SSL listener on each broker, with its generated ten-year certificate.
  assert.deepEqual(report.certificates.map(c => c.broker).sort(), registered)
  for (const c of report.certificates) {
    assert.equal(c.error, null)
    const days = (Date.parse(c.notAfter as string) - Date.now()) / 86_400_000
    assert.ok(days > 3000, `${c.listener} on ${c.broker} expires in ${days} days`)
  }
  assert.ok(!report.problems.some(p => p.kind.startsWith('certificate')) && !report.warnings.some(p => p.kind.startsWith('certificate')))
})
