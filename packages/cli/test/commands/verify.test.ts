import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { postgresUnavailableReason } from '@tackle/pipeline/testkit'
import { verifyMode } from '../../src/commands/verify.ts'
import { runTackle } from '../run-tackle.ts'

test('verify --json should print exactly one verdict object, exit 0 when valid, and write the report', { timeout: 180_000 }, async (t) => {
  const { cluster } = await sharedTestCluster()
  const dir = await mkdtemp(join(tmpdir(), 'tackle-verify-report-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const run = await runTackle(['verify', '--dir', cluster.dir, '--faults', 'pause', '--episodes', '1', '--duration', '2', '--json', '--report', dir])
  assert.equal(run.code, 0, run.stderr)
  const verdict = JSON.parse(run.stdout) as Record<string, unknown>
  for (const key of ['config', 'faults', 'episodes', 'acked', 'lost', 'duplicated', 'reordered', 'inconsistent', 'skipped', 'recoveryMsP50', 'recoveryMsMax', 'valid']) assert.ok(key in verdict, `JSON has ${key}`)
  assert.deepEqual([verdict.config, verdict.faults, verdict.episodes, verdict.lost, verdict.valid], ['safe', ['pause'], 1, 0, true])
  assert.match(await readFile(join(dir, 'timeline.svg'), 'utf8'), /<svg/)
  const events = (await readFile(join(dir, 'history.jsonl'), 'utf8')).trim().split('\n').map(l => (JSON.parse(l) as { type: string }).type)
  assert.ok(events.includes('episode') && events.includes('send') && events.includes('final-read'))
})

test('verify should refuse a network fault on a loopback cluster as bad usage, saying how to get one', async () => {
  const { cluster } = await sharedTestCluster()
  const run = await runTackle(['verify', '--dir', cluster.dir, '--faults', 'partition-leader'])
  assert.equal(run.code, 64)
  assert.match(run.stderr, /partition-leader cut nodes apart inside network namespaces.*runs on loopback/)
})

test('verifyMode should take --mode, and --config safe|unsafe as its deprecated spelling with a warning', () => {
  const warnings: string[] = []
  const warn = (line: string) => { warnings.push(line) }
  assert.deepEqual(verifyMode({ mode: 'unsafe' }, warn), { mode: 'unsafe', configFile: undefined })
  assert.deepEqual(verifyMode({ mode: 'safe', config: 'tackle.config.json' }, warn), { mode: 'safe', configFile: 'tackle.config.json' }, '--config is the config file')
  assert.deepEqual(warnings, [])
  assert.deepEqual(verifyMode({ mode: 'safe', config: 'unsafe' }, warn), { mode: 'unsafe', configFile: undefined })
  assert.match(warnings[0] ?? '', /--config unsafe is deprecated; use --mode unsafe/)
})

test('verify should refuse an unknown fault, listing the faults', async () => {
  const run = await runTackle(['verify', '--faults', 'meteor'])
  assert.equal(run.code, 64)
  assert.match(run.stderr, /unknown fault "meteor"; faults: kill-leader, /)
})

test('verify --target pipeline --json should print one verdict object with the pipeline counts and exit 0 when valid', { timeout: 300_000, skip: postgresUnavailableReason() }, async (t) => {
  const { cluster } = await sharedTestCluster()
  const dir = await mkdtemp(join(tmpdir(), 'tackle-verify-pipeline-report-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const run = await runTackle(['verify', '--target', 'pipeline', '--dir', cluster.dir, '--faults', 'kill-collector', '--episodes', '1', '--duration', '2', '--json', '--report', dir])
  assert.equal(run.code, 0, run.stderr + run.stdout)
  const verdict = JSON.parse(run.stdout) as Record<string, unknown>
  for (const key of ['target', 'faults', 'episodes', 'sent', 'acknowledged', 'stored', 'lost', 'duplicated', 'stray', 'valid']) assert.ok(key in verdict, `JSON has ${key}`)
  assert.deepEqual([verdict.target, verdict.faults, verdict.episodes, verdict.lost, verdict.duplicated, verdict.stray, verdict.valid], ['pipeline', ['kill-collector'], 1, 0, 0, 0, true])
  assert.ok(Number(verdict.acknowledged) > 0 && verdict.stored === verdict.acknowledged, `${String(verdict.acknowledged)} acknowledged, ${String(verdict.stored)} stored`)
  assert.match(await readFile(join(dir, 'timeline.svg'), 'utf8'), /<svg/)
  const requests = (await readFile(join(dir, 'requests.jsonl'), 'utf8')).trim().split('\n').map(l => JSON.parse(l) as { type: string, status: number | null })
  assert.ok(requests.length > 0 && requests.every(r => r.type === 'request'))
})

test('verify should refuse a fault its target does not have, listing the target\'s faults', async () => {
  const run = await runTackle(['verify', '--target', 'pipeline', '--faults', 'pause-followers'])
  assert.equal(run.code, 64)
  assert.match(run.stderr, /--target pipeline has no fault "pause-followers"; its faults: kill-leader, /)
})
