import assert from 'node:assert/strict'
import { test } from 'node:test'
import Type from 'typebox'
import { defineTopic } from '../../src/topics/define-topic.ts'

const Event = Type.Object({
  messageId: Type.String({ minLength: 1 }),
  userId: Type.String(),
  properties: Type.Object({ amount: Type.Number({ minimum: 0 }) }),
})

const events = defineTopic<Type.Static<typeof Event>>({ name: 'events', schema: Event, key: e => e.userId })

test('defineTopic should pass a valid value through and key it', () => {
  const value = { messageId: 'm1', userId: 'u1', properties: { amount: 3 } }
  assert.deepEqual(events.validate(value), value)
  assert.equal(events.key(value), 'u1')
  assert.deepEqual(events.serde.deserialize(events.serde.serialize(value)), value)
  assert.equal(events.partitions, 6)
})

test('defineTopic should reject an invalid value naming every failing path', () => {
  assert.throws(() => events.validate({ messageId: '', userId: 7, properties: { amount: -1 } }), (error: Error & { code?: string, paths?: string[], topic?: string }) => {
    assert.equal(error.code, 'TACKLE_CLIENT_INVALID_VALUE')
    assert.equal(error.topic, 'events')
    assert.deepEqual(error.paths?.sort(), ['/messageId', '/properties/amount', '/userId'])
    assert.match(error.message, /invalid value for topic "events": .*\/messageId/)
    return true
  })
  assert.throws(() => events.validate(undefined), /invalid value for topic "events": \/ /)
})

test('defineTopic should refuse names Kafka would refuse', () => {
  for (const name of ['', 'has space', '..', 'x'.repeat(250)]) {
    assert.throws(() => defineTopic({ name, schema: Event }), /is not valid/)
  }
})
