import assert from 'node:assert/strict'
import { test } from 'node:test'
import Type from 'typebox'
import { checkSequences, createProducer, createTestTopic, readAll, startSequenceLoad, testBrokers } from '../../src/testkit/index.ts'

test('startSequenceLoad should keep sending until stopped, every ack checkable against a full read', async (t) => {
  const topic = await createTestTopic({ schema: Type.Object({ id: Type.String() }), partitions: 3, key: (v: { id: string }) => v.id.split(':')[0] })
  const producer = await createProducer(t)
  const load = startSequenceLoad(producer, topic, id => ({ id }), { batch: 20, pauseMs: 5 })
  while (load.acked.length < 200) await new Promise(resolve => setTimeout(resolve, 20))
  await load.stop()
  const stoppedAt = load.acked.length
  await new Promise(resolve => setTimeout(resolve, 100))
  assert.equal(load.acked.length, stoppedAt, 'nothing is sent after stop()')
  assert.deepEqual(load.errors, [])
  const read = (await readAll(await testBrokers(), topic.name, { expected: stoppedAt })).map(r => ({ ...r, value: (JSON.parse(r.value) as { id: string }).id }))
  const report = checkSequences(load.acked, read)
  assert.equal(report.valid, true)
  assert.equal(report.read, stoppedAt)
})
