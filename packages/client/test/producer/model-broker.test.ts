// The producer against a model broker (fixtures/model-broker.ts), many seeded runs with faults:
// every record settles exactly once; an acknowledged record is in the log once, where it was
// said to be; a record failed as not written is not in the log; nothing is duplicated or
// reordered. Five batches of a partition do go out at once.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Registry } from 'prom-client'
import Type from 'typebox'
import { TackleProducer, type RecordMetadata } from '../../src/producer/producer.ts'
import { defineTopic } from '../../src/topics/define-topic.ts'
import { checkSequences, type AckedRecord } from '../../src/testkit/sequence-checker.ts'
import { ClientError } from '../../src/errors.ts'
import { ModelBroker, seeded, type Faults } from './fixtures/model-broker.ts'

const topic = defineTopic<string>({ name: 'model', schema: Type.String(), key: v => v.split(':')[0], serde: { contentType: 'text/plain', serialize: v => Buffer.from(v), deserialize: b => b.toString() } })

const calm: Faults = { dropRequest: 0, dropResponse: 0, disconnect: 0, moveLeader: 0, notEnoughReplicas: 0, maxDelayMs: 2 }

interface Run { model: ModelBroker, acked: AckedRecord[], notWritten: string[], unknown: string[], settlements: number }

async function run (seed: number, faults: Faults, records = 600, deliveryTimeoutMs = 3_000): Promise<Run> {
  const model = new ModelBroker('model', 4, seed, faults)
  const registry = new Registry()
  const producer = new TackleProducer({
    bootstrapBrokers: ['model:9092'], registry, lingerMs: 1, batchBytes: 300, deliveryTimeoutMs,
    backoff: { initialMs: 2, maxMs: 30, multiplier: 2, jitter: 0.2 }, logger: (await import('pino')).pino({ level: 'silent' }),
  }, { transport: model })
  const random = seeded(seed ^ 0x5eed)
  const outcomes: Array<Promise<{ value: string, at?: RecordMetadata, error?: ClientError }>> = []
  for (let i = 0; i < records; i++) {
    const value = `k${Math.floor(random() * 6)}:${i}`
    outcomes.push(producer.send(topic, value).then(at => ({ value, at }), (error: ClientError) => ({ value, error })))
    // Hand records over in bursts, so batches form and pipelines fill.
    if (random() < 0.05) await new Promise(resolve => setTimeout(resolve, 1))
  }
  const settled = await Promise.all(outcomes)
  // One more, to a producer gone quiet after the faults, whose state the broker expired meanwhile:
  // it must go out (not linger to its deadline) and be taken.
  model.expireProducers()
  const last = `k0:${records}`
  settled.push(await producer.send(topic, last).then(at => ({ value: last, at }), (error: ClientError) => ({ value: last, error })))
  await producer.close({ timeoutMs: 1000 })
  const counter = async (name: string) => (await registry.getSingleMetric(name)?.get())?.values.reduce((n, v) => n + v.value, 0) ?? 0
  return {
    model,
    acked: settled.flatMap(s => s.at ? [{ value: s.value, partition: s.at.partition, offset: s.at.offset }] : []),
    notWritten: settled.flatMap(s => s.error && !s.error.indeterminate ? [s.value] : []),
    unknown: settled.flatMap(s => s.error?.indeterminate ? [s.value] : []),
    settlements: await counter('tackle_producer_records_acked_total') + await counter('tackle_producer_records_failed_total'),
  }
}

function check (seed: number, result: Run, records: number): void {
  const { model, acked, notWritten, settlements } = result
  const read = model.logs.flatMap((log, partition) => log.map((value, offset) => ({ value, partition, offset: BigInt(offset) })))
  const report = checkSequences(acked.filter(a => a.offset >= 0n), read)
  assert.equal(settlements, records + 1, `seed ${seed}: every record settles exactly once`)
  assert.deepEqual({ lost: report.lost, duplicated: report.duplicated, reordered: report.reordered, inconsistent: report.inconsistent }, { lost: [], duplicated: [], reordered: [], inconsistent: [] }, `seed ${seed}`)
  const stored = new Set(read.map(r => r.value))
  for (const a of acked) assert.ok(stored.has(a.value), `seed ${seed}: acknowledged ${a.value} is in the log`)
  for (const value of notWritten) assert.ok(!stored.has(value), `seed ${seed}: ${value} was failed as not written, yet it is in the log`)
}

test('the producer against a calm model broker should deliver everything, five batches of a partition in flight', async () => {
  // Answers slow enough that the records handed over meanwhile fill the pipeline.
  const result = await run(1, { ...calm, maxDelayMs: 6 }, 2000)
  check(1, result, 2000)
  assert.equal(result.acked.length, 2001)
  assert.equal(result.model.maxInFlight, 5, 'up to five batches of one partition at once, never more')
})

test('the producer against a faulty model broker should lose, duplicate and reorder nothing, over many seeded runs', async () => {
  const faults: Faults = { dropRequest: 0.04, dropResponse: 0.04, disconnect: 0.02, moveLeader: 0.03, notEnoughReplicas: 0.05, maxDelayMs: 3 }
  for (let seed = 1; seed <= 25; seed++) {
    const result = await run(seed, faults)
    check(seed, result, 600)
    // Every fault is retriable and the deadline generous: a record that fails waited on a stalled partition.
    assert.deepEqual({ notWritten: result.notWritten, unknown: result.unknown }, { notWritten: [], unknown: [] }, `seed ${seed}: every record acknowledged`)
    assert.ok(result.model.maxInFlight <= 5, `seed ${seed}: at most five batches of a partition in flight`)
  }
})

test('the producer against a model broker that drops every answer should fail records as unknown at the deadline, never as not written', async () => {
  const result = await run(7, { ...calm, dropResponse: 1 }, 50, 1000)
  check(7, result, 50)
  const { acked, unknown, notWritten } = result
  assert.equal(acked.length, 0)
  // A batch that was sent is written, but no answer said so: indeterminate. One still queued
  // behind it at the deadline was never sent: not written (check() saw it is not in the log).
  assert.ok(unknown.length > 0, 'the batches sent are indeterminate')
  assert.equal(unknown.length + notWritten.length, 51)
  assert.equal(result.model.logs.flat().length, unknown.length, 'each sent batch written once, although it was sent again and again')
})
