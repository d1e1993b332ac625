import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { Episode } from '../../src/history.ts'
import type { SentEvent } from '../../src/pipeline/http-workload.ts'
import { checkPipeline } from '../../src/pipeline/pipeline-checker.ts'

const T = Date.parse('2026-12-01T10:00:00.000Z')
const sent = (id: string, over: Partial<SentEvent> = {}): SentEvent => ({ id, client: 0, kind: 'valid', firstSentAt: T, ackedAt: T + 10, ...over })
const row = (messageId: string, atMs = T + 100) => ({ messageId, storedAt: new Date(atMs).toISOString() })
const episode: Episode = { index: 0, fault: 'kill-processor', detail: 'SIGKILL', startedAt: T - 1, healedAt: T + 5, recoveredAt: T + 50 }

test('checkPipeline should find a clean run valid, and time the last late row from the fault', () => {
  const events = [sent('a'), sent('b', { ackedAt: undefined }), sent('p', { kind: 'poison', poison: 'feb-30', ackedAt: undefined, rejected: 'timestamp has day 30' })]
  const result = checkPipeline(events, { stored: [row('a'), row('b', T + 4_000)], failed: [{ messageId: 'p', step: 'collect', reason: 'timestamp has day 30' }] }, [episode])
  assert.equal(result.valid, true)
  assert.deepEqual([result.sent, result.acknowledged, result.rejected, result.poison, result.stored], [3, 1, 1, 1, 2])
  assert.deepEqual(result.lastRowMs, [4_001], 'b, sent while the fault was held, was stored 4 s after it began')
})

test('checkPipeline should name each anomaly: lost, duplicated, unstored, stray, unrecorded, wrongly rejected', () => {
  const events = [
    sent('lost'), sent('twice'), sent('never-acked', { ackedAt: undefined }),
    sent('poison-stored', { kind: 'poison', poison: 'plan-violation' }), sent('poison-unrecorded', { kind: 'poison', poison: 'feb-30', ackedAt: undefined, rejected: 'bad' }),
    sent('good-rejected', { ackedAt: undefined, rejected: 'timestamp is not a date' }),
  ]
  const result = checkPipeline(events, {
    stored: [row('twice'), row('twice'), row('poison-stored'), row('from-nowhere')],
    failed: [{ messageId: 'poison-stored', step: 'validate', reason: 'tracking plan' }, { messageId: 'good-rejected', step: 'collect', reason: 'timestamp is not a date' }, { messageId: 'poison-unrecorded', step: 'collect', reason: ' ' }],
  }, [])
  assert.equal(result.valid, false)
  assert.deepEqual(result.lost, ['lost'])
  assert.deepEqual(result.duplicated, ['twice stored 2 times'])
  assert.deepEqual(result.unstored, ['never-acked', 'good-rejected'])
  assert.deepEqual(result.stray, ['poison-stored (plan-violation) is poison, yet stored', 'from-nowhere was never sent'])
  assert.deepEqual(result.unrecorded, ['poison-unrecorded (feb-30)'], 'a record without a reason does not count')
  assert.deepEqual(result.wronglyRejected, ['good-rejected: timestamp is not a date'])
})
