import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { verify, type VerifyProgress } from '../src/run-verify.ts'

const { cluster } = await sharedTestCluster()

function summary (result: Awaited<ReturnType<typeof verify>>): string {
  return `${result.config} ${result.faults.join('+')}: ${result.episodes} episodes, ${result.acked} acked, lost ${result.lost.length}, duplicated ${result.duplicated.length}, reordered ${result.reordered.length}, inconsistent ${result.inconsistent.length}, skipped ${result.skipped.length}, recovery p50 ${result.recoveryMsP50} ms max ${result.recoveryMsMax} ms`
}

test('verify should find no anomaly under kill-leader and pause with the safe defaults', { timeout: 300_000 }, async (t) => {
  const events: VerifyProgress[] = []
  const result = await verify({ cluster, faults: ['kill-leader', 'pause'], episodes: 2, faultMs: 4_000, onProgress: e => events.push(e) })
  t.diagnostic(summary(result))
  assert.equal(result.episodes, 4)
  assert.ok(result.acked > 2000, `load ran throughout (${result.acked} acked)`)
  assert.deepEqual({ lost: result.lost, duplicated: result.duplicated, reordered: result.reordered, inconsistent: result.inconsistent, abortedReads: result.abortedReads, skipped: result.skipped }, { lost: [], duplicated: [], reordered: [], inconsistent: [], abortedReads: [], skipped: [] })
  assert.equal(result.valid, true)
  assert.equal(result.blind, false)
  assert.ok(result.recoveryMs.every(ms => ms !== null), 'every episode recovered')
  assert.ok(events.filter(e => e.phase === 'episode' && e.step === 'start').every(e => e.phase === 'episode' && /^SIG(KILL|STOP) node \d/.test(e.detail)))
})

test('verify should detect lost acknowledged records in the unsafe config (the positive control)', { timeout: 300_000 }, async (t) => {
  const result = await verify({ cluster, faults: ['pause-followers'], episodes: 2, faultMs: 4_000, config: 'unsafe' })
  t.diagnostic(summary(result))
  assert.equal(result.blind, false, 'the checker saw the loss that acks=1 and unclean election allow')
  assert.equal(result.valid, false)
  assert.ok(result.lost.length + result.inconsistent.length > 0, `lost ${result.lost.length}, inconsistent ${result.inconsistent.length}`)
})
