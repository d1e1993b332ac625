import assert from 'node:assert/strict'
import { test } from 'node:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalCluster, netnsUnavailableReason } from '@tackle/local-kafka'
import { sharedTestCluster, TEST_BROKER_CONFIG } from '@tackle/local-kafka/testing'
import { verify, type VerifyProgress } from '../src/run-verify.ts'

const { cluster } = await sharedTestCluster()
const netnsUnavailable = await netnsUnavailableReason()
const netnsSkip = netnsUnavailable ? `network faults need network namespaces: ${netnsUnavailable}` : false

function summary (result: Awaited<ReturnType<typeof verify>>): string {
  return `${result.config} ${result.faults.join('+')}: ${result.episodes} episodes, ${result.acked} acked, lost ${result.lost.length}, duplicated ${result.duplicated.length}, reordered ${result.reordered.length}, inconsistent ${result.inconsistent.length}, skipped ${result.skipped.length}, recovery p50 ${result.recoveryMsP50} ms max ${result.recoveryMsMax} ms`
}

test('verify should find no anomaly under kill-leader and pause with the safe defaults', { timeout: 300_000 }, async (t) => {
  const events: VerifyProgress[] = []
  const result = await verify({ cluster, faults: ['kill-leader', 'pause'], episodes: 1, faultMs: 4_000, onProgress: e => events.push(e) })
  t.diagnostic(summary(result))
  assert.equal(result.episodes, 2)
  assert.ok(result.acked > 1000, `load ran throughout (${result.acked} acked)`)
  assert.deepEqual({ lost: result.lost, duplicated: result.duplicated, reordered: result.reordered, inconsistent: result.inconsistent, abortedReads: result.abortedReads, skipped: result.skipped }, { lost: [], duplicated: [], reordered: [], inconsistent: [], abortedReads: [], skipped: [] })
  assert.equal(result.valid, true)
  assert.equal(result.blind, false)
  assert.ok(result.recoveryMs.every(ms => ms !== null), 'every episode recovered')
  assert.ok(events.filter(e => e.phase === 'episode' && e.step === 'start').every(e => e.phase === 'episode' && /^SIG(KILL|STOP) node \d/.test(e.detail)))
})

test('verify should detect lost acknowledged records in the unsafe config (the positive control)', { timeout: 300_000 }, async (t) => {
  const result = await verify({ cluster, faults: ['pause-followers'], episodes: 1, faultMs: 4_000, config: 'unsafe' })
  t.diagnostic(summary(result))
  assert.equal(result.blind, false, 'the checker saw the loss that acks=1 and unclean election allow')
  assert.equal(result.valid, false)
  assert.ok(result.lost.length + result.inconsistent.length > 0, `lost ${result.lost.length}, inconsistent ${result.inconsistent.length}`)
})

test('verify should find no anomaly when a leader is cut off from the other nodes, with the safe defaults', { skip: netnsSkip, timeout: 400_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'tackle-verify-netns-'))
  const netnsCluster = new LocalCluster({ dir, network: 'netns', ownerPid: process.pid, brokerConfig: TEST_BROKER_CONFIG, heapMb: 384 })
  t.after(async () => {
    await netnsCluster.down({ purge: true })
    await rm(dir, { recursive: true, force: true })
  })
  await netnsCluster.up({ nodes: 3 })
  // Longer than the brokers' 9 s session timeout, so the cut-off leader is fenced and replaced.
  const result = await verify({ cluster: netnsCluster, faults: ['partition-leader'], episodes: 2, faultMs: 12_000 })
  t.diagnostic(summary(result))
  assert.equal(result.episodes, 2)
  assert.deepEqual({ lost: result.lost, duplicated: result.duplicated, reordered: result.reordered, inconsistent: result.inconsistent }, { lost: [], duplicated: [], reordered: [], inconsistent: [] })
  assert.equal(result.valid, true)
})
