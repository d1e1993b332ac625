import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Admin } from '@platformatic/kafka'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { runTackle } from '../run-tackle.ts'

const { cluster, bootstrap, brokers, status: { secure } } = await sharedTestCluster()

async function emptyDir (t: test.TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-nocluster-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

test('kafka exec kafka-topics --describe should agree with the topic the test created', async (t) => {
  const admin = new Admin({ clientId: 'exec-test', bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const topic = `described-${randomUUID()}`
  await admin.createTopics({ topics: [topic], partitions: 4, replicas: 3 })
  const partitions = (await admin.metadata({ topics: [topic], forceUpdate: true })).topics.get(topic)?.partitions ?? []

  // No --bootstrap-server: tackle adds the local cluster's.
  const run = await runTackle(['kafka', 'exec', '--dir', cluster.dir, 'kafka-topics', '--describe', '--topic', topic])
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, new RegExp(`Topic: ${topic}\\s+TopicId: \\S+\\s+PartitionCount: 4\\s+ReplicationFactor: 3`))
  const rows = [...run.stdout.matchAll(/Partition: (\d+)\s+Leader: (\d+)\s+Replicas: ([\d,]+)\s+Isr: ([\d,]+)/g)]
  assert.equal(rows.length, 4)
  for (const [, partition, leader, replicas, isr] of rows) {
    const expected = partitions[Number(partition)]
    assert.ok(expected, `partition ${partition} exists`)
    assert.equal(Number(leader), expected.leader)
    assert.deepEqual(replicas?.split(',').map(Number), expected.replicas)
    assert.deepEqual(isr?.split(',').map(Number).sort(), [...expected.isr].sort())
  }
})

test('kafka exec kafka-metadata-quorum should show 3 voters and a leader', async () => {
  const run = await runTackle(['kafka', 'exec', '--dir', cluster.dir, 'kafka-metadata-quorum', 'describe', '--status'])
  assert.equal(run.code, 0, run.stderr)
  const leader = Number(/^LeaderId:\s+(-?\d+)$/m.exec(run.stdout)?.[1])
  const voters = [...(/^CurrentVoters:\s+(.*)$/m.exec(run.stdout)?.[1] ?? '').matchAll(/"id": (\d+)/g)].map(m => Number(m[1]))
  assert.deepEqual(voters, [1, 2, 3])
  assert.ok(voters.includes(leader), `leader ${leader} is one of the voters`)
})

test('kafka exec should take the cluster from --brokers, then KAFKA_BROKERS, before the local cluster', async (t) => {
  const dir = await emptyDir(t)
  const viaFlag = await runTackle(['kafka', 'exec', '--dir', dir, '--brokers', bootstrap, 'kafka-broker-api-versions'])
  assert.equal(viaFlag.code, 0, viaFlag.stderr)
  assert.equal(viaFlag.stdout.match(/\(id: \d+ rack: null/g)?.length, 3, 'all three brokers answered')

  const viaEnv = await runTackle(['kafka', 'exec', '--dir', dir, 'kafka-topics', '--list'], { env: { KAFKA_BROKERS: bootstrap } })
  assert.equal(viaEnv.code, 0, viaEnv.stderr)

  // --brokers wins over KAFKA_BROKERS: a bad flag fails even with a good environment.
  const flagFirst = await runTackle(['kafka', 'exec', '--dir', dir, '--brokers', 'nope', 'kafka-topics', '--list'], { env: { KAFKA_BROKERS: bootstrap } })
  assert.equal(flagFirst.code, 64)
  assert.match(flagFirst.stderr, /--brokers: "nope" is not HOST:PORT/)
})

test('kafka exec should say clearly that there is no cluster when none is named or running', async (t) => {
  const dir = await emptyDir(t)
  const run = await runTackle(['kafka', 'exec', '--dir', dir, 'kafka-topics', '--list'])
  assert.equal(run.code, 2)
  assert.match(run.stderr, /no Kafka cluster to talk to: no --brokers, no KAFKA_BROKERS, no "brokers" in the config file and no local cluster/)
  assert.match(run.stderr, /fix: Pass --brokers HOST:PORT, set KAFKA_BROKERS, or start the local cluster with `tackle kafka up`/)
})

test('kafka exec should pass the tool\'s own exit code through', async () => {
  const run = await runTackle(['kafka', 'exec', '--dir', cluster.dir, 'kafka-topics', '--describe', '--topic', `absent-${randomUUID()}`])
  assert.equal(run.code, 1)
  assert.match(run.stderr + run.stdout, /does not exist/)
})

test('kafka exec should connect a tool over SASL_SSL from KAFKA_SASL_* and fail clearly with a wrong password', { skip: secure ? false : 'the test cluster has no SASL_SSL listener' }, async () => {
  assert.ok(secure)
  const env = { KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512', KAFKA_SASL_USERNAME: secure.username, KAFKA_SSL_CA_FILE: secure.caFile }
  const topic = `secure-exec-${randomUUID()}`
  const created = await runTackle(['kafka', 'exec', 'kafka-topics', '--bootstrap-server', secure.bootstrap, '--create', '--topic', topic, '--partitions', '2'], { env: { ...env, KAFKA_SASL_PASSWORD: secure.password } })
  assert.equal(created.code, 0, created.stderr)
  assert.match(created.stdout, new RegExp(`Created topic ${topic}`))

  const refused = await runTackle(['kafka', 'exec', 'kafka-topics', '--bootstrap-server', secure.bootstrap, '--list'], { env: { ...env, KAFKA_SASL_PASSWORD: 'not-the-password' } })
  assert.notEqual(refused.code, 0)
  assert.match(refused.stdout + refused.stderr, /Authentication failed.*invalid credentials with SASL mechanism SCRAM-SHA-512/)
})
