import assert from 'node:assert/strict'
import { test } from 'node:test'
import { randomKafkaUuid } from '../src/kafka-uuid.ts'

test('randomKafkaUuid should give 22 characters of URL-safe base64', () => {
  for (let i = 0; i < 200; i++) assert.match(randomKafkaUuid(), /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
})

test('randomKafkaUuid should never start with "-", which kafka-storage would take for a flag', () => {
  // 0xf8 makes base64 start with "-"; then the reserved zero id; then a good one.
  const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0), Buffer.alloc(16, 0x41)]
  assert.equal(randomKafkaUuid(() => draws.shift() as Buffer), Buffer.alloc(16, 0x41).toString('base64url'))
  assert.equal(draws.length, 0, 'both bad draws were skipped')
})
