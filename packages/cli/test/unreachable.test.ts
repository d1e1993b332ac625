// The CLI contract when no broker answers: every command exits 2 within seconds, says so, and
// with --json prints the error as one JSON object on stdout.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { Command } from 'commander'
import { commandPath } from '../src/command-path.ts'
import { program } from '../src/main.ts'
import { runTackle } from './run-tackle.ts'

/** Arguments that make each command try the cluster; or why the command needs none. */
const ATTEMPTS: Readonly<Record<string, readonly string[] | { exempt: string }>> = {
  start: [],
  'kafka up': { exempt: 'it starts a local cluster rather than talking to one' },
  'kafka down': { exempt: 'stopping a cluster that is not there succeeds: nothing runs (checked below)' },
  'kafka status': [],
  'kafka node': ['1', 'stop'],
  'kafka add-broker': [],
  'kafka remove-node': ['4'],
  'kafka exec': ['kafka-topics', '--list'],
  health: [],
  roll: ['--dry-run', '--exec', 'ssh {host} sudo systemctl restart kafka'],
  'broker replace': ['1', '4', '--dry-run'],
  'broker decommission': ['1', '--dry-run'],
  'broker unregister': ['4'],
  rebalance: ['--dry-run'],
  'topic list': [],
  'topic describe': ['events'],
  'topic create': ['events'],
  'topic delete': ['events', '--yes'],
  'topic tail': ['events'],
  'group list': [],
  'group describe': ['g'],
  'group reset-offsets': ['g', '--to', 'earliest', '--dry-run'],
  'group delete': ['g', '--yes'],
  'destination list': [],
  'destination replay': ['crm', '--from', '2026-12-01T00:00:00Z', '--yes'],
  audit: [],
  lag: ['--window', '1s'],
  exporter: ['--port', '39464'],
  'events replay': [],
  query: { exempt: 'it reads the analytics store, not Kafka' },
  verify: ['--episodes', '1'],
}

function leafCommands (command: Command, path: string[] = []): Command[] {
  if (command.commands.length === 0) return path.length === 0 ? [] : [command]
  return command.commands.flatMap(c => leafCommands(c, [...path, c.name()]))
}

/** The path under `tackle`, as ATTEMPTS names it. */
function pathOf (command: Command): string {
  return commandPath(command).split(' ').slice(1).join(' ')
}

const LEAVES = leafCommands(program())

test('every command should be listed with what makes it try the cluster', () => {
  const paths = LEAVES.map(pathOf)
  assert.deepEqual(paths.filter(p => !(p in ATTEMPTS)), [], 'commands this test does not know: add them to ATTEMPTS')
  assert.deepEqual(Object.keys(ATTEMPTS).filter(p => !paths.includes(p)), [], 'ATTEMPTS names commands that are gone')
})

test('every command should exit 2 within 10 s when no broker answers, and say so in JSON with --json', { timeout: 300_000 }, async () => {
  const emptyDir = mkdtempSync(join(tmpdir(), 'tackle-no-cluster-'))
  // Port 1 on loopback refuses every connection: the cluster named is simply not there.
  const env = { KAFKA_BROKERS: '127.0.0.1:1', TACKLE_KAFKA_DIR: emptyDir }
  const queue = LEAVES.filter(c => !('exempt' in (ATTEMPTS[pathOf(c)] as object)))
  const failures: string[] = []
  const worker = async () => {
    for (let command = queue.shift(); command !== undefined; command = queue.shift()) {
      const path = pathOf(command)
      const json = command.options.some(o => o.long === '--json')
      const args = [...path.split(' '), ...ATTEMPTS[path] as string[], ...(json ? ['--json'] : [])]
      const began = Date.now()
      const run = await runTackle(args, { env })
      const seconds = (Date.now() - began) / 1000
      if (run.code !== 2) failures.push(`tackle ${args.join(' ')}: exit ${run.code}, not 2: ${run.stderr.trim().split('\n')[0]}`)
      if (seconds > 10) failures.push(`tackle ${args.join(' ')}: took ${seconds.toFixed(1)} s`)
      if (path === 'kafka status') continue // its JSON is the status: no nodes
      if (!/no (broker|Kafka cluster|local cluster|cluster)/i.test(run.stderr)) failures.push(`tackle ${args.join(' ')}: stderr does not say no broker answers: ${run.stderr.trim()}`)
      if (json) {
        try {
          const answer = JSON.parse(run.stdout) as { error?: { code?: unknown, message?: unknown, fix?: unknown } }
          if (!/^TACKLE_/.test(String(answer.error?.code)) || typeof answer.error?.message !== 'string' || typeof answer.error?.fix !== 'string') failures.push(`tackle ${args.join(' ')}: JSON error lacks code, message or fix: ${run.stdout}`)
        } catch {
          failures.push(`tackle ${args.join(' ')}: stdout is not one JSON object: ${JSON.stringify(run.stdout)}`)
        }
      }
    }
  }
  await Promise.all([worker(), worker(), worker()])
  assert.deepEqual(failures, [])
})

test('kafka down should succeed at once where there is no cluster', async () => {
  const began = Date.now()
  const run = await runTackle(['kafka', 'down', '--json'], { env: { TACKLE_KAFKA_DIR: mkdtempSync(join(tmpdir(), 'tackle-no-cluster-')) } })
  assert.equal(run.code, 0, run.stderr)
  assert.deepEqual((JSON.parse(run.stdout) as { nodes: unknown[] }).nodes, [])
  assert.ok(Date.now() - began < 10_000, `took ${Date.now() - began} ms`)
})

test('a bad number or duration should be refused as usage before anything connects', async () => {
  // The brokers named do not answer: a connection attempt would show as exit 2, not 64.
  const env = { KAFKA_BROKERS: '127.0.0.1:1' }
  const cases: Array<[string[], RegExp]> = [
    [['events', 'replay', '--timeout', '-5'], /--timeout <duration>' argument '-5' is invalid/],
    [['lag', '--window', '10000'], /give a duration with its unit.*\(10000 has none\)/],
    [['topic', 'tail', 'events', '--limit', '-1'], /--limit must be a whole number/],
    [['broker', 'replace', '1', '4', '--throttle', 'fast'], /give a rate such as 50MiB\/s/],
    [['roll', '--exec', 'systemctl restart kafka'], /--exec must name the broker/],
  ]
  for (const [args, message] of cases) {
    const run = await runTackle(args, { env })
    assert.equal(run.code, 64, `tackle ${args.join(' ')}: ${run.stderr}`)
    assert.match(run.stderr, message)
  }
})
