// The safe producer. Every send() resolves only once the cluster acknowledged it (acks=all,
// idempotent), or rejects with a typed error. Records wait in a bounded buffer; each partition's
// batches go out through the Sender, up to five in flight with sequence numbers the producer
// owns (PartitionSequences), so a retried batch is deduplicated by the broker and never overtakes
// a later one. Records the cluster cannot take go to the disk spool when one is configured.
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { defaultLogger } from '../logger.ts'
import { ClientError, ClientErrorCodes, errorChain, kafkaErrorNames, type ClientErrorCode } from '../errors.ts'
import { producerMetrics, type ProducerMetrics } from '../metrics.ts'
import type { TopicDefinition } from '../topics/define-topic.ts'
import { connectionRefusal } from '../security.ts'
import { endSpan, startSendSpan } from '../tracing.ts'
import { resolveProducerOptions, type ProducerOptions } from './options.ts'
import { countFitting } from './batching.ts'
import { partitionForKey } from './partitioner.ts'
import { isSequenceError, Sender } from './sender.ts'
import { Spool, type SpooledRecord } from './spool.ts'
import { WireTransport, type ProduceTransport, type WireRecord } from './wire-transport.ts'
import type { Batch } from './partition-sequences.ts'

export interface RecordMetadata {
  topic: string
  /** -1 for a spooled record, whose partition is chosen when it is replayed. */
  partition: number
  /** -1 when the broker answered that the record was already written without saying where (DUPLICATE_SEQUENCE_NUMBER), and for a spooled record. */
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

interface Pending extends WireRecord {
  topic: string
  bytes: number
  enqueuedAt: number
  /** Read back from the spool: a failure leaves it there rather than spooling it again. */
  replayed: boolean
  resolve (metadata: RecordMetadata): void
  reject (error: ClientError): void
}

type Prepared = Omit<Pending, 'resolve' | 'reject' | 'enqueuedAt' | 'replayed'>

/** Kafka errors that mean the record can never be stored as it is. */
const TOO_LARGE = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE'])

/** @platformatic/kafka's UserError: the request was wrong (an unknown topic), no retry or spool will help. */
const WIRE_USER_ERROR = 'PLT_KFK_USER'

const PARTITION_COUNT_MAX_AGE_MS = 60_000

export interface ProducerInternals {
  /** The cluster, for a test's model broker; default: @platformatic/kafka's protocol layer. */
  transport?: ProduceTransport
}

export class TackleProducer {
  readonly options: Readonly<ProducerOptions>
  readonly #transport: ProduceTransport
  readonly #sender: Sender<Pending>
  readonly #metrics: ProducerMetrics
  readonly #logger: Logger
  /** Records handed over whose partition is not chosen yet (their topic's metadata is being read, or the spool is busy). */
  #queue: Pending[] = []
  #assigning = false
  #bufferedBytes = 0
  /** Handed over by send() and neither acknowledged nor failed yet. */
  #unsettled = 0
  /** send() calls waiting for room in a full buffer: handed over, not yet queued. */
  #waitingForRoom = 0
  #roomWaiters: Array<() => void> = []
  #idleWaiters: Array<() => void> = []
  /** Set by the first close(): from then on no record is taken. */
  #closing: Promise<CloseReport> | undefined
  readonly #spool: Spool | undefined
  /** Spool writes and replays, one at a time: a replay must not replace lines appended meanwhile. */
  #spoolChain: Promise<void> = Promise.resolve()
  /** While true, records go to the spool instead of the cluster, until a replay empties it. */
  #spooling = false
  #replaying = false
  #probe: NodeJS.Timeout | undefined
  #roundRobin = Math.floor(Math.random() * 1024)
  /** close() gave up waiting: nothing is queued any more. */
  #abandoned = false
  #delivered = 0
  #lastStall = 0

  constructor (options: Partial<ProducerOptions> & Pick<ProducerOptions, 'bootstrapBrokers'>, internals: ProducerInternals = {}) {
    this.options = resolveProducerOptions(options)
    this.#metrics = producerMetrics(this.options.registry)
    this.#logger = (this.options.logger ?? defaultLogger()).child({ component: 'tackle-producer', clientId: this.options.clientId })
    if (this.options.unsafeDisableIdempotence) {
      this.#logger.warn('idempotence is off (unsafeDisableIdempotence): a retried request can store a record twice')
    }
    if (this.options.unsafeAcks !== undefined) {
      this.#logger.warn({ acks: this.options.unsafeAcks }, 'acks is not all (unsafeAcks): an acknowledged record is lost if its leader fails before a follower copies it')
    }
    this.#transport = internals.transport ?? new WireTransport({
      clientId: this.options.clientId,
      bootstrapBrokers: this.options.bootstrapBrokers,
      acks: this.options.unsafeAcks ?? -1,
      compression: this.options.compression,
      requestTimeoutMs: this.options.requestTimeoutMs,
      security: this.options.security,
    })
    this.#sender = new Sender<Pending>(this.#transport, {
      idempotent: !this.options.unsafeDisableIdempotence,
      lingerMs: this.options.lingerMs,
      batchBytes: this.options.batchBytes,
      backoff: this.options.backoff,
    }, {
      acked: (records, topic, partition, base) => this.#acked(records, topic, partition, base),
      failed: (records, topic, partition, error, written) => this.#failed(records, topic, partition, error, written),
      retried: () => this.#metrics.retries.inc({ client_id: this.options.clientId }),
      stalled: error => {
        // Once a second at most: a cluster that is down would otherwise fill the log.
        if (Date.now() - this.#lastStall < 1000) return
        this.#lastStall = Date.now()
        this.#logger.warn({ err: error }, 'the cluster did not answer; trying again')
      },
    })
    if (this.options.closeOnSigterm) process.once('SIGTERM', this.#onSigterm)
    this.#spool = this.options.spool ? new Spool(this.options.spool.dir) : undefined
    if (this.#spool) {
      // A spool left by an earlier process comes first: nothing is sent before it is looked at.
      const spool = this.#spool
      this.#assigning = true
      this.#spoolChain = spool.read().then(left => { if (left.length > 0) this.#startSpooling() }, () => {}).finally(() => {
        this.#assigning = false
        void this.#assign()
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
            this.#checkNotAbandoned(topic.name)
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
    let bytes = payload.length + (key?.length ?? 0)
    for (const name in headers) bytes += name.length + (headers[name] as string).length
    if (bytes > this.options.maxRecordBytes) {
      this.#metrics.failed.inc({ client_id: this.options.clientId, topic: topic.name, reason: ClientErrorCodes.TOO_LARGE })
      throw new ClientError(ClientErrorCodes.TOO_LARGE, `record for "${topic.name}" is ${bytes} bytes; maxRecordBytes is ${this.options.maxRecordBytes}`, { topic: topic.name })
    }
    return { topic: topic.name, key, value: payload, headers, bytes, timestamp: BigInt(Date.now()) }
  }

  async #enqueue (prepared: Prepared): Promise<RecordMetadata> {
    this.#checkNotAbandoned(prepared.topic)
    this.#metrics.sent.inc({ client_id: this.options.clientId, topic: prepared.topic })
    const started = performance.now()
    const metadata = await new Promise<RecordMetadata>((resolve, reject) => this.#push(prepared, resolve, reject))
    this.#metrics.ackLatency.observe({ client_id: this.options.clientId }, (performance.now() - started) / 1000)
    return metadata
  }

  #checkNotAbandoned (topic: string): void {
    if (this.#abandoned) throw new ClientError(ClientErrorCodes.CLOSED, 'the producer closed before this record found room in its buffer', { topic })
  }

  /** Takes a record into the buffer, settled through the callbacks: no promise of its own. */
  #push (prepared: Prepared, resolve: Pending['resolve'], reject: Pending['reject'], replayed = false): void {
    const record: Pending = { ...prepared, enqueuedAt: Date.now(), replayed, resolve, reject }
    this.#bufferedBytes += record.bytes
    this.#unsettled++
    this.#metrics.bufferBytes.set({ client_id: this.options.clientId }, this.#bufferedBytes)
    // The fast path: nothing ahead of it waits, and its topic's partitions are known.
    if (this.#queue.length === 0 && !this.#assigning && (replayed || !this.#spooling)) {
      const partitions = this.#sender.knownPartitionCount(record.topic, PARTITION_COUNT_MAX_AGE_MS)
      if (partitions !== undefined) {
        this.#toSender(record, partitions)
        return
      }
    }
    this.#queue.push(record)
    void this.#assign()
  }

  #toSender (record: Pending, partitions: number): void {
    this.#sender.add(record.topic, this.#partitionFor(record.key, partitions), record, record.bytes, record.enqueuedAt + this.#deadlineMs(record))
  }

  /** Spool or not, a record may wait this long for its acknowledgement; with a spool, unreachableAfterMs decides when it goes there. */
  #deadlineMs (record: Pending): number {
    const spool = this.options.spool
    return spool && !record.replayed ? Math.min(this.options.deliveryTimeoutMs, spool.unreachableAfterMs as number) : this.options.deliveryTimeoutMs
  }

  /** Gives queued records their partitions, in order, reading a topic's metadata when it is not known. */
  async #assign (): Promise<void> {
    if (this.#assigning) return
    this.#assigning = true
    try {
      while (this.#queue.length > 0 && !this.#abandoned) {
        const records = this.#queue
        this.#queue = []
        let i = 0
        try {
          while (i < records.length) {
            const record = records[i] as Pending
            if (this.#spooling && !record.replayed) {
              // A replay under way may empty the spool: then these go to the cluster after all.
              await this.#spoolChain
              if (!this.#spooling) continue
              let end = i
              while (end < records.length && !(records[end] as Pending).replayed) end++
              await this.#toSpool(records.slice(i, end))
              i = end
              continue
            }
            const known = this.#sender.knownPartitionCount(record.topic, PARTITION_COUNT_MAX_AGE_MS)
            if (known !== undefined) {
              this.#toSender(record, known)
              i++
              continue
            }
            try {
              await this.#sender.partitionCount(record.topic, PARTITION_COUNT_MAX_AGE_MS)
            } catch (cause) {
              const topic = record.topic
              const ofTopic = records.slice(i).filter(r => r.topic === topic)
              records.splice(i, records.length - i, ...records.slice(i).filter(r => r.topic !== topic))
              await this.#unknownTopic(ofTopic, cause)
            }
          }
        } finally {
          // Records left by a throw keep their place ahead of those queued meanwhile.
          if (i < records.length) this.#queue = records.slice(i).concat(this.#queue)
        }
      }
    } finally {
      this.#assigning = false
    }
  }

  /** A topic whose metadata could not be read: no broker answered (the spool's case), or it does not exist. */
  async #unknownTopic (records: Pending[], cause: unknown): Promise<void> {
    const topic = (records[0] as Pending).topic
    const refusal = connectionRefusal(cause)
    if (refusal) {
      this.#fail(records, refusal.code, refusal.message, cause)
      return
    }
    // An unknown topic is the wire library's user error (its code, not its message, says so).
    const unknown = errorChain(cause).some(e => e.code === WIRE_USER_ERROR)
    const spoolable = records.filter(r => !r.replayed)
    if (this.#spool && !unknown && spoolable.length === records.length) {
      await this.#toSpool(records)
      return
    }
    this.#fail(records, ClientErrorCodes.FATAL, `topic "${topic}" cannot be produced to: ${(cause as Error).message}`, cause)
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
    if (this.#roomWaiters.length > 0) {
      const waiters = this.#roomWaiters
      this.#roomWaiters = []
      for (const wake of waiters) wake()
    }
    if (this.#unsettled === 0 && this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters
      this.#idleWaiters = []
      for (const wake of waiters) wake()
    }
  }

  /**
   * Keyless records go round the partitions, so that requests spread over every leader instead
   * of loading one broker while the others idle.
   */
  #partitionFor (key: Buffer | undefined, partitions: number): number {
    return key ? partitionForKey(key, partitions) : this.#roundRobin++ % partitions
  }

  #acked (records: Pending[], topic: string, partition: number, base: bigint): void {
    for (let i = 0; i < records.length; i++) {
      const record = records[i] as Pending
      this.#release(record)
      record.resolve({ topic, partition, offset: base < 0n ? -1n : base + BigInt(i) })
    }
    this.#delivered += records.length
    this.#metrics.acked.inc({ client_id: this.options.clientId, topic }, records.length)
    this.#metrics.bufferBytes.set({ client_id: this.options.clientId }, this.#bufferedBytes)
  }

  #failed (records: Pending[], topic: string, partition: number, error: Error | undefined, written: false | undefined): void {
    const refusal = connectionRefusal(error)
    if (refusal) {
      this.#fail(records, refusal.code, refusal.message, error, false, partition)
      return
    }
    const names = [...new Set(kafkaErrorNames(error))]
    // The deadline passed, or the broker lost this producer's numbers: the cluster is in trouble,
    // not the record. With a spool the records wait on disk; a replay may repeat one, never lose it.
    const retriable = error === undefined || isSequenceError(error)
    if (this.#spool && retriable) {
      const fresh = records.filter(r => !r.replayed)
      if (fresh.length > 0) void this.#toSpool(fresh)
      records = records.filter(r => r.replayed)
      if (records.length === 0) return
    }
    const code: ClientErrorCode = retriable ? ClientErrorCodes.RETRIES_EXHAUSTED : names.some(n => TOO_LARGE.has(n)) ? ClientErrorCodes.TOO_LARGE : ClientErrorCodes.FATAL
    const why = error === undefined
      ? `no acknowledgement within deliveryTimeoutMs (${this.options.deliveryTimeoutMs} ms)${written === undefined ? '; the records may or may not be stored' : ''}`
      : `${error.message}${names.length > 0 ? ` (${names.join(', ')})` : ''}`
    this.#fail(records, code, `${topic}[${partition}]: ${why}`, error, written === undefined, partition)
  }

  /** Writes records to the spool, fsync'd, and resolves them as spooled. */
  #toSpool (records: Pending[]): Promise<void> {
    const spool = this.#spool as Spool
    const lines: SpooledRecord[] = records.map(r => ({
      topic: r.topic, ...(r.key ? { key: r.key.toString('base64') } : {}), value: r.value.toString('base64'), headers: r.headers,
    }))
    const written = this.#spoolChain.then(() => spool.append(lines)).then(() => {
      this.#startSpooling()
      for (const record of records) {
        this.#release(record)
        this.#metrics.spooled.inc({ client_id: this.options.clientId, topic: record.topic })
        record.resolve({ topic: record.topic, partition: -1, offset: -1n, spooled: true })
      }
    }, (cause: unknown) => {
      this.#fail(records, ClientErrorCodes.RETRIES_EXHAUSTED, `the cluster is unreachable and the spool could not be written: ${(cause as Error).message}`, cause, true)
    })
    this.#spoolChain = written
    return written
  }

  #startSpooling (): void {
    if (!this.#spooling) this.#logger.warn({ spool: this.#spool?.file }, 'the cluster is unreachable: spooling records to disk')
    this.#spooling = true
    this.#probe ??= setInterval(() => {
      if (this.#replaying || this.#closing) return
      this.#replaying = true
      const replay = this.#spoolChain.then(() => this.#replay())
      this.#spoolChain = replay.finally(() => { this.#replaying = false })
    }, this.options.spool?.probeIntervalMs as number)
    this.#probe.unref()
  }

  /**
   * Sends the spool in order, a chunk at a time, through the same per-partition path as every
   * record, once a broker answers; stops at the first failure and resumes at the next probe.
   */
  async #replay (): Promise<void> {
    const spool = this.#spool as Spool
    let left = await spool.read()
    while (left.length > 0) {
      // base64 holds 3 bytes in 4 characters.
      const count = countFitting(left, this.options.batchBytes * 4, r => r.value.length * 0.75)
      const chunk = left.slice(0, count)
      try {
        // Read afresh: that is the probe, so nothing is replayed before a broker answers.
        for (const topic of new Set(chunk.map(r => r.topic))) await this.#sender.partitionCount(topic, 0)
        await Promise.all(chunk.map(r => new Promise<RecordMetadata>((resolve, reject) => {
          const key = r.key === undefined ? undefined : Buffer.from(r.key, 'base64')
          const value = Buffer.from(r.value, 'base64')
          let bytes = value.length + (key?.length ?? 0)
          for (const name in r.headers) bytes += name.length + (r.headers[name] as string).length
          this.#push({ topic: r.topic, key, value, headers: r.headers, bytes, timestamp: BigInt(Date.now()) }, resolve, reject, true)
        })))
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
    void this.#assign()
  }

  /** Records waiting in the spool file, for tests and /readyz. */
  async spooledRecords (): Promise<number> {
    return this.#spool ? (await this.#spool.read()).length : 0
  }

  #fail (records: Pending[], code: ClientErrorCode, message: string, cause?: unknown, indeterminate = false, partition?: number): void {
    for (const record of records) {
      this.#release(record)
      record.reject(new ClientError(code, message, { cause, topic: record.topic, partition, indeterminate, canRetry: code === ClientErrorCodes.RETRIES_EXHAUSTED }))
    }
    const topics = new Set(records.map(r => r.topic))
    for (const topic of topics) this.#metrics.failed.inc({ client_id: this.options.clientId, topic, reason: code }, records.filter(r => r.topic === topic).length)
    this.#metrics.bufferBytes.set({ client_id: this.options.clientId }, this.#bufferedBytes)
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
    const done = this.#sender.hurry()
    try {
      while (this.#unsettled > 0 || this.#waitingForRoom > 0) {
        // A woken send() buffers its record in a later turn of the event loop.
        if (this.#unsettled === 0) await new Promise(setImmediate)
        else await new Promise<void>(resolve => this.#idleWaiters.push(resolve))
      }
    } finally {
      done()
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
    const message = `the producer closed with ${undelivered} records undelivered after ${timeoutMs} ms`
    const left: Array<Batch<Pending>> = this.#sender.drop()
    const queued = this.#queue.splice(0)
    if (queued.length > 0) this.#fail(queued, ClientErrorCodes.CLOSED, message)
    // A batch that was sent may be stored even though no answer came.
    for (const batch of left) this.#fail(batch.records, ClientErrorCodes.CLOSED, message, undefined, batch.sent)
    await this.#spoolChain
    await this.#transport.close()
    return { delivered: this.#delivered, undelivered }
  }
}
