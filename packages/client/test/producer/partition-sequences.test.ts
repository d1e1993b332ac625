import assert from 'node:assert/strict'
import { test } from 'node:test'
import { MAX_IN_FLIGHT_PER_PARTITION, PartitionSequences, STATE_PROVEN_MS, type Batch } from '../../src/producer/partition-sequences.ts'
import type { WireRecord } from '../../src/producer/wire-transport.ts'

const identity = { producerId: 7n, epoch: 0 }

function partition (): { state: PartitionSequences<WireRecord>, acked: number[], failed: number[] } {
  const acked: number[] = []
  const failed: number[] = []
  const state = new PartitionSequences<WireRecord>('t', 0, {
    acked: batch => acked.push(batch.sequence),
    failed: batch => failed.push(batch.sequence),
  }, true)
  return { state, acked, failed }
}

/** Closes `n` one-record batches into the queue. */
function queue (state: PartitionSequences<WireRecord>, n: number, now: number): void {
  for (let i = 0; i < n; i++) {
    state.append({ key: undefined, value: Buffer.from(String(i)), headers: {}, timestamp: 0n }, 1, now + 60_000, now)
    state.close()
  }
}

function sendAll (state: PartitionSequences<WireRecord>, now: number): Array<Batch<WireRecord>> {
  const sent: Array<Batch<WireRecord>> = []
  for (let batch = state.next(now, identity); batch; batch = state.next(now, identity)) sent.push(batch)
  return sent
}

test('a partition should send its first batch alone, then pipeline five once a batch is acknowledged', () => {
  const { state, acked } = partition()
  queue(state, 8, 0)
  const first = sendAll(state, 0)
  assert.deepEqual(first.map(b => b.sequence), [0], 'the partition may hold no state for the producer id yet')
  assert.equal(state.takesNew, false)
  state.answer(first[0] as Batch<WireRecord>, { kind: 'acked', baseOffset: 0n }, 1, 10)
  assert.deepEqual(sendAll(state, 1).map(b => b.sequence), [1, 2, 3, 4, 5])
  assert.equal(state.numbered.length, MAX_IN_FLIGHT_PER_PARTITION)
  assert.deepEqual(acked, [0])
})

test('a first batch that failed retriably should be resent before anything behind it goes out', () => {
  const { state } = partition()
  queue(state, 3, 0)
  const [first] = sendAll(state, 0)
  state.answer(first as Batch<WireRecord>, { kind: 'open', error: new Error('NOT_ENOUGH_REPLICAS') }, 1, 10)
  assert.equal(state.next(5, identity), undefined, 'backing off')
  const again = sendAll(state, 11)
  assert.deepEqual(again.map(b => [b.sequence, b.attempts]), [[0, 2]], 'the same numbers, still alone')
})

test('a partition quiet for longer than its state is proven should send its next batch alone again', () => {
  const { state } = partition()
  queue(state, 1, 0)
  const [first] = sendAll(state, 0)
  state.answer(first as Batch<WireRecord>, { kind: 'acked', baseOffset: 0n }, 1, 10)
  queue(state, 3, 2)
  const soon = sendAll(state, 2)
  assert.deepEqual(soon.map(b => b.sequence), [1, 2, 3], 'a recent acknowledgement proves the state is kept')
  for (const batch of soon) state.answer(batch, { kind: 'acked', baseOffset: BigInt(batch.sequence) }, 3, 10)
  const later = 3 + STATE_PROVEN_MS + 1
  queue(state, 3, later)
  assert.deepEqual(sendAll(state, later).map(b => b.sequence), [4], 'the broker may have expired the producer meanwhile')
})

test('a new epoch should start again with one batch alone, numbered from 0', () => {
  const { state } = partition()
  queue(state, 1, 0)
  const [first] = sendAll(state, 0)
  state.answer(first as Batch<WireRecord>, { kind: 'acked', baseOffset: 0n }, 1, 10)
  state.bump({ producerId: 7n, epoch: 1 })
  queue(state, 2, 2)
  assert.deepEqual(sendAll(state, 2).map(b => [b.epoch, b.sequence]), [[1, 0]])
})
