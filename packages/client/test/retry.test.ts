import assert from 'node:assert/strict'
import { test } from 'node:test'
import { backoffMs, retriesWithin, retry } from '../src/retry.ts'

const options = { initialMs: 100, maxMs: 1000, multiplier: 2, jitter: 0.2 }

test('backoffMs should double from initialMs and stop at maxMs', () => {
  const middle = () => 0.5
  assert.deepEqual([1, 2, 3, 4, 5, 6].map(a => backoffMs(a, options, middle)), [100, 200, 400, 800, 1000, 1000])
})

test('backoffMs should spread each delay by ±jitter', () => {
  assert.equal(backoffMs(3, options, () => 0), 320)
  assert.equal(backoffMs(3, options, () => 0.999999), 480)
  const seen = new Set(Array.from({ length: 200 }, () => backoffMs(3, options)))
  assert.ok(seen.size > 20, 'random draws differ')
  for (const delay of seen) assert.ok(delay >= 320 && delay <= 480)
})

test('retriesWithin should count the retries that fit a time budget at the shortest delays', () => {
  // 80 + 160 + 320 + 640 + 800 = 2000
  assert.equal(retriesWithin(2000, options), 5)
  assert.equal(retriesWithin(2001, options), 6)
  assert.equal(retriesWithin(1, options), 1)
})

const fast = { initialMs: 1, maxMs: 2, multiplier: 2, jitter: 0 }

test('retry should try again on a retriable failure and return the first success', async () => {
  const attempts: number[] = []
  const value = await retry(async attempt => { attempts.push(attempt); if (attempt < 3) throw new Error('busy'); return 'done' }, { attempts: 5, backoff: fast, canRetry: () => true })
  assert.equal(value, 'done')
  assert.deepEqual(attempts, [1, 2, 3])
})

test('retry should throw a failure canRetry refuses without trying again', async () => {
  let calls = 0
  await assert.rejects(retry(async () => { calls++; throw new Error('definite') }, { attempts: 5, backoff: fast, canRetry: e => (e as Error).message !== 'definite' }), /definite/)
  assert.equal(calls, 1)
})

test('retry should throw the last failure when attempts run out', async () => {
  let calls = 0
  await assert.rejects(retry(async () => { calls++; throw new Error(`try ${calls}`) }, { attempts: 3, backoff: fast, canRetry: () => true }), /try 3/)
  assert.equal(calls, 3)
})

test('retry should stop waiting when its signal aborts', async () => {
  const controller = new AbortController()
  let calls = 0
  const started = Date.now()
  const run = retry(async () => { calls++; throw new Error('busy') }, { attempts: 10, backoff: { initialMs: 60_000, maxMs: 60_000, multiplier: 1, jitter: 0 }, signal: controller.signal, canRetry: () => true })
  setTimeout(() => controller.abort(), 20)
  await assert.rejects(run, /busy/)
  assert.equal(calls, 1)
  assert.ok(Date.now() - started < 5_000)
})

test('retry should wait as delayMs says, tell onRetry of each retry, and try without end when attempts is Infinity', async () => {
  const told: Array<[number, number]> = []
  let calls = 0
  const started = Date.now()
  const result = await retry(async () => {
    if (++calls < 4) throw new Error(calls === 2 ? 'wait 60 ms' : 'busy')
    return calls
  }, {
    attempts: Infinity,
    backoff: { initialMs: 1, maxMs: 1, multiplier: 1, jitter: 0 },
    canRetry: () => true,
    delayMs: error => (error as Error).message === 'wait 60 ms' ? 60 : undefined,
    onRetry: (_error, attempt, waitMs) => told.push([attempt, waitMs]),
  })
  assert.equal(result, 4)
  assert.deepEqual(told, [[1, 1], [2, 60], [3, 1]])
  assert.ok(Date.now() - started >= 60, 'the 60 ms asked for was waited')
})

test('retry should give up with the last failure rather than start a try past deadlineMs', async () => {
  let calls = 0
  const started = Date.now()
  await assert.rejects(retry(async () => { throw new Error(`try ${++calls}`) }, {
    attempts: Infinity,
    backoff: { initialMs: 40, maxMs: 40, multiplier: 1, jitter: 0 },
    deadlineMs: 100,
    canRetry: () => true,
  }), /^Error: try 3$/)
  assert.equal(calls, 3, 'tries at 0, 40 and 80 ms; the one at 120 ms would start past the deadline')
  assert.ok(Date.now() - started < 120)
})
