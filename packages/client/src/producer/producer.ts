// The safe producer. Every send() resolves only once the cluster acknowledged it (acks=all,
// idempotent), or rejects with a typed error. Records wait in a bounded buffer; one request is in
// flight at a time, so a retried request can never overtake a later one, and @platformatic/kafka's
// own retries (same producer id and sequence numbers, so the broker drops duplicates) do the
// recovering, bounded by deliveryTimeoutMs.
import { randomUUID } from 'node:crypto'
import { Producer, stringSerializer, type MessageToProduce } from '@platformatic/kafka'
import type { Logger } from 'pino'
import { defaultLogger } from '../logger.ts'
import { ClientError, ClientErrorCodes, errorChain, kafkaErrorNames, type ClientErrorCode } from '../errors.ts'
import { producerMetrics, type ProducerMetrics } from '../metrics.ts'
import { backoffMs, retriesWithin } from '../retry.ts'
import type { TopicDefinition } from '../topics/define-topic.ts'
import { connectionRefusal, wireSecurity } from '../security.ts'
import { endSpan, startSendSpan } from '../tracing.ts'
import { defaultSpoolOptions, resolveProducerOptions, type ProducerOptions } from './options.ts'
import { countFitting } from './batching.ts'
import { partitionForKey } from './partitioner.ts'
import { Spool, type SpooledRecord } from './spool.ts'

export interface RecordMetadata {
  topic: string
  /** -1 for a spooled record, whose partition is chosen when it is replayed. */
  partition: number
  offset: bigint
  /** Written to the disk spool while the cluster was unreachable; delivered when it returns. */
  spooled?: true
}

export const EVENT_ID_HEADER = 'tackle-event-id'

export interface SendOptions {
  key?: string
  headers?: Record<string, string>
}

export interface SendManyOptions<T> {
  /** The key of each record; default: the topic definition's key. */
  keyOf?: (value: T) => string | undefined
  /** Headers every record of the call carries. */
  headers?: Record<string, string>
}

export interface CloseReport {
  delivered: number
  /** Records that were still unacknowledged at the deadline, rejected with TACKLE_CLIENT_CLOSED. */
  undelivered: number
}

interface Pending {
  topic: string
  key: Buffer | undefined
  value: Buffer
  headers: Record<string, string>
  bytes: number
  enqueuedAt: number
  resolve (metadata: RecordMetadata): void
  reject (error: ClientError): void
}

interface ProducedOffset {
  topic: string
  partition: number
  offset: bigint
}

type Prepared = Omit<Pending, 'resolve' | 'reject' | 'enqueuedAt'>

type WireProducer = Producer<Buffer, Buffer, string, string>

/** Kafka errors that no retry will fix, and what they mean for the caller. */
const FATAL: Record<string, ClientErrorCode> = {
  MESSAGE_TOO_LARGE: ClientErrorCodes.TOO_LARGE,
  RECORD_LIST_TOO_LARGE: ClientErrorCodes.TOO_LARGE,
  TOPIC_AUTHORIZATION_FAILED: ClientErrorCodes.FATAL,
  CLUSTER_AUTHORIZATION_FAILED: ClientErrorCodes.FATAL,
  INVALID_RECORD: ClientErrorCodes.FATAL,
  INVALID_TOPIC_EXCEPTION: ClientErrorCodes.FATAL,
  UNKNOWN_TOPIC_OR_PARTITION: ClientErrorCodes.FATAL,
  POLICY_VIOLATION: ClientErrorCodes.FATAL,
}

/** Errors that mean the client's idea of a partition's leader is out of date. */
const STALE_LEADER = new Set(['NOT_LEADER_OR_FOLLOWER', 'LEADER_NOT_AVAILABLE', 'FENCED_LEADER_EPOCH', 'UNKNOWN_LEADER_EPOCH', 'REPLICA_NOT_AVAILABLE'])

/** @platformatic/kafka's UserError: the request was wrong (an unknown topic), no retry or spool will help. */
const WIRE_USER_ERROR = 'PLT_KFK_USER'

const PARTITION_COUNT_MAX_AGE_MS = 60_000
const METADATA_RETRIES = 4

export class TackleProducer {
  readonly options: Readonly<ProducerOptions>
  readonly #wire: WireProducer
  readonly #metrics: ProducerMetrics
  readonly #logger: Logger
  #queue: Pending[] = []
  /** Bytes of the records in #queue, kept as they come and go: summing on every send is quadratic. */
  #queuedBytes = 0
  #bufferedBytes = 0
  /** Handed over by send() and neither acknowledged nor failed yet. */
  #unsettled = 0
  /** send() calls waiting for room in a full buffer: handed over, not yet queued. */
  #waitingForRoom = 0
  #roomWaiters: Array<() => void> = []
  #inFlight: Promise<void> | undefined
  #linger: NodeJS.Timeout | undefined
  #partitionCounts = new Map<string, { count: number, at: number }>()
  /** Set by the first close(): from then on no record is taken. */
  #closing: Promise<CloseReport> | undefined
  readonly #spool: Spool | undefined
  /** While true, records go to the spool instead of the cluster, until a replay empties it. */
  #spooling = false
  #probe: NodeJS.Timeout | undefined
  #roundRobin = Math.floor(Math.random() * 1024)
  /** close() gave up waiting: nothing is queued any more. */
  #abandoned = false
  #delivered = 0

  constructor (options: Partial<ProducerOptions> & Pick<ProducerOptions, 'bootstrapBrokers'>) {
    this.options = resolveProducerOptions(options)
    this.#metrics = producerMetrics(this.options.registry)
    this.#logger = (this.options.logger ?? defaultLogger()).child({ component: 'tackle-producer', clientId: this.options.clientId })
    if (this.options.unsafeDisableIdempotence) {
      this.#logger.warn('idempotence is off (unsafeDisableIdempotence): a retried request can store a record twice')
    }
    if (this.options.unsafeAcks !== undefined) {
      this.#logger.warn({ acks: this.options.unsafeAcks }, 'acks is not all (unsafeAcks): an acknowledged record is lost if its leader fails before a follower copies it')
    }
    const idempotent = !this.options.unsafeDisableIdempotence
    this.#wire = new Producer({
      clientId: this.options.clientId,
      bootstrapBrokers: [...this.options.bootstrapBrokers],
      idempotent,
      acks: this.options.unsafeAcks ?? -1,
      compression: this.options.compression,
      timeout: this.options.requestTimeoutMs,
      // Bounded, so that a request that cannot succeed ends within the delivery timeout instead
      // of blocking the records behind it for ever.
      retries: retriesWithin(this.options.deliveryTimeoutMs, this.options.backoff),
      retryDelay: (_client, _operation, attempt, _retries, error) => {
        // Refused credentials or TLS: spend the retries at once, so the send fails fast.
        if (connectionRefusal(error)) return 0
        // @platformatic/kafka 2.12 refreshes metadata between retries only after network errors,
        // so after a leader moved (a broker restarting) every retry went to the old leader until
        // the delivery timeout. Dropping its cache makes the next try ask who leads now.
        if (kafkaErrorNames(error).some(name => STALE_LEADER.has(name))) this.#wire.clearMetadata()
        this.#metrics.retries.inc({ client_id: this.options.clientId })
        return backoffMs(attempt, this.options.backoff)
      },
      autocreateTopics: false,
      ...wireSecurity(this.options.security),
      serializers: { headerKey: stringSerializer as (data?: string) => Buffer, headerValue: stringSerializer as (data?: string) => Buffer },
    })
    if (this.options.closeOnSigterm) process.once('SIGTERM', this.#onSigterm)
    if (this.options.spool) {
      this.#spool = new Spool(this.options.spool.dir)
      // A spool left by an earlier process comes first: nothing is sent before it is looked at.
      this.#inFlight = this.#spool.read().then(left => { if (left.length > 0) this.#startSpooling() }).finally(() => {
        this.#inFlight = undefined
        this.#schedule()
      })
    }
  }

  readonly #onSigterm = (): void => {
    this.close().then(report => {
      this.#logger.info(report, 'closed on SIGTERM')
      // With our listener gone and none other left, SIGTERM ends the process as it would have.
      if (process.listenerCount('SIGTERM') === 0) process.kill(process.pid, 'SIGTERM')
    }, (error: unknown) => this.#logger.error({ err: error }, 'closing on SIGTERM failed'))
  }

  /**
   * Validates, serializes and buffers one record; resolves when the cluster acknowledged it.
   * A record is handed over when send() returns with room in the buffer, so records sent one
   * after another are stored in that order, and close() delivers every one of them.
   */
  send<T> (topic: TopicDefinition<T>, value: T, options: SendOptions = {}): Promise<RecordMetadata> {
    let record: Prepared
    try {
      record = this.#prepare(topic, value, options)
    } catch (error) {
      return Promise.reject(error)
    }
    const span = startSendSpan(topic.name, record.headers)
    const sent = this.#bufferedBytes + record.bytes <= this.options.maxBufferBytes
      ? this.#enqueue(record)
      : this.#awaitRoom(record.bytes, topic.name).then(() => this.#enqueue(record))
    sent.then(at => endSpan(span, undefined, { 'messaging.destination.partition.id': String(at.partition), 'messaging.kafka.offset': Number(at.offset) }), error => endSpan(span, error))
    return sent
  }

  /**
   * Many records of one topic, as one call: every value is validated and serialized before any is
   * buffered (a bad one rejects the call, naming its index, and nothing is sent), then all are
   * handed over in order. Resolves with each record's metadata, in the order given, once every one
   * is acknowledged; rejects with the first failure once every record has settled. One span and
   * one metrics update per call, not per record; the records carry the call's trace context.
   */
  sendMany<T> (topic: TopicDefinition<T>, values: readonly T[], options: SendManyOptions<T> = {}): Promise<RecordMetadata[]> {
    const prepared: Prepared[] = []
    const headers: Record<string, string> = { ...options.headers }
    const span = startSendSpan(topic.name, headers)
    try {
      for (let i = 0; i < values.length; i++) {
        try {
          prepared.push(this.#prepare(topic, values[i] as T, { headers, key: options.keyOf?.(values[i] as T) }))
        } catch (error) {
          if (error instanceof ClientError) throw new ClientError(error.code, `sendMany: value ${i}: ${error.message}`, { topic: topic.name, cause: error, canRetry: error.canRetry, paths: error.paths.map(path => `/${i}${path}`) })
          throw error
        }
      }
    } catch (error) {
      endSpan(span, error)
      return Promise.reject(error)
    }
    if (prepared.length === 0) {
      endSpan(span)
      return Promise.resolve([])
    }
    this.#metrics.sent.inc({ client_id: this.options.clientId, topic: topic.name }, prepared.length)
    const started = performance.now()
    const done = new Promise<RecordMetadata[]>((resolve, reject) => {
      const results = new Array<RecordMetadata>(prepared.length)
      let left = prepared.length
      let failure: ClientError | undefined
      const settle = () => {
        if (--left > 0) return
        if (failure) reject(failure)
        else resolve(results)
      }
      const fail = (error: ClientError) => { failure ??= error; settle() }
      void (async () => {
        for (const [i, record] of prepared.entries()) {
          try {
            if (this.#bufferedBytes + record.bytes > this.options.maxBufferBytes) await this.#awaitRoom(record.bytes, topic.name)
            if (this.#abandoned) throw new ClientError(ClientErrorCodes.CLOSED, 'the producer closed before this record found room in its buffer', { topic: topic.name })
          } catch (error) {
            // Those already handed over are delivered; these never were.
            for (let rest = i; rest < prepared.length; rest++) fail(error as ClientError)
            return
          }
          this.#push(record, metadata => { results[i] = metadata; settle() }, fail)
        }
      })()
    })
    done.then(at => {
      this.#metrics.ackLatency.observe({ client_id: this.options.clientId }, (performance.now() - started) / 1000)
      endSpan(span, undefined, { 'messaging.batch.message_count': at.length })
    }, error => endSpan(span, error))
    return done
  }

  #prepare<T> (topic: TopicDefinition<T>, value: T, options: SendOptions): Prepared {
    if (this.#closing !== undefined) throw new ClientError(ClientErrorCodes.CLOSED, 'the producer is closed', { topic: topic.name })
    const valid = topic.validate(value)
    const payload = topic.serde.serialize(valid)
    const keyText = options.key ?? topic.key(valid)
    const key = keyText === undefined ? undefined : Buffer.from(keyText)
    // A copy: the trace context is added to it, and the caller's object stays as it was.
    const headers: Record<string, string> = { ...options.headers }
    if (this.#spool && headers[EVENT_ID_HEADER] === undefined) headers[EVENT_ID_HEADER] = randomUUID()
    const bytes = payload.length + (key?.length ?? 0) + Object.entries(headers).reduce((n, [k, v]) => n + k.length + v.length, 0)
    if (bytes > this.options.maxRecordBytes) {
      this.#metrics.failed.inc({ client_id: this.options.clientId, topic: topic.name, reason: ClientErrorCodes.TOO_LARGE })
      throw new ClientError(ClientErrorCodes.TOO_LARGE, `record for "${topic.name}" is ${bytes} bytes; maxRecordBytes is ${this.options.maxRecordBytes}`, { topic: topic.name })
    }
    return { topic: topic.name, key, value: payload, headers, bytes }
  }

  async #enqueue (prepared: Prepared): Promise<RecordMetadata> {
    if (this.#abandoned) throw new ClientError(ClientErrorCodes.CLOSED, 'the producer closed before this record found room in its buffer', { topic: prepared.topic })
    this.#metrics.sent.inc({ client_id: this.options.clientId, topic: prepared.topic })
    const started = performance.now()
    const metadata = await new Promise<RecordMetadata>((resolve, reject) => this.#push(prepared, resolve, reject))
    this.#metrics.ackLatency.observe({ client_id: this.options.clientId }, (performance.now() - started) / 1000)
    return metadata
  }

  /** Into the queue, settled through the callbacks: no promise of its own. */
  #push (prepared: Prepared, resolve: Pending['resolve'], reject: Pending['reject']): void {
    this.#queue.push({ ...prepared, enqueuedAt: Date.now(), resolve, reject })
    this.#queuedBytes += prepared.bytes
    this.#bufferedBytes += prepared.bytes
    this.#unsettled++
    this.#metrics.bufferBytes.set({ client_id: this.options.clientId }, this.#bufferedBytes)
    this.#schedule()
  }

  async #awaitRoom (bytes: number, topic: string): Promise<void> {
    const full = () => new ClientError(ClientErrorCodes.BUFFER_FULL, `the producer buffer holds ${this.#bufferedBytes} of ${this.options.maxBufferBytes} bytes`, { topic, canRetry: true })
    if (this.options.onBufferFull === 'reject') {
      this.#metrics.failed.inc({ client_id: this.options.clientId, topic, reason: ClientErrorCodes.BUFFER_FULL })
      throw full()
    }
    const deadline = Date.now() + this.options.maxBlockMs
    this.#waitingForRoom++
    try {
      while (this.#bufferedBytes + bytes > this.options.maxBufferBytes) {
        const left = deadline - Date.now()
        if (left <= 0) throw full()
        await new Promise<void>(resolve => {
          const timer = setTimeout(resolve, left)
          this.#roomWaiters.push(() => { clearTimeout(timer); resolve() })
        })
      }
    } finally {
      this.#waitingForRoom--
    }
  }

  #release (record: Pending): void {
    this.#unsettled--
    this.#bufferedBytes -= record.bytes
    this.#metrics.bufferBytes.set({ client_id: this.options.clientId }, this.#bufferedBytes)
    const waiters = this.#roomWaiters
    this.#roomWaiters = []
    for (const wake of waiters) wake()
  }

  #schedule (): void {
    if (this.#inFlight || this.#queue.length === 0) return
    if (this.#closing !== undefined || this.#queuedBytes >= this.options.batchBytes || this.options.lingerMs === 0) {
      this.#drain()
      return
    }
    this.#linger ??= setTimeout(() => {
      this.#linger = undefined
      this.#drain()
    }, this.options.lingerMs)
  }

  #drain (): void {
    clearTimeout(this.#linger)
    this.#linger = undefined
    if (this.#inFlight || this.#queue.length === 0) return
    const count = countFitting(this.#queue, this.options.batchBytes, r => r.bytes)
    const batch = this.#queue.splice(0, count)
    for (const record of batch) this.#queuedBytes -= record.bytes
    this.#inFlight = (this.#spooling ? this.#toSpool(batch) : this.#sendBatch(batch)).finally(() => {
      this.#inFlight = undefined
      this.#schedule()
    })
  }

  async #partitionCount (topic: string): Promise<number> {
    const cached = this.#partitionCounts.get(topic)
    if (cached && Date.now() - cached.at < PARTITION_COUNT_MAX_AGE_MS) return cached.count
    // A few quick retries: a topic created a moment ago may not have reached every broker yet,
    // but a topic that does not exist must fail fast (auto-creation is off).
    const metadata = await this.#wire.metadata({ topics: [topic], forceUpdate: true, retries: METADATA_RETRIES })
    const count = metadata.topics.get(topic)?.partitionsCount ?? 0
    this.#partitionCounts.set(topic, { count, at: Date.now() })
    return count
  }

  /**
   * Keyless records go round the partitions, so that one request spreads over every leader
   * instead of loading one broker while the others idle.
   */
  #partitionFor (key: Buffer | undefined, partitions: number): number {
    return key ? partitionForKey(key, partitions) : this.#roundRobin++ % partitions
  }

  async #sendBatch (batch: Pending[]): Promise<void> {
    // Partitions are chosen here, not by the wire library, so each record's offset can be told:
    // a partition's records in one request get consecutive offsets from its base offset.
    const partitionOf = new Map<Pending, number>()
    const sendable: Pending[] = []
    for (const topic of new Set(batch.map(r => r.topic))) {
      const records = batch.filter(r => r.topic === topic)
      let count: number
      try {
        count = await this.#partitionCount(topic)
      } catch (cause) {
        const refusal = connectionRefusal(cause)
        // No metadata at all means no broker answered: the spool's case. An unknown topic is not:
        // the wire library reports it as a user error (its code, not its message, says so).
        if (refusal) this.#fail(records, refusal.code, refusal.message, cause)
        else if (this.#spool && !errorChain(cause).some(e => e.code === WIRE_USER_ERROR)) await this.#toSpool(records)
        else this.#fail(records, ClientErrorCodes.FATAL, `topic "${topic}" cannot be produced to: ${(cause as Error).message}`, cause)
        continue
      }
      for (const record of records) partitionOf.set(record, this.#partitionFor(record.key, count))
      sendable.push(...records)
    }
    if (sendable.length === 0) return

    const messages: Array<MessageToProduce<Buffer, Buffer, string, string>> = sendable.map(r => ({
      topic: r.topic, partition: partitionOf.get(r) as number, key: r.key, value: r.value, headers: new Map(Object.entries(r.headers)),
    }))
    const oldest = Math.min(...sendable.map(r => r.enqueuedAt))
    const deadline = this.#spool ? Math.min(this.options.deliveryTimeoutMs, this.options.spool?.unreachableAfterMs ?? defaultSpoolOptions.unreachableAfterMs) : this.options.deliveryTimeoutMs
    const timeout = Math.max(1, oldest + deadline - Date.now())
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<'expired'>(resolve => { timer = setTimeout(() => resolve('expired'), timeout) })
    const sent = this.#sendPerPartition(messages)
    const outcome = await Promise.race([sent, expired])
    clearTimeout(timer)

    if (outcome === 'expired') {
      if (this.#spool) await this.#toSpool(sendable)
      else this.#fail(sendable, ClientErrorCodes.RETRIES_EXHAUSTED, `no acknowledgement within deliveryTimeoutMs (${this.options.deliveryTimeoutMs} ms)`, undefined, true)
      // Keep the request slot until the wire library gives up, so nothing overtakes it; but not
      // for ever, should it never settle at all.
      let grace: NodeJS.Timeout | undefined
      const settled = await Promise.race([sent.then(() => true), new Promise<false>(resolve => { grace = setTimeout(() => resolve(false), this.options.requestTimeoutMs) })])
      clearTimeout(grace)
      if (!settled) this.#logger.error({ records: sendable.length }, 'a produce request never settled; moving on')
      return
    }
    const bases = new Map((outcome.result?.offsets ?? []).map(o => [`${o.topic}\0${o.partition}`, BigInt(o.offset)]))
    const seen = new Map<string, bigint>()
    const failed: Pending[] = []
    for (const record of sendable) {
      const partition = partitionOf.get(record) as number
      const slot = `${record.topic}\0${partition}`
      const base = bases.get(slot)
      if (base === undefined) {
        failed.push(record)
        continue
      }
      const index = seen.get(slot) ?? 0n
      seen.set(slot, index + 1n)
      this.#release(record)
      this.#delivered++
      this.#metrics.acked.inc({ client_id: this.options.clientId, topic: record.topic })
      record.resolve({ topic: record.topic, partition, offset: base + index })
    }
    if (failed.length > 0) {
      const refusal = connectionRefusal(outcome.error)
      if (refusal) {
        this.#fail(failed, refusal.code, refusal.message, outcome.error)
        return
      }
      const names = kafkaErrorNames(outcome.error)
      const fatal = names.map(n => FATAL[n]).find(c => c !== undefined)
      const why = outcome.error?.message ?? 'the cluster did not acknowledge these partitions'
      if (this.#spool && fatal === undefined) {
        await this.#toSpool(failed)
        return
      }
      this.#fail(failed, fatal ?? ClientErrorCodes.RETRIES_EXHAUSTED, `${why}${names.length ? ` (${[...new Set(names)].join(', ')})` : ''}`, outcome.error, fatal === undefined)
    }
  }

  /**
   * One wire send per partition, all at once. @platformatic/kafka 2.12 retries a multi-partition
   * request to the leader of its first partition only, so once leadership moved apart (a broker
   * restarting) the other partitions' records were refused until the delivery timeout. A request
   * of one partition is retried to that partition's leader.
   */
  async #sendPerPartition (messages: Array<MessageToProduce<Buffer, Buffer, string, string>>): Promise<{ result: { offsets: ProducedOffset[] }, error: Error | undefined }> {
    const byPartition = new Map<string, Array<MessageToProduce<Buffer, Buffer, string, string>>>()
    for (const m of messages) {
      const slot = `${m.topic}\0${m.partition}`
      const list = byPartition.get(slot)
      if (list) list.push(m)
      else byPartition.set(slot, [m])
    }
    const outcomes = await Promise.all([...byPartition.values()].map(group => this.#wire.send({ messages: group }).then(
      result => ({ offsets: result.offsets ?? [], error: undefined }),
      (error: Error & { produced?: { offsets?: ProducedOffset[] } }) => ({ offsets: error.produced?.offsets ?? [], error }),
    )))
    const errors = outcomes.flatMap(o => o.error ? [o.error] : [])
    return {
      result: { offsets: outcomes.flatMap(o => o.offsets) },
      error: errors.length === 0 ? undefined : errors.length === 1 ? errors[0] : new AggregateError(errors, errors.map(e => e.message).join('; ')),
    }
  }

  /** Writes records to the spool, fsync'd, and resolves them as spooled. */
  async #toSpool (records: Pending[]): Promise<void> {
    const spool = this.#spool as Spool
    const lines: SpooledRecord[] = records.map(r => ({
      topic: r.topic, ...(r.key ? { key: r.key.toString('base64') } : {}), value: r.value.toString('base64'), headers: r.headers,
    }))
    try {
      await spool.append(lines)
    } catch (cause) {
      this.#fail(records, ClientErrorCodes.RETRIES_EXHAUSTED, `the cluster is unreachable and the spool could not be written: ${(cause as Error).message}`, cause, true)
      return
    }
    this.#startSpooling()
    for (const record of records) {
      this.#release(record)
      this.#metrics.spooled.inc({ client_id: this.options.clientId, topic: record.topic })
      record.resolve({ topic: record.topic, partition: -1, offset: -1n, spooled: true })
    }
  }

  #startSpooling (): void {
    if (!this.#spooling) this.#logger.warn({ spool: this.#spool?.file }, 'the cluster is unreachable: spooling records to disk')
    this.#spooling = true
    this.#probe ??= setInterval(() => {
      if (this.#inFlight || this.#closing) return
      this.#inFlight = this.#replay().finally(() => {
        this.#inFlight = undefined
        this.#schedule()
      })
    }, this.options.spool?.probeIntervalMs ?? defaultSpoolOptions.probeIntervalMs)
    this.#probe.unref()
  }

  /** Sends the spool in order, a request at a time, once a broker answers; stops at the first failure. */
  async #replay (): Promise<void> {
    const spool = this.#spool as Spool
    try {
      await this.#wire.metadata({ forceUpdate: true, retries: 0 })
    } catch {
      return
    }
    let left = await spool.read()
    while (left.length > 0) {
      // base64 holds 3 bytes in 4 characters.
      const count = countFitting(left, this.options.batchBytes, r => r.value.length * 0.75)
      const chunk = left.slice(0, count)
      try {
        const counts = new Map<string, number>()
        for (const topic of new Set(chunk.map(r => r.topic))) counts.set(topic, await this.#partitionCount(topic))
        await this.#wire.send({
          messages: chunk.map(r => {
            const key = r.key === undefined ? undefined : Buffer.from(r.key, 'base64')
            const partitions = counts.get(r.topic) as number
            return { topic: r.topic, partition: this.#partitionFor(key, partitions), key, value: Buffer.from(r.value, 'base64'), headers: new Map(Object.entries(r.headers)) }
          }),
        })
      } catch (error) {
        this.#logger.warn({ err: error, left: left.length }, 'spool replay interrupted; it resumes at the next probe')
        return
      }
      left = left.slice(count)
      await spool.replace(left)
    }
    clearInterval(this.#probe)
    this.#probe = undefined
    this.#spooling = false
    this.#logger.info('the cluster is back: spool replayed')
  }

  /** Records waiting in the spool file, for tests and /readyz. */
  async spooledRecords (): Promise<number> {
    return this.#spool ? (await this.#spool.read()).length : 0
  }

  #fail (records: Pending[], code: ClientErrorCode, message: string, cause?: unknown, indeterminate = false): void {
    for (const record of records) {
      this.#release(record)
      this.#metrics.failed.inc({ client_id: this.options.clientId, topic: record.topic, reason: code })
      record.reject(new ClientError(code, message, { cause, topic: record.topic, indeterminate, canRetry: code === ClientErrorCodes.RETRIES_EXHAUSTED }))
    }
    this.#logger.error({ code, records: records.length, err: cause }, message)
  }

  /** For /readyz: why the producer cannot take records now, or undefined when it can. */
  notReadyReason (): string | undefined {
    if (this.#closing !== undefined) return 'closed'
    if (this.#bufferedBytes >= this.options.maxBufferBytes) return `buffer full (${this.#bufferedBytes} bytes)`
    return undefined
  }

  /** Resolves when every record handed over so far is acknowledged or failed. */
  async flush (): Promise<void> {
    while (this.#queue.length > 0 || this.#inFlight || this.#waitingForRoom > 0) {
      this.#drain()
      // A woken send() queues its record in a later turn of the event loop.
      await (this.#inFlight ?? new Promise(setImmediate))
    }
  }

  /**
   * Stops taking records, delivers what it holds within `timeoutMs`, rejects the rest with
   * TACKLE_CLIENT_CLOSED, and says how many were not delivered.
   */
  close (options: { timeoutMs?: number } = {}): Promise<CloseReport> {
    this.#closing ??= this.#close(options.timeoutMs ?? this.options.deliveryTimeoutMs)
    return this.#closing
  }

  async #close (timeoutMs: number): Promise<CloseReport> {
    process.removeListener('SIGTERM', this.#onSigterm)
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.flush(), new Promise(resolve => { timer = setTimeout(resolve, timeoutMs) })])
    clearTimeout(timer)
    this.#abandoned = true
    // The spool stays on disk for the next producer given the same directory.
    clearInterval(this.#probe)
    const undelivered = this.#unsettled + this.#waitingForRoom
    const left = this.#queue.splice(0)
    this.#queuedBytes = 0
    if (left.length > 0) this.#fail(left, ClientErrorCodes.CLOSED, `the producer closed with ${undelivered} records undelivered after ${timeoutMs} ms`)
    // Closing the connections ends a request still in flight; its records fail with its error.
    await this.#wire.close(true)
    await this.#inFlight
    return { delivered: this.#delivered, undelivered }
  }
}
