import assert from 'node:assert/strict'
import { test } from 'node:test'
import { unstorableReason } from '../../src/collector/storable-value.ts'

test('unstorableReason should name the path of a value no store can hold', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ properties: { name: 'a\uD800b' } }, /properties.name holds a lone UTF-16 surrogate/],
    [{ properties: { name: 'end\uDC00' } }, /lone UTF-16 surrogate/],
    [{ properties: { ['key\uD83D']: 1 } }, /a key in properties holds a lone UTF-16 surrogate/],
    [{ traits: { list: ['ok', 'x\u0000y'] } }, /traits.list.1 holds a NUL character/],
    [{ properties: { n: JSON.parse('1e400') as number } }, /properties.n is a number too large to store/],
    [{ properties: { n: -Infinity } }, /too large/],
    [JSON.parse('{"a":'.repeat(33) + '1' + '}'.repeat(33)) as unknown, /nested deeper than 32 levels/],
    [JSON.parse('['.repeat(50_000) + ']'.repeat(50_000)) as unknown, /nested deeper than 32 levels/],
  ]
  for (const [value, reason] of cases) assert.match(unstorableReason(value) ?? '(nothing found)', reason)
})

test('unstorableReason should accept well-formed text, emoji pairs and ordinary numbers', () => {
  assert.equal(unstorableReason({ s: 'żółw 🐢 \uD83D\uDE00', n: 1e308, z: -0, list: [1, 'a', null, true], nested: JSON.parse('{"a":'.repeat(31) + '1' + '}'.repeat(31)) as unknown }), undefined)
})
