import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Command } from 'commander'
import { program } from '../src/main.ts'
import { runTackle } from './run-tackle.ts'

/** Every command path of the real program, so a new command cannot miss the check. */
function commandPaths (command: Command, path: string[] = []): string[][] {
  return [path, ...command.commands.flatMap(c => commandPaths(c, [...path, c.name()]))]
}

const COMMANDS = commandPaths(program())

test('every command should answer --help with its usage, an example and its exit codes, and exit 0', async () => {
  assert.ok(COMMANDS.length >= 15, `found ${COMMANDS.length} commands`)
  // Four launchers at a time: each is a Node start, most of a second, and they wait on nothing shared.
  const queue = [...COMMANDS]
  const worker = async () => {
    for (let command = queue.shift(); command !== undefined; command = queue.shift()) {
      const run = await runTackle([...command, '--help'])
      assert.equal(run.code, 0, `${command.join(' ')} --help: ${run.stderr}`)
      assert.match(run.stdout, new RegExp(`^Usage: tackle${command.length ? ' ' + command.join(' ') : ''}`), command.join(' '))
      assert.match(run.stdout, /\nExamples?:[ \n]/, `${command.join(' ')} --help shows an example`)
      assert.match(run.stdout, /\nExit codes: /, `${command.join(' ')} --help shows its exit codes`)
    }
  }
  await Promise.all([worker(), worker(), worker(), worker()])
})

test('bare tackle should print the help on stdout and exit 0', async () => {
  const run = await runTackle([])
  assert.equal(run.code, 0, run.stderr)
  assert.match(run.stdout, /^Usage: tackle \[options\] \[command\]/)
  assert.match(run.stdout, /Exit codes: /)
  assert.equal(run.stderr, '')
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
