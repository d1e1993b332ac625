import assert from 'node:assert/strict'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtemp, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ClusterAdmin, TackleProducer, Type, defineTopic } from '@tackle/client'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { Registry } from 'prom-client'
import { cancelReassignment } from '../../src/operations/cancel-reassignment.ts'
import { replaceBroker } from '../../src/operations/replace-broker.ts'
import { verifyReassignment } from '../../src/operations/verify-reassignment.ts'
import { executeMoves, lookWithin } from '../../src/reassign/execute-moves.ts'
import { readReassignState } from '../../src/reassign/reassign-state.ts'
import { leftoverThrottles } from '../../src/reassign/throttles.ts'

const { brokers, status } = await sharedTestCluster()

test('a throttled reassignment should block others, report itself, and cancel back to the original replicas with no throttle left', { timeout: 180_000 }, async (t) => {
  const admin = new ClusterAdmin({ bootstrapBrokers: brokers })
  t.after(() => admin.close())
  const dir = await mkdtemp(join(tmpdir(), 'tackle-reassign-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const stateFile = join(dir, 'reassignment.json')
  // One replica with 8 MB of incompressible data: a copy at 16 KiB/s takes minutes, so it is surely still running.
  const name = `reassign-${randomUUID()}`
  await admin.createTopic({ name, partitions: 1, replicationFactor: 1, configs: { 'min.insync.replicas': '1' } })
  const topic = defineTopic({ name, schema: Type.Object({ pad: Type.String() }), partitions: 1 })
  const producer = new TackleProducer({ bootstrapBrokers: brokers, registry: new Registry() })
  t.after(() => producer.close())
  await Promise.all(Array.from({ length: 8000 }, () => producer.send(topic, { pad: randomBytes(750).toString('base64') })))
  const [before] = await admin.partitions([name])
  const source = before?.replicas[0] as number
  const destination = status.nodes.map(n => n.id).find(id => id !== source) as number

  const stop = new AbortController()
  const run = executeMoves(`move ${name}`, () => [{ topic: name, partition: 0, from: [source], to: [destination] }], [], {
    admin, stateFile, throttleBytesPerSec: 16 * 1024, pollMs: 300, signal: stop.signal,
    onProgress: e => { if (e.phase === 'move' && e.inFlight > 0) stop.abort() },
  })
  await assert.rejects(run, { name: 'AbortError' })
  assert.deepEqual((await admin.listReassignments()).filter(r => r.topic === name).map(r => r.adding), [[destination]], 'the move goes on after the tool stops')
  const state = await readReassignState(stateFile)
  assert.ok(state)
  assert.notDeepEqual(await leftoverThrottles(admin, state.throttle, state.previousThrottles), [], 'throttles are set while it runs')

  const otherState = join(dir, 'other.json')
  await assert.rejects(replaceBroker({ admin, stateFile: otherState, oldId: source, newId: destination }), { code: 'TACKLE_OPS_REASSIGNMENT_RUNNING', message: new RegExp(`${name}-0`) })

  const report = await verifyReassignment({ admin, stateFile })
  assert.deepEqual({ complete: report.complete, inFlight: report.inFlight }, { complete: false, inFlight: [`${name}-0`] })

  const cancelled = await cancelReassignment({ admin, stateFile, pollMs: 300 })
  assert.deepEqual(cancelled.cancelled, [`${name}-0`])
  assert.deepEqual((await admin.partitions([name]))[0]?.replicas, [source], 'back on its original replica')
  assert.deepEqual((await admin.listReassignments()).filter(r => r.topic === name), [])
  assert.deepEqual(await leftoverThrottles(admin, state.throttle, state.previousThrottles), [], 'no throttle is left')
  await assert.rejects(stat(stateFile), { code: 'ENOENT' })
})

test('lookWithin should give up as unreachable once no broker has answered for the grace, not at the deadline', async (t) => {
  // Port 1 on loopback refuses at once: a cluster that is gone.
  const admin = new ClusterAdmin({ bootstrapBrokers: ['127.0.0.1:1'], requestTimeoutMs: 1000 })
  t.after(() => admin.close())
  const began = Date.now()
  await assert.rejects(lookWithin({ admin, pollMs: 50, unreachableGraceMs: 1000 }, Date.now() + 3_600_000), (error: Error & { code?: string }) => {
    assert.equal(error.code, 'TACKLE_CLIENT_UNREACHABLE')
    assert.match(error.message, /no broker answered for 1 s; .*a rerun resumes/)
    return true
  })
  const took = Date.now() - began
  assert.ok(took >= 1000 && took < 10_000, `gave up after ${took} ms`)
})
