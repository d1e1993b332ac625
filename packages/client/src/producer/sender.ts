// Moves closed batches to their leaders: per broker up to five requests in flight, each carrying
// at most one batch of every partition that broker leads, so a slow broker slows only its own
// partitions. What each answer means for a partition's numbers is PartitionSequences' job; this
// file turns wire answers into verdicts, keeps leaders current and the producer id at hand.
// References: Java's Sender.sendProducerData / completeBatch, librdkafka's rdkafka_broker.c.
import { ProtocolError, protocolErrorsCodesById } from '@platformatic/kafka'
import { errorChain } from '../errors.ts'
import { backoffMs, type BackoffOptions } from '../retry.ts'
import { connectionRefusal } from '../security.ts'
import { PartitionSequences, type Batch, type Settlement, type Verdict } from './partition-sequences.ts'
import type { PartitionAnswer, ProduceTransport, ProducerIdentity, WireRecord } from './wire-transport.ts'

export interface SenderOptions {
  idempotent: boolean
  lingerMs: number
  /** A partition's batch closes at this many bytes. */
  batchBytes: number
  backoff: BackoffOptions
}

export interface SenderEvents<R extends WireRecord> {
  acked (records: R[], topic: string, partition: number, baseOffset: bigint): void
  /** `written` false: surely not stored; undefined: nobody can tell. `error` undefined: the deadline passed. */
  failed (records: R[], topic: string, partition: number, error: Error | undefined, written: false | undefined): void
  /** A request is tried again after `error`. */
  retried (error: unknown): void
  /** The producer id could not be had or the leaders not read; the sender retries after a backoff. */
  stalled (error: unknown): void
}

/** A broker's requests in flight: five, like max.in.flight.requests.per.connection. */
const MAX_REQUESTS_PER_BROKER = 5
/** A request stays well under the broker's socket.request.max.bytes (100 MiB). */
const MAX_REQUEST_BYTES = 8 * 1024 * 1024
const DUPLICATE_SEQUENCE_NUMBER = 46
/** The partition's producer state does not match: not written. */
const SEQUENCE_ERRORS = new Set(['OUT_OF_ORDER_SEQUENCE_NUMBER', 'UNKNOWN_PRODUCER_ID', 'INVALID_PRODUCER_EPOCH'])
const MAX_EPOCH = 32_767

/** The broker's producer state for the partition did not match the batch's numbers. */
export function isSequenceError (error: unknown): boolean {
  return errorChain(error).some(e => SEQUENCE_ERRORS.has(e.apiId as string))
}

/** What a partition's answer means, by the wire library's facts about its error code. */
export function verdictOf (answer: PartitionAnswer): Verdict & { stale?: boolean } {
  if (answer.errorCode === 0) return { kind: 'acked', baseOffset: answer.baseOffset }
  // One of the broker's older batches: written, its offset no longer known (Java does the same).
  if (answer.errorCode === DUPLICATE_SEQUENCE_NUMBER) return { kind: 'acked', baseOffset: -1n }
  if (protocolErrorsCodesById[answer.errorCode] === undefined) return { kind: 'open', error: new Error(answer.errorMessage ?? `Kafka error ${answer.errorCode}`) }
  const error = new ProtocolError(answer.errorCode, answer.errorMessage)
  if (SEQUENCE_ERRORS.has(error.apiId as string)) return { kind: 'sequence', error }
  if (error.canRetry) return { kind: 'open', error, stale: error.hasStaleMetadata === true }
  return { kind: 'rejected', error }
}

/** What a request that got no answer at all means for each of its batches. */
export function verdictOfRequestFailure (error: unknown): Verdict {
  // Refused credentials or TLS, a broker too old: retrying cannot help, and nothing was written.
  if (connectionRefusal(error) || errorChain(error).some(e => e.code === 'PLT_KFK_USER')) return { kind: 'rejected', error: error as Error }
  return { kind: 'open', error: error as Error }
}

export class Sender<R extends WireRecord> {
  readonly #transport: ProduceTransport
  readonly #options: SenderOptions
  readonly #events: SenderEvents<R>
  readonly #partitions = new Map<string, PartitionSequences<R>>()
  readonly #byTopic = new Map<string, Array<PartitionSequences<R>>>()
  readonly #leaders = new Map<string, number[]>()
  readonly #leadersReadAt = new Map<string, number>()
  #refreshing: Promise<void> | undefined
  #staleLeaders = false
  readonly #requests = new Map<number, number>()
  #identity: ProducerIdentity | undefined
  #fetchingIdentity: Promise<void> | undefined
  #identityRetryAt = 0
  #identityAttempts = 0
  #timer: NodeJS.Timeout | undefined
  #timerAt = Infinity
  #flushing = 0
  #pumpScheduled = false
  #closed = false
  readonly #settlement: Settlement<R>

  constructor (transport: ProduceTransport, options: SenderOptions, events: SenderEvents<R>) {
    this.#transport = transport
    this.#options = options
    this.#events = events
    this.#settlement = {
      acked: (batch, offset) => events.acked(batch.records, batch.topic, batch.partition, offset),
      failed: (batch, error, written) => events.failed(batch.records, batch.topic, batch.partition, error, written),
    }
  }

  /** A topic's partition count, from its leaders as last read (read now when older than maxAgeMs). */
  async partitionCount (topic: string, maxAgeMs: number): Promise<number> {
    const at = this.#leadersReadAt.get(topic)
    if (at === undefined || Date.now() - at > maxAgeMs) this.#learn(await this.#transport.leaders([topic], true))
    return (this.#leaders.get(topic) as number[]).length
  }

  /** The partition count when read within maxAgeMs, else undefined: the fast path needs no promise. */
  knownPartitionCount (topic: string, maxAgeMs: number): number | undefined {
    const at = this.#leadersReadAt.get(topic)
    return at !== undefined && Date.now() - at <= maxAgeMs ? this.#leaders.get(topic)?.length : undefined
  }

  #learn (leaders: Map<string, number[]>): void {
    const now = Date.now()
    for (const [topic, list] of leaders) {
      this.#leaders.set(topic, list)
      this.#leadersReadAt.set(topic, now)
    }
  }

  add (topic: string, partition: number, record: R, bytes: number, deadline: number): void {
    const key = `${topic}\0${partition}`
    let state = this.#partitions.get(key)
    if (!state) {
      state = new PartitionSequences<R>(topic, partition, this.#settlement, this.#options.idempotent)
      this.#partitions.set(key, state)
      const list = this.#byTopic.get(topic) ?? []
      list.push(state)
      this.#byTopic.set(topic, list)
    }
    const now = Date.now()
    if (state.openBytes > 0 && state.openBytes + bytes > this.#options.batchBytes) state.close()
    state.append(record, bytes, deadline, now)
    if (state.openBytes >= this.#options.batchBytes) {
      state.close()
      this.#pumpSoon()
    } else if (this.#options.lingerMs === 0 || this.#flushing > 0) {
      this.#pumpSoon()
    } else {
      this.#wakeAt(now + this.#options.lingerMs)
    }
  }

  /** After the records handed over in this turn of the event loop: they share batches. */
  #pumpSoon (): void {
    if (this.#pumpScheduled) return
    this.#pumpScheduled = true
    setImmediate(() => {
      this.#pumpScheduled = false
      this.#pump()
    })
  }

  /** Sends lingering records at once until the returned function is called. */
  hurry (): () => void {
    this.#flushing++
    this.#pumpSoon()
    let done = false
    return () => {
      if (!done) this.#flushing--
      done = true
    }
  }

  /** Every batch the sender holds, taken out, for a producer that gives up; a late answer for one is ignored. */
  drop (): Array<Batch<R>> {
    this.#closed = true
    clearTimeout(this.#timer)
    return [...this.#partitions.values()].flatMap(state => state.drop())
  }

  #wakeAt (at: number): void {
    if (this.#closed || at >= this.#timerAt) return
    clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = setTimeout(() => {
      this.#timerAt = Infinity
      this.#timer = undefined
      this.#pump()
    }, Math.max(0, at - Date.now()))
  }

  #pump (): void {
    if (this.#closed) return
    const now = Date.now()
    let wake = Infinity
    const byBroker = new Map<number, Array<PartitionSequences<R>>>()
    for (const state of this.#partitions.values()) {
      state.expire(now)
      wake = Math.min(wake, state.earliestDeadline())
      if (state.needsBump) this.#bump(state)
      if (state.idle) continue
      const leader = this.#leaders.get(state.topic)?.[state.partition] ?? -1
      if (leader < 0) {
        this.#refreshLeaders()
        continue
      }
      // Lingered long enough, and a request could carry it now. While its broker is busy, records
      // keep joining the open batch: a broker works through one connection's requests one at a
      // time, so many small batches would only queue there.
      if (state.open.length > 0 && state.takesNew && (this.#requests.get(leader) ?? 0) < MAX_REQUESTS_PER_BROKER) {
        if (this.#flushing > 0 || now - state.openSince >= this.#options.lingerMs) state.close()
        else wake = Math.min(wake, state.openSince + this.#options.lingerMs)
      }
      if (state.queued.length === 0 && !state.recovering && !state.gap) continue
      if ((state.recovering || state.gap) && state.retryAt > now) wake = Math.min(wake, state.retryAt)
      const list = byBroker.get(leader) ?? []
      list.push(state)
      byBroker.set(leader, list)
    }
    if (this.#options.idempotent && !this.#identity && byBroker.size > 0) {
      this.#fetchIdentity()
      if (!this.#identity) return
    }
    for (const [broker, states] of byBroker) {
      while ((this.#requests.get(broker) ?? 0) < MAX_REQUESTS_PER_BROKER) {
        const batches: Array<Batch<R>> = []
        let bytes = 0
        for (const state of states) {
          if (bytes >= MAX_REQUEST_BYTES) break
          const batch = state.next(now, this.#identity)
          if (batch) {
            batches.push(batch)
            bytes += batch.bytes
          }
        }
        if (batches.length === 0) break
        this.#send(broker, batches)
      }
    }
    if (wake < Infinity) this.#wakeAt(wake)
  }

  #send (broker: number, batches: Array<Batch<R>>): void {
    this.#requests.set(broker, (this.#requests.get(broker) ?? 0) + 1)
    this.#transport.produce(broker, batches).then(
      answers => batches.map((_, i) => verdictOf(answers[i] as PartitionAnswer)),
      (error: unknown) => batches.map(() => ({ ...verdictOfRequestFailure(error), stale: true })),
    ).then(verdicts => {
      this.#requests.set(broker, (this.#requests.get(broker) ?? 1) - 1)
      const now = Date.now()
      let retried: unknown
      for (const [i, batch] of batches.entries()) {
        const verdict = verdicts[i] as Verdict & { stale?: boolean }
        if (verdict.kind !== 'acked' && verdict.kind !== 'rejected') retried = verdict.error
        if (verdict.stale) this.#staleLeaders = true
        const state = this.#partitions.get(`${batch.topic}\0${batch.partition}`)
        state?.answer(batch, verdict, now, backoffMs(batch.attempts, this.#options.backoff))
      }
      if (retried !== undefined) this.#events.retried(retried)
      if (this.#staleLeaders) this.#refreshLeaders()
      this.#pump()
    })
  }

  /** A new epoch for one partition (KIP-360 lets an idempotent producer bump its own); a new producer id when epochs run out. */
  #bump (state: PartitionSequences<R>): void {
    const current = state.identity ?? this.#identity
    if (current && current.epoch < MAX_EPOCH) {
      state.bump({ producerId: current.producerId, epoch: current.epoch + 1 })
      return
    }
    if (current === this.#identity) this.#identity = undefined
    if (this.#identity) state.bump(this.#identity)
    else this.#fetchIdentity()
  }

  #fetchIdentity (): void {
    if (this.#fetchingIdentity || Date.now() < this.#identityRetryAt) return
    this.#fetchingIdentity = this.#transport.initProducerId().then(identity => {
      this.#identity = identity
      this.#identityAttempts = 0
    }, (error: unknown) => {
      this.#identityRetryAt = Date.now() + backoffMs(++this.#identityAttempts, this.#options.backoff)
      this.#wakeAt(this.#identityRetryAt)
      this.#events.stalled(error)
    }).finally(() => {
      this.#fetchingIdentity = undefined
      this.#pump()
    })
  }

  #refreshLeaders (): void {
    if (this.#refreshing || this.#closed) return
    this.#staleLeaders = false
    const topics = [...this.#byTopic.keys()]
    this.#refreshing = this.#transport.leaders(topics, true).then(leaders => this.#learn(leaders), (error: unknown) => {
      this.#events.stalled(error)
      // No broker answered: ask again after a pause rather than in a tight loop.
      return new Promise<void>(resolve => setTimeout(resolve, this.#options.backoff.initialMs).unref())
    }).finally(() => {
      this.#refreshing = undefined
      this.#pump()
    })
  }
}
