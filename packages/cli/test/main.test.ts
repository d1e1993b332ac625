import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CommanderError, type Command } from 'commander'
import { program } from '../src/main.ts'
import { runTackle } from './run-tackle.ts'

/** Every command path of the real program, so a new command cannot miss the check. */
function commandPaths (command: Command, path: string[] = []): string[][] {
  return [path, ...command.commands.flatMap(c => commandPaths(c, [...path, c.name()]))]
}

const COMMANDS = commandPaths(program())

/** What `tackle PATH --help` prints and the exit code it ends with, parsed in this process: a Node start per command took most of a minute. */
async function helpOf (path: readonly string[]): Promise<{ code: unknown, out: string }> {
  let out = ''
  const root = program()
  const capture = (c: Command): void => {
    c.configureOutput({ writeOut: text => { out += text }, writeErr: text => { out += text } })
    c.commands.forEach(capture)
  }
  capture(root)
  const code = await root.parseAsync([...path, '--help'], { from: 'user' }).then(() => 'no exit', (error: unknown) => error instanceof CommanderError ? error.exitCode : error)
  return { code, out }
}

test('every command should answer --help with its usage, an example and its exit codes, and exit 0', async () => {
  assert.ok(COMMANDS.length >= 15, `found ${COMMANDS.length} commands`)
  for (const command of COMMANDS) {
    const { code, out } = await helpOf(command)
    assert.equal(code, 0, `${command.join(' ')} --help: ${out}`)
    assert.match(out, new RegExp(`^Usage: tackle${command.length ? ' ' + command.join(' ') : ''}`), command.join(' '))
    assert.match(out, /\nExamples?:[ \n]/, `${command.join(' ')} --help shows an example`)
    assert.match(out, /\nExit codes: /, `${command.join(' ')} --help shows its exit codes`)
  }
  // And through the real launcher, as a user runs it: the same text on stdout, exit 0.
  for (const command of [['start'], ['kafka', 'up'], ['destination', 'replay']]) {
    const run = await runTackle([...command, '--help'])
    assert.equal(run.code, 0, `${command.join(' ')} --help: ${run.stderr}`)
    assert.equal(run.stdout, (await helpOf(command)).out, `${command.join(' ')} --help on stdout`)
  }
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
