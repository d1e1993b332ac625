// One partition's idempotent-producer state: which batch may be sent next, with which numbers, and
// what an answer means. The rules are those of Java's TransactionManager and RecordAccumulator
// (KIP-98 sequence numbers, KIP-360 epoch bumps) and librdkafka's rdkafka_idempotence.c:
// - a batch gets its producer id, epoch and base sequence once, when first sent, and keeps them:
//   the broker deduplicates only a resend of an identical range among the last five batches;
// - after an answer that leaves a batch's fate open, only the lowest unacknowledged batch is sent,
//   with its own numbers, one at a time, until the partition is clean;
// - a batch the broker definitely did not write is failed (or, when a gap below it explains the
//   refusal, renumbered); once nothing is in flight the epoch is bumped and the batches left are
//   numbered again from 0;
// - a sent batch past its deadline is indeterminate to the caller and never resent with new numbers;
// - a partition that may hold no state for the producer id (its first batch in an epoch, or one
//   after a quiet spell in which the broker may have expired the producer) gets that batch alone
//   until it is acknowledged: such a partition takes a batch at any sequence
//   (ProducerAppendInfo.checkSequence), so the batch behind a first one that failed would be
//   written ahead of it.
import type { ProducerIdentity, WireBatch, WireRecord } from './wire-transport.ts'

export const MAX_IN_FLIGHT_PER_PARTITION = 5

/**
 * An acknowledgement this recent proves the partition keeps the producer's state: Kafka expires it
 * only after producer.id.expiration.ms without a write (a day by default).
 */
export const STATE_PROVEN_MS = 1000

/** Kafka's sequence numbers are int32 and wrap to 0 (DefaultRecordBatch.incrementSequence). */
const SEQUENCE_WRAP = 2 ** 31

export interface Batch<R extends WireRecord> extends WireBatch {
  readonly records: R[]
  readonly bytes: number
  /** The oldest record's deadline, ms since the epoch. */
  readonly deadline: number
  /** Put in a request at least once: from then on its numbers stay. */
  sent: boolean
  /** In a request that has not been answered. */
  outstanding: boolean
  /** Answered without a verdict (a timeout, a stale leader, a gap below it): resent with its numbers. */
  unresolved: boolean
  /** Refused without being written because a batch below it was given up: renumbered after the bump. */
  notWritten: boolean
  attempts: number
}

export type Verdict =
  | { kind: 'acked', baseOffset: bigint }
  /** No verdict: the batch may or may not be written. */
  | { kind: 'open', error: Error }
  /** OUT_OF_ORDER_SEQUENCE_NUMBER, UNKNOWN_PRODUCER_ID, INVALID_PRODUCER_EPOCH. */
  | { kind: 'sequence', error: Error }
  /** Definitely not written and never will be (too large, not authorised). */
  | { kind: 'rejected', error: Error }

export interface Settlement<R extends WireRecord> {
  acked (batch: Batch<R>, baseOffset: bigint): void
  /** `written`: false when the broker surely did not store it, undefined when nobody can tell. */
  failed (batch: Batch<R>, error: Error | undefined, written: false | undefined): void
}

export class PartitionSequences<R extends WireRecord> {
  readonly topic: string
  readonly partition: number
  /** Records not yet closed into a batch. */
  open: R[] = []
  openBytes = 0
  openDeadline = Infinity
  openSince = 0
  /** Closed batches never sent, in order. */
  readonly queued: Array<Batch<R>> = []
  /** Sent and not yet acknowledged or failed, by sequence. */
  readonly numbered: Array<Batch<R>> = []
  identity: ProducerIdentity | undefined
  nextSequence = 0
  /** A sent batch's fate is open: send nothing new until every numbered batch is resolved. */
  recovering = false
  /** A numbered batch was given up or refused: bump the epoch before anything new is numbered. */
  gap = false
  /** The batch in flight may be the first this partition keeps state for: nothing goes beside it. */
  alone = false
  /** When a batch of the current epoch was last acknowledged. */
  ackedAt = -Infinity
  /** No resend before this time (backoff after an open verdict). */
  retryAt = 0
  readonly #settle: Settlement<R>
  readonly #idempotent: boolean

  constructor (topic: string, partition: number, settle: Settlement<R>, idempotent: boolean) {
    this.topic = topic
    this.partition = partition
    this.#settle = settle
    this.#idempotent = idempotent
  }

  append (record: R, bytes: number, deadline: number, now: number): void {
    if (this.open.length === 0) this.openSince = now
    this.open.push(record)
    this.openBytes += bytes
    this.openDeadline = Math.min(this.openDeadline, deadline)
  }

  /** Closes the open records into a batch. */
  close (): void {
    if (this.open.length === 0) return
    this.queued.push({
      topic: this.topic, partition: this.partition, records: this.open, bytes: this.openBytes, deadline: this.openDeadline,
      producerId: -1n, epoch: -1, sequence: -1, encoded: undefined, sent: false, outstanding: false, unresolved: false, notWritten: false, attempts: 0,
    })
    this.open = []
    this.openBytes = 0
    this.openDeadline = Infinity
  }

  get outstanding (): number {
    let n = 0
    for (const b of this.numbered) if (b.outstanding) n++
    return n
  }

  get idle (): boolean {
    return this.open.length === 0 && this.queued.length === 0 && this.numbered.length === 0
  }

  /** Whether a newly closed batch could be sent at once. */
  get takesNew (): boolean {
    return this.queued.length === 0 && !this.recovering && !this.gap && !this.#waitsAlone && this.numbered.length < MAX_IN_FLIGHT_PER_PARTITION
  }

  get #waitsAlone (): boolean {
    return this.alone && this.numbered.length > 0
  }

  /** Everything resolved and a gap left: the epoch must be bumped before anything is numbered. */
  get needsBump (): boolean {
    return this.gap && this.numbered.every(b => b.notWritten)
  }

  /**
   * A new epoch for this partition: sequences restart at 0 and the batches refused for a gap below
   * them go back to the front of the queue, to be numbered again (the broker never wrote them).
   */
  bump (identity: ProducerIdentity): void {
    const refused = this.numbered.splice(0)
    for (const batch of refused) {
      batch.sent = false
      batch.notWritten = false
      batch.unresolved = false
      batch.encoded = undefined
    }
    this.queued.unshift(...refused)
    this.identity = identity
    this.nextSequence = 0
    this.ackedAt = -Infinity
    this.gap = false
    this.recovering = false
  }

  /** The batch to put in the next request to this partition's leader, or undefined. */
  next (now: number, identity: ProducerIdentity | undefined): Batch<R> | undefined {
    if (this.recovering || this.gap) {
      if (now < this.retryAt || this.outstanding > 0) return undefined
      const head = this.numbered.find(b => b.unresolved)
      if (head) {
        head.outstanding = true
        head.attempts++
        return head
      }
      this.recovering = false
      if (this.gap) return undefined
    }
    if (this.numbered.length >= MAX_IN_FLIGHT_PER_PARTITION || this.#waitsAlone) return undefined
    const batch = this.queued.shift()
    if (!batch) return undefined
    if (this.#idempotent) {
      this.identity ??= identity
      if (!this.identity) {
        this.queued.unshift(batch)
        return undefined
      }
      batch.producerId = this.identity.producerId
      batch.epoch = this.identity.epoch
      batch.sequence = this.nextSequence
      this.nextSequence = (this.nextSequence + batch.records.length) % SEQUENCE_WRAP
      this.alone = this.numbered.length === 0 && now - this.ackedAt > STATE_PROVEN_MS
    }
    batch.sent = true
    batch.outstanding = true
    batch.attempts++
    this.numbered.push(batch)
    return batch
  }

  /** Applies the broker's answer (or the lack of one) for a batch this partition sent. */
  answer (batch: Batch<R>, verdict: Verdict, now: number, backoffMs: number): void {
    batch.outstanding = false
    const at = this.numbered.indexOf(batch)
    if (at < 0) return
    switch (verdict.kind) {
      case 'acked':
        this.numbered.splice(at, 1)
        this.alone = false
        this.ackedAt = now
        this.#clean()
        this.#settle.acked(batch, verdict.baseOffset)
        return
      case 'rejected':
        this.numbered.splice(at, 1)
        this.gap = this.#idempotent
        this.#settle.failed(batch, verdict.error, false)
        return
      case 'sequence':
        // Every batch below this one is acknowledged or refused, so the broker lost this producer's
        // state or a batch below was given up. Either way this one is not in the log.
        if (this.numbered.slice(0, at).every(b => b.notWritten)) {
          if (this.gap) {
            batch.notWritten = true
          } else {
            this.numbered.splice(at, 1)
            this.gap = true
            this.#settle.failed(batch, verdict.error, false)
          }
          return
        }
        break
      case 'open':
        break
    }
    // A batch above one whose fate is open: resent with its numbers once the partition is clean.
    batch.unresolved = true
    this.recovering = true
    this.retryAt = Math.max(this.retryAt, now + backoffMs)
  }

  /**
   * Recovery ends as soon as no batch's fate is open: then a record handed over next may be closed
   * into a batch at once (a check that waited for next() left it lingering until its deadline).
   */
  #clean (): void {
    if (this.recovering && !this.numbered.some(b => b.unresolved)) this.recovering = false
  }

  /** Gives up batches past their deadline that are not in a request; returns whether any was. */
  expire (now: number): boolean {
    let expired = false
    while (this.queued.length > 0 && (this.queued[0] as Batch<R>).deadline <= now) {
      this.#settle.failed(this.queued.shift() as Batch<R>, undefined, false)
      expired = true
    }
    if (this.open.length > 0 && this.openDeadline <= now) {
      this.close()
      this.#settle.failed(this.queued.pop() as Batch<R>, undefined, false)
      expired = true
    }
    for (let i = 0; i < this.numbered.length; i++) {
      const batch = this.numbered[i] as Batch<R>
      if (batch.outstanding || batch.deadline > now) continue
      this.numbered.splice(i--, 1)
      // Refused for a gap: surely not written. Otherwise nobody knows, and it is never renumbered.
      this.#settle.failed(batch, undefined, batch.notWritten ? false : undefined)
      this.gap = this.#idempotent
      expired = true
    }
    this.#clean()
    return expired
  }

  /** When expire() next has work: the earliest deadline of a batch not in a request. */
  earliestDeadline (): number {
    let at = Math.min(this.openDeadline, this.queued[0]?.deadline ?? Infinity)
    for (const batch of this.numbered) if (!batch.outstanding) at = Math.min(at, batch.deadline)
    return at
  }

  /** Every batch and open record, for a producer that gives up. */
  drop (): Array<Batch<R>> {
    this.close()
    const all = [...this.numbered.splice(0), ...this.queued.splice(0)]
    return all
  }
}
