import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { test } from 'node:test'
import { findProcessesByArgPrefix, nodeMarker, parseStatState, processState, residentMemoryBytes } from '../src/process-info.ts'
import { waitForNodeState } from '../src/node-process.ts'

test('parseStatState should read the state after a command name holding spaces and parentheses', () => {
  assert.equal(parseStatState('1234 (java (x) y) S 1 2 3'), 'S')
  assert.equal(parseStatState('1234 (java) T 1 2 3'), 'T')
})

test('processState should follow a real process through running, paused and gone, by its marker', async (t) => {
  const marker = nodeMarker(`/tmp/tackle-process-test-${process.pid}/node-1`)
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', '--', marker], { stdio: 'ignore' })
  await once(child, 'spawn')
  const pid = child.pid as number
  t.after(() => child.kill('SIGKILL'))

  // Between fork and exec the child still shows its parent's command line.
  assert.ok(await waitForNodeState(pid, marker, 'running', 5000))
  assert.equal(await processState(pid, nodeMarker('/elsewhere')), 'gone', 'a pid whose command line lacks the marker is not ours')
  assert.ok((await residentMemoryBytes(pid) ?? 0) > 1024 * 1024)
  assert.deepEqual(await findProcessesByArgPrefix(nodeMarker(`/tmp/tackle-process-test-${process.pid}/`)), [pid])

  child.kill('SIGSTOP')
  assert.ok(await waitForNodeState(pid, marker, 'paused', 5000))
  child.kill('SIGCONT')
  assert.ok(await waitForNodeState(pid, marker, 'running', 5000))
  child.kill('SIGKILL')
  await once(child, 'exit')
  assert.equal(await processState(pid, marker), 'gone')
  assert.equal(await processState(null, marker), 'gone')
})
