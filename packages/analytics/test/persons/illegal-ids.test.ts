import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isIllegalId } from '../../src/persons/illegal-ids.ts'

test('isIllegalId should refuse generic ids in any casing, quoted or not, and blank ones', () => {
  for (const id of ['anonymous', 'Guest', 'DISTINCT_ID', 'undefined', '"null"', "'NaN'", '[object Object]', 'None', '0', '', '   ', 'true', 'False', 'email', 'id']) {
    assert.equal(isIllegalId(id), true, JSON.stringify(id))
  }
})

test('isIllegalId should keep case-sensitive ones case-sensitive and pass real ids', () => {
  for (const id of ['nan', 'NULLABLE', 'user-0', '00', 'anonymous-42', 'alice@example.com', '7f9c2ba4-e88f-11ec-8ea0-0242ac120002']) {
    assert.equal(isIllegalId(id), false, JSON.stringify(id))
  }
})
