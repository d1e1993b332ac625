import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PipelineError, PipelineErrorCodes } from '../../src/errors.ts'
import { untilStored } from '../../src/processors/until-stored.ts'

const fast = { initialMs: 1, maxMs: 2, multiplier: 2, jitter: 0 }

test('untilStored should try a write again while the store refuses it, and return once it takes', async () => {
  let calls = 0
  const retries: number[] = []
  const result = await untilStored(async () => {
    if (++calls < 4) throw new PipelineError(PipelineErrorCodes.STORE_FAILED, 'database is down')
    return 'stored'
  }, new AbortController().signal, (_error, attempt) => retries.push(attempt), fast)
  assert.equal(result, 'stored')
  assert.deepEqual(retries, [1, 2, 3])
})

test('untilStored should let other errors through at once, and stop trying when closing', async () => {
  await assert.rejects(untilStored(async () => { throw new Error('a bug') }, new AbortController().signal, undefined, fast), /a bug/)
  const closing = new AbortController()
  let calls = 0
  const attempt = untilStored(async () => {
    if (++calls === 2) closing.abort()
    throw new PipelineError(PipelineErrorCodes.STORE_FAILED, 'still down')
  }, closing.signal, undefined, fast)
  await assert.rejects(attempt, /still down/)
  assert.equal(calls, 2)
})
