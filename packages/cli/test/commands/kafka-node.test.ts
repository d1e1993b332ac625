import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { onlyJson, runTackle } from '../run-tackle.ts'

const { cluster } = await sharedTestCluster()

function procState (pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] as string
}

test('kafka node pause and resume should freeze and thaw the process, and status should exit 1 meanwhile', async (t) => {
  t.after(async () => {
    if ((await cluster.status())?.nodes.find(n => n.id === 3)?.state === 'paused') await cluster.node(3, 'resume')
  })
  const paused = await runTackle(['kafka', 'node', '3', 'pause', '--json', '--dir', cluster.dir])
  assert.equal(paused.code, 0, paused.stderr)
  const node = onlyJson(paused) as { id: number, pid: number, state: string }
  assert.equal(node.state, 'paused')
  assert.equal(procState(node.pid), 'T', 'the kernel has the process stopped')

  const status = await runTackle(['kafka', 'status', '--json', '--dir', cluster.dir])
  assert.equal(status.code, 1, 'a paused node makes status exit 1')
  assert.equal((onlyJson(status).nodes as Array<{ state: string }>)[2]?.state, 'paused')

  const again = await runTackle(['kafka', 'node', '3', 'pause', '--dir', cluster.dir])
  assert.equal(again.code, 1)
  assert.match(again.stderr, /cannot pause node 3: it is paused/)

  const resumed = await runTackle(['kafka', 'node', '3', 'resume', '--json', '--dir', cluster.dir])
  assert.equal(resumed.code, 0, resumed.stderr)
  assert.equal(onlyJson(resumed).state, 'running')
  assert.notEqual(procState(node.pid), 'T')
})

test('kafka node should refuse an unknown node or action with a usage error', async () => {
  const unknownNode = await runTackle(['kafka', 'node', '7', 'stop', '--dir', cluster.dir])
  assert.equal(unknownNode.code, 64)
  assert.match(unknownNode.stderr, /no node 7 .*nodes are 1, 2, 3/)
  assert.match(unknownNode.stderr, /fix: /)
  assert.doesNotMatch(unknownNode.stderr, /\n\s+at /, 'no stack trace without --verbose')

  const badAction = await runTackle(['kafka', 'node', '1', 'explode', '--dir', cluster.dir])
  assert.equal(badAction.code, 64)
  assert.match(badAction.stderr, /Allowed choices are start, stop, kill, pause, resume/)
})
