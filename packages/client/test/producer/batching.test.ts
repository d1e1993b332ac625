import assert from 'node:assert/strict'
import { test } from 'node:test'
import { countFitting } from '../../src/producer/batching.ts'

test('countFitting should take items from the front while they fit, and always at least one', () => {
  const size = (n: number) => n
  assert.equal(countFitting([3, 3, 3, 3], 9, size), 3)
  assert.equal(countFitting([3, 3, 3, 3], 8, size), 2)
  assert.equal(countFitting([20, 1], 9, size), 1, 'an item larger than the limit still goes, alone')
  assert.equal(countFitting([], 9, size), 0)
})
