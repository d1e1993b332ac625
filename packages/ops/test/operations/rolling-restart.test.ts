import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import { ClusterAdmin, defineTopic, ensureTopics, TackleConsumer, TackleProducer, Type } from '@tackle/client'
import { checkSequences, readAll, startSequenceLoad } from '@tackle/client/testkit'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { waitUntil } from '@tackle/local-kafka'
import pino from 'pino'
import { Registry } from 'prom-client'
import { checkHealth } from '../../src/operations/check-health.ts'
import { rollingRestart, type RollProgress } from '../../src/operations/rolling-restart.ts'
import { localDriver } from '../../src/roll/local-driver.ts'
import { readRollState } from '../../src/roll/roll-state.ts'

const { cluster, brokers, status } = await sharedTestCluster()
const nodeIds = status.nodes.map(n => n.id)
const TACKLE_BIN = new URL('../../../cli/bin/tackle', import.meta.url).pathname

/** Polls until `check` holds, or fails the test naming what it waited for. */
async function until (check: () => Promise<boolean>, options: { timeoutMs: number, what: string | (() => string) }): Promise<void> {
  const held = await waitUntil(async () => (await check().catch(() => false)) || undefined, { timeoutMs: options.timeoutMs })
  assert.ok(held, `timed out waiting for ${typeof options.what === 'string' ? options.what : options.what()}`)
}

function admin (t: test.TestContext): ClusterAdmin {
  const a = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => a.close())
  return a
}

async function stateFile (t: test.TestContext): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-roll-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return join(dir, 'roll.json')
}

async function pids (): Promise<Map<number, number | null>> {
  return new Map((await cluster.status())?.nodes.map(n => [n.id, n.pid]) ?? [])
}

/** With an admin of its own: node:test runs after-hooks in the order they were added, so the test's may be closed. */
async function untilHealthy (): Promise<void> {
  const a = new ClusterAdmin({ bootstrapBrokers: brokers })
  let last = ''
  await until(async () => {
    const report = await checkHealth(a, { expectedBrokers: nodeIds }).catch((error: Error) => ({ healthy: false, problems: error.message }))
    last = JSON.stringify(report.problems)
    return report.healthy
  }, { timeoutMs: 120_000, what: () => `the cluster to be healthy again; last problems: ${last}` }).finally(() => a.close())
}

async function topic (t: test.TestContext, partitions = 6) {
  const Value = Type.Object({ id: Type.String() })
  const definition = defineTopic<Type.Static<typeof Value>>({ name: `roll-${randomUUID()}`, schema: Value, partitions, key: v => v.id.split(':')[0] })
  await ensureTopics({ bootstrapBrokers: brokers, topics: [definition] })
  return definition
}

test('health should be clean on the running cluster', async (t) => {
  const report = await checkHealth(admin(t), { expectedBrokers: nodeIds })
  assert.equal(report.healthy, true, JSON.stringify(report.problems))
  assert.deepEqual(report.brokers.map(b => [b.id, b.registered]), nodeIds.map(id => [id, true]))
  assert.ok(nodeIds.includes(report.controller.id))
})

test('with a broker down, health should name it and each under-replicated partition, and roll should refuse', async (t) => {
  const a = admin(t)
  const definition = await topic(t, 3)
  await cluster.node(3, 'stop')
  t.after(async () => {
    await cluster.node(3, 'start').catch(() => undefined)
    await untilHealthy()
  })
  await until(async () => (await a.partitions([definition.name])).every(p => p.isr.length === 2), { timeoutMs: 60_000, what: 'broker 3 to leave the ISRs' })

  const health = spawn(TACKLE_BIN, ['health', '--dir', cluster.dir, '--json'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  health.stdout.on('data', (c: Buffer) => { out += c.toString() })
  const code = await new Promise(resolve => health.on('close', resolve))
  assert.equal(code, 1)
  const report = JSON.parse(out) as { healthy: boolean, problems: Array<{ kind: string, topic?: string, partition?: number, brokerId?: number }> }
  assert.equal(report.healthy, false)
  assert.ok(report.problems.some(p => p.kind === 'broker-missing' && p.brokerId === 3))
  assert.deepEqual(report.problems.filter(p => p.kind === 'under-replicated' && p.topic === definition.name).map(p => p.partition).sort(), [0, 1, 2])

  // Broker 3 is the unhealthy one, so it comes first: it is stopped, so it is started, not "restarted".
  const dry = await rollingRestart({ admin: a, driver: localDriver(cluster), stateFile: await stateFile(t), expectedBrokers: nodeIds, dryRun: true })
  assert.equal(dry.plan[0]?.brokerId, 3)
  assert.equal(dry.plan[0]?.why, 'unhealthy')
  for (const entry of dry.plan.slice(1)) {
    assert.equal(entry.verdict.canRoll, false, `broker ${entry.brokerId} is blocked`)
    assert.ok(entry.verdict.blockers.some(b => b.reason === 'at-min-isr' && b.partition?.startsWith(definition.name)), JSON.stringify(entry.verdict.blockers))
  }
})

test('roll should refuse while the quorum would lose its caught-up majority (a paused controller)', async (t) => {
  const a = admin(t)
  await cluster.node(3, 'pause')
  t.after(async () => {
    await cluster.node(3, 'resume')
    await untilHealthy()
  })
  await until(async () => ((await a.describeQuorum()).voters.find(v => v.id === 3)?.lagMs ?? 0) > 5_000, { timeoutMs: 30_000, what: 'controller 3 to lag' })
  const before = await pids()
  const file = await stateFile(t)
  const dry = await rollingRestart({ admin: a, driver: localDriver(cluster), stateFile: file, expectedBrokers: nodeIds, dryRun: true })
  for (const id of [1, 2]) {
    const verdict = dry.plan.find(p => p.brokerId === id)?.verdict
    assert.equal(verdict?.canRoll, false)
    assert.ok(verdict?.blockers.some(b => b.reason === 'quorum-lagging'), JSON.stringify(verdict?.blockers))
  }
  // The real roll takes paused node 3 first (it is the unhealthy one); make it face node 1 instead.
  await assert.rejects(rollingRestart({ admin: a, driver: localDriver(cluster), stateFile: file, expectedBrokers: [1, 2] }), { code: 'TACKLE_OPS_GATE_BLOCKED', message: /not restarting broker ([12]): without node \1 only 1 of 3 controllers are caught up \(2 needed\); lagging: 3/ })
  assert.deepEqual(await pids(), before, 'no node was restarted')
})

test('roll should restart every broker under load with no error, loss, duplicate or offline partition', async (t) => {
  const a = admin(t)
  const definition = await topic(t)
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry(), lingerMs: 2 })
  t.after(() => producer.close({ timeoutMs: 10_000 }))
  const handled = new Set<string>()
  const consumer = new TackleConsumer({ bootstrapBrokers: brokers, groupId: `roll-${randomUUID()}`, topic: definition, retryTopic: undefined, registry: new Registry(), logger: pino({ level: 'silent' }), handler: async v => { handled.add(v.id) } })
  t.after(() => consumer.close())
  await consumer.start()

  const load = startSequenceLoad(producer, definition, id => ({ id }))
  const { acked, errors } = load
  const offlineSeen: string[] = []
  let sampling = true
  const sampler = (async () => {
    while (sampling) {
      const partitions = await a.partitions().catch(() => [])
      // Other tests' fixtures include RF 1 topics, which no roll can keep online (the gate warns of
      // them): the promise is for partitions with the safe replication factor.
      for (const p of partitions) if (p.leader < 0 && p.replicas.length >= 3) offlineSeen.push(`${p.topic}-${p.partition}`)
      await sleep(500)
    }
  })()

  const before = await pids()
  const events: RollProgress[] = []
  const result = await rollingRestart({ admin: a, driver: localDriver(cluster), stateFile: await stateFile(t), expectedBrokers: nodeIds, onProgress: e => events.push(e) })
  await load.stop()
  sampling = false
  await sampler

  assert.deepEqual(result.restarted.map(r => r.brokerId).sort(), nodeIds)
  const after = await pids()
  for (const id of nodeIds) assert.notEqual(after.get(id), before.get(id), `node ${id} was restarted`)
  const gates = events.flatMap(e => e.phase === 'gate' ? [e.verdict] : [])
  assert.deepEqual(gates.map(v => [v.brokerId, v.canRoll]).sort(), nodeIds.map(id => [id, true]))
  assert.deepEqual(errors, [], 'no send failed')
  assert.deepEqual(offlineSeen, [], 'no partition was offline at any sampled moment')
  const report = checkSequences(acked, (await readAll(brokers, definition.name, { expected: acked.length })).map(r => ({ ...r, value: (JSON.parse(r.value) as { id: string }).id })))
  assert.deepEqual({ lost: report.lost.length, duplicated: report.duplicated.length, reordered: report.reordered.length }, { lost: 0, duplicated: 0, reordered: 0 })
  assert.ok(acked.length > 1000, `load ran throughout (${acked.length} records)`)
  await until(async () => handled.size === acked.length, { timeoutMs: 60_000, what: 'the consumer to read every record' })
  assert.equal((await checkHealth(a, { expectedBrokers: nodeIds })).healthy, true)
  t.diagnostic(`roll of ${nodeIds.length} brokers: ${result.durationMs} ms; per broker ${result.restarted.map(r => `${r.brokerId}: restart ${r.restartMs} ms + catch-up ${r.catchUpMs} ms`).join(', ')}; ${acked.length} records under load`)
})

test('a roll killed after its first broker should resume without restarting that broker again', async (t) => {
  const a = admin(t)
  const file = await stateFile(t)
  const initial = await pids()
  const child = spawn(TACKLE_BIN, ['roll', '--dir', cluster.dir, '--state', file, '--json'], { stdio: ['ignore', 'ignore', 'ignore'] })
  const exited = new Promise(resolve => child.on('close', resolve))
  await until(async () => ((await readRollState(file).catch(() => undefined))?.done.length ?? 0) >= 1, { timeoutMs: 120_000, what: 'the roll to finish its first broker' })
  child.kill('SIGKILL')
  await exited
  const killed = await readRollState(file)
  assert.ok(killed)
  const first = killed.done[0] as number
  const afterKill = await pids()
  assert.notEqual(afterKill.get(first), initial.get(first))

  const result = await rollingRestart({ admin: a, driver: localDriver(cluster), stateFile: file, expectedBrokers: nodeIds })
  assert.deepEqual(result.alreadyDone, killed.done)
  assert.equal(result.restarted.some(r => r.brokerId === first), false)
  const final = await pids()
  assert.equal(final.get(first), afterKill.get(first), `broker ${first} was not restarted twice`)
  for (const id of nodeIds) assert.notEqual(final.get(id), initial.get(id), `node ${id} was restarted once`)
  assert.equal(await readFile(file, 'utf8').catch(() => 'gone'), 'gone', 'a finished roll leaves no state behind')
})
