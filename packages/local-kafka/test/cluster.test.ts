import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { Admin, Consumer, Producer, stringDeserializers, stringSerializers, type ClusterMetadata } from '@platformatic/kafka'
import { ensureKafka } from '../src/distribution.ts'
import { nodePaths } from '../src/node-process.ts'
import { stateFilePath } from '../src/options.ts'
import { describeQuorum } from '../src/quorum.ts'
import { sharedTestCluster } from '../src/testing.ts'
import { runKafkaTool } from '../src/tools.ts'
import { waitUntil } from '../src/wait-until.ts'

const { cluster, bootstrap, brokers } = await sharedTestCluster()

function admin (t: test.TestContext): Admin {
  const client = new Admin({ clientId: 'local-kafka-test', bootstrapBrokers: brokers })
  t.after(() => client.close())
  return client
}

async function partitionsOf (client: Admin, topic: string) {
  const metadata: ClusterMetadata = await client.metadata({ topics: [topic], forceUpdate: true })
  return metadata.topics.get(topic)?.partitions ?? []
}

test('LocalCluster should run 3 combined KRaft nodes that agree on a quorum leader, with ELR on', async () => {
  const status = await cluster.status()
  assert.ok(status)
  assert.deepEqual(status.nodes.map(n => [n.id, n.state, n.roles.join(',')]), [[1, 'running', 'broker,controller'], [2, 'running', 'broker,controller'], [3, 'running', 'broker,controller']])
  assert.equal(new Set(status.nodes.flatMap(n => [n.port, n.controllerPort])).size, 6, 'every node has its own ports')
  for (const node of status.nodes) assert.ok((node.rssBytes ?? Infinity) < 1024 * 1024 * 1024, `node ${node.id} stays small`)

  const distribution = await ensureKafka()
  const quorum = await describeQuorum(distribution, bootstrap)
  assert.deepEqual(quorum?.voters, [1, 2, 3])
  assert.ok([1, 2, 3].includes(quorum?.leaderId ?? -1), `leader ${quorum?.leaderId} is a voter`)

  const features = await runKafkaTool(distribution, 'kafka-features', ['--bootstrap-server', bootstrap, 'describe'])
  assert.match(features.stdout, /Feature: eligible\.leader\.replicas\.version\s+SupportedMinVersion: \d+\s+SupportedMaxVersion: \d+\s+FinalizedVersionLevel: 1\b/)
})

test('LocalCluster should keep its secrets to its owner: the state file, server.properties and keystores 0600 in 0700 directories', async () => {
  const status = await cluster.status()
  assert.ok(status?.secure, 'the test cluster has the secure listener')
  const secureDir = dirname(status.secure.caFile)
  const files = [stateFilePath(status.dir), ...status.nodes.map(n => nodePaths(status.dir, n.id).properties), join(secureDir, 'broker.p12'), join(secureDir, 'ca.p12')]
  for (const file of files) assert.equal(statSync(file).mode & 0o777, 0o600, file)
  for (const dir of [status.dir, secureDir]) assert.equal(statSync(dir).mode & 0o777, 0o700, dir)
  assert.match(readFileSync(nodePaths(status.dir, 1).properties, 'utf8'), /keystore\.password=/, 'server.properties does hold secrets')
})

test('LocalCluster should give every broker the safe defaults', async () => {
  const distribution = await ensureKafka()
  const result = await runKafkaTool(distribution, 'kafka-configs', ['--bootstrap-server', bootstrap, '--entity-type', 'brokers', '--entity-name', '2', '--describe', '--all'])
  assert.equal(result.code, 0, result.stderr)
  const configs = new Map([...result.stdout.matchAll(/^\s+([\w.]+)=(\S*) sensitive=/gm)].map(m => [m[1], m[2]]))
  assert.equal(configs.get('default.replication.factor'), '3')
  assert.equal(configs.get('min.insync.replicas'), '2')
  assert.equal(configs.get('unclean.leader.election.enable'), 'false')
  assert.equal(configs.get('auto.create.topics.enable'), 'false')
  assert.equal(configs.get('offsets.topic.replication.factor'), '3')
})

test('a topic of RF 3 should round-trip records through @platformatic/kafka with acks=all and idempotence', async (t) => {
  const topic = `roundtrip-${randomUUID()}`
  await admin(t).createTopics({ topics: [topic], partitions: 3, replicas: 3 })
  const producer = new Producer({ clientId: 'roundtrip', bootstrapBrokers: brokers, serializers: stringSerializers, idempotent: true, acks: -1 })
  t.after(() => producer.close())
  const values = Array.from({ length: 200 }, (_, i) => `value-${i}`)
  const result = await producer.send({ messages: values.map((value, i) => ({ topic, key: `k${i % 10}`, value })) })
  assert.equal(result.offsets?.length ? true : false, true, 'the broker acknowledged with offsets')

  const consumer = new Consumer({ groupId: `g-${randomUUID()}`, clientId: 'roundtrip', bootstrapBrokers: brokers, deserializers: stringDeserializers })
  t.after(() => consumer.close(true))
  const stream = await consumer.consume({ topics: [topic], mode: 'earliest' })
  const seen: string[] = []
  for await (const message of stream) {
    seen.push(message.value as string)
    if (seen.length === values.length) break
  }
  assert.deepEqual(seen.sort(), [...values].sort())
})

test('a topic nobody created should not be created by asking for it, as auto-creation is off', async (t) => {
  const client = admin(t)
  const topic = `missing-${randomUUID()}`
  await assert.rejects(client.metadata({ topics: [topic], autocreateTopics: true, forceUpdate: true }), /Unknown topic/)
  assert.equal((await client.listTopics()).includes(topic), false)
})

test('killing a node should move its leaderships, and restarting it should bring it back into every ISR', async (t) => {
  const client = admin(t)
  const topic = `failover-${randomUUID()}`
  await client.createTopics({ topics: [topic], partitions: 6, replicas: 3 })
  const before = await partitionsOf(client, topic)
  const victim = before[0]?.leader as number
  const led = before.filter(p => p.leader === victim).length
  assert.ok(led >= 1)

  await cluster.node(victim, 'kill')
  t.after(async () => {
    // Leave the shared cluster whole for the next test, whatever happened here.
    if ((await cluster.status())?.nodes.find(n => n.id === victim)?.state === 'stopped') await cluster.node(victim, 'start')
  })
  const moved = await waitUntil(async () => {
    const partitions = await partitionsOf(client, topic).catch(() => [])
    const ok = partitions.length === 6 && partitions.every(p => p.leader >= 0 && p.leader !== victim && !p.isr.includes(victim))
    return ok ? partitions : undefined
  }, { timeoutMs: 60_000, maxDelayMs: 500 })
  assert.ok(moved, `the ${led} leaderships of node ${victim} moved and it left every ISR`)

  const restarted = await cluster.node(victim, 'start')
  assert.equal(restarted.state, 'running')
  const rejoined = await waitUntil(async () => {
    const partitions = await partitionsOf(client, topic).catch(() => [])
    return partitions.length === 6 && partitions.every(p => p.isr.includes(victim) && p.isr.length === 3) ? partitions : undefined
  }, { timeoutMs: 60_000, maxDelayMs: 500 })
  assert.ok(rejoined, `node ${victim} is back in every ISR`)
})
