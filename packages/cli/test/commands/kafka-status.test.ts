import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { onlyJson, runTackle } from '../run-tackle.ts'

const { cluster } = await sharedTestCluster()

function accepts (port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true) })
    socket.on('error', () => resolve(false))
  })
}

interface NodeJson { id: number, pid: number, port: number, controllerPort: number, state: string, rssMb: number }

test('kafka status --json should describe the running cluster as it really is', async () => {
  const run = await runTackle(['kafka', 'status', '--json', '--dir', cluster.dir])
  assert.equal(run.code, 0, run.stderr)
  const status = onlyJson(run)
  const nodes = status.nodes as NodeJson[]
  assert.equal(status.dir, cluster.dir)
  assert.deepEqual(nodes.map(n => n.id), [1, 2, 3])
  assert.equal(status.bootstrap, nodes.map(n => `127.0.0.1:${n.port}`).join(','))
  for (const node of nodes) {
    assert.equal(node.state, 'running')
    const cmdline = readFileSync(`/proc/${node.pid}/cmdline`, 'utf8').split('\0')
    assert.ok(cmdline.some(a => a.endsWith('java') || a === 'java'), `pid ${node.pid} is a JVM`)
    assert.ok(cmdline.includes('kafka.Kafka'), `pid ${node.pid} runs kafka.Kafka`)
    assert.ok(cmdline.some(a => a.endsWith(`node-${node.id}/server.properties`)), `pid ${node.pid} is node ${node.id}`)
    assert.ok(await accepts(node.port), `broker port ${node.port} accepts connections`)
    assert.ok(await accepts(node.controllerPort), `controller port ${node.controllerPort} accepts connections`)
    assert.ok(node.rssMb > 50 && node.rssMb < 1024, `rss ${node.rssMb} MiB is a JVM under its 512 MiB heap cap plus overhead`)
  }
})

test('kafka status should print a table a person can read', async () => {
  const run = await runTackle(['kafka', 'status', '--dir', cluster.dir])
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /^Kafka 4\.\d+\.\d+ in /)
  assert.match(run.stdout, /NODE\s+STATE\s+PID\s+PORT\s+CONTROLLER\s+ROLES\s+RSS/)
  assert.equal(run.stdout.match(/running/g)?.length, 3)
})

test('kafka status should exit 2 and say how to start one where there is no cluster', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-empty-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const json = await runTackle(['kafka', 'status', '--json', '--dir', dir])
  assert.equal(json.code, 2)
  assert.deepEqual(onlyJson(json), { dir, bootstrap: null, nodes: [] })
  const text = await runTackle(['kafka', 'status', '--dir', dir])
  assert.equal(text.code, 2)
  assert.match(text.stdout, /no local cluster in .*tackle kafka up/)
})
