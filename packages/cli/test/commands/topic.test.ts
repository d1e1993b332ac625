import assert from 'node:assert/strict'
import { test } from 'node:test'
import { testTopicName } from '@tackle/client/testkit'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { parseTailStart } from '../../src/commands/topic.ts'
import { onlyJson, runTackle } from '../run-tackle.ts'

test('parseTailStart should take earliest, latest, offset N and datetime ISO, and name what it takes otherwise', () => {
  assert.equal(parseTailStart(['earliest']), 'earliest')
  assert.deepEqual(parseTailStart(['offset', '42']), { offset: 42n })
  assert.deepEqual(parseTailStart(['datetime', '2026-11-30T12:00:00Z']), { timestampMs: Date.parse('2026-11-30T12:00:00Z') })
  assert.throws(() => parseTailStart(['offset', '-1']), /earliest, latest, offset N or datetime ISO/)
  assert.throws(() => parseTailStart(['yesterday']), /got "yesterday"/)
})

test('tackle topic should create with safe defaults, refuse weak settings, describe, tail as JSON lines with a filter, and delete when told', async () => {
  const { cluster, brokers } = await sharedTestCluster()
  const name = testTopicName('cli-topic')
  const dir = ['--dir', cluster.dir]
  const weak = await runTackle(['topic', 'create', name, '--replication-factor', '1', ...dir])
  assert.equal(weak.code, 64)
  assert.match(weak.stderr, /replication factor 1 < 3.*--allow-weak/)
  const created = await runTackle(['topic', 'create', name, '--partitions', '2', '--retention', '7d', '--json', ...dir])
  assert.equal(created.code, 0, created.stderr)
  assert.deepEqual(onlyJson(created).replicationFactor, 3)

  const { Producer, stringSerializers } = await import('@platformatic/kafka')
  const producer = new Producer({ clientId: 'cli-topic-test', bootstrapBrokers: brokers, serializers: stringSerializers, idempotent: true })
  await producer.send({ messages: ['signup', 'view', 'view', 'signup'].map((event, n) => ({ topic: name, partition: n % 2, key: `k${n}`, value: JSON.stringify({ event, n }) })) })
  await producer.close()

  const described = onlyJson(await runTackle(['topic', 'describe', name, '--json', ...dir]))
  assert.deepEqual([described.messages, described.retentionMs, (described.partitions as unknown[]).length], [4, 7 * 86_400_000, 2])
  const tail = await runTackle(['topic', 'tail', name, '--format', 'json', '--filter', 'event == signup', ...dir])
  assert.equal(tail.code, 0, tail.stderr)
  const lines = tail.stdout.trim().split('\n').map(line => JSON.parse(line) as { key: { data: string }, value: { data: { n: number } } })
  assert.deepEqual(lines.map(l => l.value.data.n).sort(), [0, 3])
  assert.deepEqual(lines.map(l => l.key.data).sort(), ['k0', 'k3'])
  const text = await runTackle(['topic', 'tail', name, '--partition', '1', '--limit', '1', ...dir])
  assert.match(text.stdout, /partition 1 offset 0 .* key k1\n\{\n {2}"event": "view",\n {2}"n": 1\n\}/)
  const missing = await runTackle(['topic', 'tail', `${name}-nope`, ...dir])
  assert.equal(missing.code, 1)
  assert.match(missing.stderr, /no topic/)

  const unconfirmed = await runTackle(['topic', 'delete', name, ...dir])
  assert.equal(unconfirmed.code, 64)
  assert.match(unconfirmed.stderr, /confirm on a terminal, or pass --yes/)
  assert.equal((await runTackle(['topic', 'delete', name, '--yes', ...dir])).code, 0)
  const list = onlyJson(await runTackle(['topic', 'list', '--json', ...dir])) as { topics: Array<{ topic: string }> }
  assert.ok(!list.topics.some(t => t.topic === name))
})
