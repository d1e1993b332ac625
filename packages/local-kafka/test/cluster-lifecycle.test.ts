// Lifecycles of private 1-node clusters: what the shared cluster must never be put through.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { LocalCluster } from '../src/cluster.ts'
import { nodeMarker, processState } from '../src/process-info.ts'

const parents: string[] = []
// After every test's own clean-up has stopped its nodes: node:test runs a test's after-hooks
// first-added first, and deleting a directory under running nodes races with their writes.
after(() => Promise.all(parents.map(parent => rm(parent, { recursive: true, force: true }))))

async function clusterDir (_t: test.TestContext): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'tackle-lifecycle-'))
  parents.push(parent)
  return join(parent, 'kafka')
}

test('up should wipe a cluster whose owning test run died, killing its orphaned nodes, and start afresh', async (t) => {
  const dir = await clusterDir(t)
  const deadOwner = spawnSync('true').pid as number
  const crashedRun = new LocalCluster({ dir, ownerPid: deadOwner, heapMb: 256 })
  t.after(() => crashedRun.down({ purge: true }))
  const orphaned = await crashedRun.up({ nodes: 1 })
  const orphanPid = orphaned.nodes[0]?.pid as number
  assert.equal(await processState(orphanPid, nodeMarker(join(dir, 'node-1'))), 'running', 'the orphan outlived its owner')

  const nextRun = new LocalCluster({ dir, ownerPid: process.pid, heapMb: 256 })
  t.after(() => nextRun.down({ purge: true }))
  const fresh = await nextRun.up({ nodes: 1 })
  assert.notEqual(fresh.clusterId, orphaned.clusterId, 'a new cluster, not the stale one')
  assert.equal(await processState(orphanPid, nodeMarker(join(dir, 'node-1'))), 'gone', 'the orphan was killed')
  assert.equal(fresh.nodes[0]?.state, 'running')
  assert.deepEqual(fresh.started, [1])
})

test('a node that cannot start should fail at once with the relevant tail of its log, not a timeout', async (t) => {
  const dir = await clusterDir(t)
  const cluster = new LocalCluster({ dir, ownerPid: process.pid, heapMb: 256 })
  t.after(() => cluster.down({ purge: true }))
  const up = await cluster.up({ nodes: 1 })
  const port = up.nodes[0]?.port as number
  await cluster.node(1, 'stop')

  // Something else takes the broker's port while it is down.
  const squatter = createServer().listen(port, '127.0.0.1')
  await once(squatter, 'listening')
  await assert.rejects(cluster.node(1, 'start'), (error: Error & { code?: string, nodeId?: number, logTail?: string }) => {
    assert.equal(error.code, 'TACKLE_LOCAL_KAFKA_START_FAILED')
    assert.equal(error.nodeId, 1)
    assert.match(error.message, /node 1 exited while starting/)
    assert.match(error.logTail ?? '', new RegExp(`${port}.*Address already in use|Address already in use`))
    assert.ok((error.logTail ?? '').split('\n').length <= 40, 'a tail, not the whole log')
    return true
  })
  assert.equal((await cluster.status())?.nodes[0]?.state, 'stopped')

  await new Promise(resolve => squatter.close(resolve))
  assert.equal((await cluster.node(1, 'start')).state, 'running', 'it starts once the port is free')
})

test('stop should wait for a clean shutdown, and a paused node should still stop', async (t) => {
  const dir = await clusterDir(t)
  const cluster = new LocalCluster({ dir, ownerPid: process.pid, heapMb: 256 })
  t.after(() => cluster.down({ purge: true }))
  await cluster.up({ nodes: 1 })
  assert.equal((await cluster.node(1, 'pause')).state, 'paused')
  assert.equal((await cluster.node(1, 'stop')).state, 'stopped')
  const log = await readFile(join(dir, 'node-1', 'logs', 'server.log'), 'utf8')
  assert.match(log, /Beginning controlled shutdown/, 'SIGTERM started a controlled shutdown')
  assert.match(log, /\[BrokerServer id=1\] shut down completed/, 'and Kafka finished it: no SIGKILL')
  await assert.rejects(cluster.node(1, 'resume'), /cannot resume node 1: it is stopped/)
})
