import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Admin } from '@platformatic/kafka'
import { waitUntil } from '@tackle/local-kafka'
import Type from 'typebox'
import { createConsumer, createProducer, createTestTopic, testBrokers } from '../../src/testkit/factories.ts'
import { testTopicName } from '../../src/testkit/topics.ts'

const FIXTURE = fileURLToPath(new URL('fixtures/consume-to-file.ts', import.meta.url))

interface Handled { partition: number, offset: bigint, n: number }

function parse (text: string): Handled[] {
  return text.split('\n').filter(Boolean).map(line => {
    const [partition, offset, n] = line.split(' ')
    return { partition: Number(partition), offset: BigInt(offset as string), n: Number(n) }
  })
}

test('a consumer killed mid-stream should leave its partitions to the group: every record handled at least once, no offset committed past the handled ones', async (t) => {
  const brokers = await testBrokers()
  const topic = await createTestTopic<{ n: number }>({ prefix: 'rebalance', schema: Type.Object({ n: Type.Integer() }), partitions: 6 })
  const producer = await createProducer(t)
  const total = 3000
  await Promise.all(Array.from({ length: total }, (_, n) => producer.send(topic, { n }, { key: `k${n % 60}` })))

  const groupId = testTopicName('group')
  const dir = await mkdtemp(join(tmpdir(), 'tackle-rebalance-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const out = join(dir, 'victim.txt')
  const victim = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', FIXTURE, brokers.join(','), topic.name, groupId, out], { stdio: ['ignore', 'pipe', 'inherit'] })
  t.after(() => victim.kill('SIGKILL'))
  await once(victim.stdout, 'data')

  const survivor: Handled[] = []
  const consumer = await createConsumer<{ n: number }>(t, {
    groupId, topic, retryTopic: undefined,
    handler: async (value, context) => {
      await new Promise(resolve => setTimeout(resolve, 5))
      survivor.push({ partition: context.partition, offset: context.offset, n: value.n })
    },
  })
  await consumer.start()

  const victimHandled = async () => parse(await readFile(out, 'utf8').catch(() => ''))
  assert.ok(await waitUntil(async () => (await victimHandled()).length >= 300 ? true : undefined, { timeoutMs: 60_000 }), 'the victim got a share of the partitions')
  victim.kill('SIGKILL')
  await once(victim, 'exit')

  // Right after the crash: every committed offset covers only records someone handled.
  const admin = new Admin({ clientId: 'rebalance-test', bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const handledAt = (all: Handled[]) => new Set(all.map(h => `${h.partition}@${h.offset}`))
  const checkCommits = async () => {
    const handled = handledAt([...await victimHandled(), ...survivor])
    const [group] = await admin.listConsumerGroupOffsets({ groups: [groupId] })
    for (const committedTopic of group?.topics ?? []) {
      for (const partition of committedTopic.partitions) {
        for (let offset = 0n; offset < BigInt(partition.committedOffset); offset++) {
          assert.ok(handled.has(`${partition.partitionIndex}@${offset}`), `offset ${offset} of partition ${partition.partitionIndex} was committed but never handled`)
        }
      }
    }
  }
  await checkCommits()

  const allHandled = await waitUntil(async () => {
    const seen = new Set([...await victimHandled(), ...survivor].map(h => h.n))
    return seen.size === total ? seen : undefined
  }, { timeoutMs: 120_000 })
  assert.ok(allHandled, `every record was handled at least once (${new Set([...await victimHandled(), ...survivor].map(h => h.n)).size} of ${total})`)
  await checkCommits()
  assert.ok(survivor.length > 0 && (await victimHandled()).length > 0)
})
