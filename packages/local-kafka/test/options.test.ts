import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LocalKafkaErrorCodes } from '../src/errors.ts'
import { resolveLocalClusterOptions, validateNodeCount } from '../src/options.ts'

test('resolveLocalClusterOptions should merge over the defaults, resolve paths and freeze the result', () => {
  const options = resolveLocalClusterOptions({ dir: 'relative/dir', heapMb: 256 })
  assert.equal(options.dir, `${process.cwd()}/relative/dir`)
  assert.equal(options.heapMb, 256)
  assert.equal(options.startTimeoutMs, 180_000)
  assert.ok(Object.isFrozen(options))
  assert.ok(Object.isFrozen(options.brokerConfig))
  assert.equal(resolveLocalClusterOptions({ heapMb: undefined }).heapMb, 512, 'undefined means the default')
})

test('resolveLocalClusterOptions should name the option that is wrong', () => {
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ heapMb: 64 }, /heapMb must be from 128/],
    [{ portBase: 80 }, /portBase must be from 1024/],
    [{ startTimeoutMs: 0 }, /startTimeoutMs must be a whole number/],
    [{ brokerConfig: { 'bad key!': 'x' } }, /brokerConfig entry "bad key!"/],
    [{ brokerConfig: { 'log.dirs': '/a\nnode.id=9' } }, /brokerConfig entry "log.dirs"/],
  ]
  for (const [options, message] of cases) {
    assert.throws(() => resolveLocalClusterOptions(options), (error: Error & { code?: string }) => {
      assert.equal(error.code, LocalKafkaErrorCodes.INVALID_OPTIONS)
      assert.match(error.message, message)
      return true
    })
  }
})

test('validateNodeCount should accept 1 to 9 nodes only', () => {
  assert.equal(validateNodeCount(1), 1)
  assert.equal(validateNodeCount(9), 9)
  for (const bad of [0, 10, 2.5, Number.NaN]) assert.throws(() => validateNodeCount(bad), /nodes must be a whole number from 1 to 9/)
})
