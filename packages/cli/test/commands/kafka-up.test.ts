import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { onlyJson, runTackle } from '../run-tackle.ts'

interface NodeJson { id: number, pid: number | null, port: number, state: string }

/** Exited: no /proc entry, or a zombie that its new parent (init) has not reaped yet. */
function exited (pid: number): boolean {
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : ''
  return stat === '' || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')
}

test('kafka up --json on a running cluster should change nothing and print exactly one JSON object', async () => {
  const { cluster } = await sharedTestCluster()
  const before = await cluster.status()
  const run = await runTackle(['kafka', 'up', '--json', '--dir', cluster.dir])
  assert.equal(run.code, 0, run.stderr)
  const up = onlyJson(run)
  assert.deepEqual(up.started, [])
  assert.equal(up.bootstrap, before?.bootstrap)
  assert.deepEqual((up.nodes as NodeJson[]).map(n => [n.id, n.pid, n.state]), before?.nodes.map(n => [n.id, n.pid, 'running']))
})

test('kafka up, down and up again should keep the data; down --purge should remove it', async (t) => {
  const dir = join(await mkdtemp(join(tmpdir(), 'tackle-lifecycle-')), 'kafka')
  t.after(async () => {
    await runTackle(['kafka', 'down', '--purge', '--dir', dir])
    await rm(join(dir, '..'), { recursive: true, force: true })
  })
  const up = await runTackle(['kafka', 'up', '--nodes', '1', '--json', '--dir', dir])
  assert.equal(up.code, 0, up.stderr)
  const first = onlyJson(up)
  const [node] = first.nodes as NodeJson[]
  assert.equal(node?.state, 'running')
  assert.equal(first.bootstrap, `127.0.0.1:${node?.port}`)
  assert.match(up.stderr, /nodes ready 1\/1/, 'progress went to stderr')

  const wrongSize = await runTackle(['kafka', 'up', '--nodes', '2', '--dir', dir])
  assert.equal(wrongSize.code, 1)
  assert.match(wrongSize.stderr, /holds a 1-node cluster, not 2/)

  const down = await runTackle(['kafka', 'down', '--json', '--dir', dir])
  assert.equal(down.code, 0, down.stderr)
  assert.deepEqual((onlyJson(down).nodes as NodeJson[]).map(n => n.state), ['stopped'])
  assert.ok(exited(node?.pid as number), 'the JVM has exited')
  assert.ok(existsSync(join(dir, 'node-1', 'data', 'meta.properties')), 'the data is kept')

  const again = await runTackle(['kafka', 'up', '--json', '--dir', dir])
  assert.equal(again.code, 0, again.stderr)
  const second = onlyJson(again)
  assert.equal(second.clusterId, first.clusterId, 'the same cluster came back')
  assert.deepEqual(second.started, [1])

  const purge = await runTackle(['kafka', 'down', '--purge', '--dir', dir])
  assert.equal(purge.code, 0, purge.stderr)
  assert.match(purge.stdout, /stopped 1 nodes .*directory deleted/)
  assert.equal(existsSync(dir), false)
})
