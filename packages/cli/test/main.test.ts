import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runTackle } from './run-tackle.ts'

const COMMANDS = [[], ['start'], ['kafka'], ['kafka', 'up'], ['kafka', 'down'], ['kafka', 'status'], ['kafka', 'node'], ['kafka', 'exec']]

test('every command should answer --help with its usage and exit 0', async () => {
  for (const command of COMMANDS) {
    const run = await runTackle([...command, '--help'])
    assert.equal(run.code, 0, `${command.join(' ')} --help: ${run.stderr}`)
    assert.match(run.stdout, new RegExp(`^Usage: tackle${command.length ? ' ' + command.join(' ') : ''}`), command.join(' '))
  }
})

test('tackle should exit 64 with a hint on an unknown command or option', async () => {
  const command = await runTackle(['kafak'])
  assert.equal(command.code, 64)
  assert.match(command.stderr, /unknown command 'kafak'/)
  const option = await runTackle(['kafka', 'status', '--jsno'])
  assert.equal(option.code, 64)
  assert.match(option.stderr, /unknown option '--jsno'/)
  assert.match(option.stderr, /--help/)
})

test('tackle --version should print the version', async () => {
  const run = await runTackle(['--version'])
  assert.equal(run.code, 0)
  assert.match(run.stdout, /^\d+\.\d+\.\d+\n$/)
})
