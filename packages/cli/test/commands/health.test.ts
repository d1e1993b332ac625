import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { runTackle } from '../run-tackle.ts'

test('health should exit 0 with the report as one JSON object on a healthy cluster', async () => {
  const { cluster } = await sharedTestCluster()
  const run = await runTackle(['health', '--dir', cluster.dir, '--json'])
  assert.equal(run.code, 0, run.stderr)
  const report = JSON.parse(run.stdout) as { healthy: boolean, brokers: Array<{ id: number, registered: boolean }>, problems: unknown[] }
  assert.equal(report.healthy, true)
  assert.deepEqual(report.brokers.map(b => b.registered), [true, true, true])
  assert.deepEqual(report.problems, [])
})

test('health should exit 2 with a short error when no broker answers', async () => {
  const run = await runTackle(['health', '--brokers', '127.0.0.1:1'])
  assert.equal(run.code, 2)
  assert.match(run.stderr, /^tackle: no broker of 127\.0\.0\.1:1 answered.* \(brokers from --brokers\)\n {2}fix: .*KAFKA_BROKERS/)
})

test('roll should refuse, as bad usage, a cluster it has no way to restart', async () => {
  const run = await runTackle(['roll', '--brokers', '127.0.0.1:1'])
  assert.equal(run.code, 64)
  assert.match(run.stderr, /give --exec 'COMMAND \{id\} \{host\}'/)
})

test('roll --exec should be checked to name the broker', async () => {
  const run = await runTackle(['roll', '--brokers', '127.0.0.1:1', '--exec', 'systemctl restart kafka'])
  assert.equal(run.code, 64)
  assert.match(run.stderr, /--exec must name the broker with \{id\} or \{host\}/)
})
