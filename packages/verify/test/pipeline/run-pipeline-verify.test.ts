// The pipeline target's short matrix on the shared test cluster: a broker kill, a collector kill, a
// processor kill, a store restart and poison under HTTP load, with a processor added after the
// first episode.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sharedTestCluster } from '@tackle/local-kafka/testing'
import { postgresUnavailableReason } from '@tackle/pipeline/testkit'
import { verifyPipeline, type PipelineVerifyProgress } from '../../src/pipeline/run-pipeline-verify.ts'

const { cluster } = await sharedTestCluster()

test('verifyPipeline should find every acknowledged event stored exactly once under broker, collector, processor, store and poison faults, and the partitions spread over an added processor', { skip: postgresUnavailableReason(), timeout: 600_000 }, async (t) => {
  const progress: PipelineVerifyProgress[] = []
  const result = await verifyPipeline({ cluster, faults: ['kill-leader', 'kill-collector', 'kill-processor', 'restart-store', 'poison'], episodes: 1, faultMs: 3_000, quietMs: 1_000, onProgress: e => { progress.push(e); if (e.phase === 'episode') t.diagnostic(`${e.fault} ${e.step}: ${e.detail}`) } })
  t.diagnostic(`${result.episodes} episodes: sent ${result.sent}, acknowledged ${result.acknowledged}, stored ${result.stored}, poison ${result.poison}, lost ${result.lost.length}, duplicated ${result.duplicated.length}, unstored ${result.unstored.length}, stray ${result.stray.length}, unrecorded ${result.unrecorded.length}; recovery p50 ${result.recoveryMsP50} ms, max ${result.recoveryMsMax} ms; last late row ${result.lastRowMsMax} ms; processors ${JSON.stringify(result.processors)}; ${Math.round(result.durationMs / 1000)} s`)
  assert.deepEqual(result.crashed, [], 'no pipeline process died by itself')
  assert.equal(result.stopped, null)
  assert.equal(result.episodes, 5)
  assert.ok(result.acknowledged > 500, `load ran throughout: ${result.acknowledged} acknowledged`)
  assert.ok(result.poison > 0, 'poison was mixed in')
  assert.deepEqual({ lost: result.lost, duplicated: result.duplicated, unstored: result.unstored, stray: result.stray, unrecorded: result.unrecorded, wronglyRejected: result.wronglyRejected }, { lost: [], duplicated: [], unstored: [], stray: [], unrecorded: [], wronglyRejected: [] })
  assert.equal(result.scaledOut, true, `every processor owns a share: ${JSON.stringify(result.processors)}`)
  assert.equal(result.valid, true)
  assert.ok(result.requests.some(r => r.status === null), 'a killed collector dropped requests, which the clients sent again')
  assert.ok(result.events.filter(e => e.kind === 'poison').every(e => e.ackedAt === undefined || e.poison === 'plan-violation'), 'the collector acknowledged no poison but the plan violation, which only the processors can judge')
})
