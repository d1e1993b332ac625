// The consumer framework: at least once, in order per partition, partitions in parallel up to a
// limit. An offset is committed only after its record was handled, or parked in the retry or
// dead-letter topic, so a poison record never blocks its partition and is never lost. A slow
// handler pauses fetching instead of letting records pile up.
import { setTimeout as sleep } from 'node:timers/promises'
import { Admin, Consumer, stringDeserializer, type Message, type MessagesStream } from '@platformatic/kafka'
import type { Logger } from 'pino'
import Type from 'typebox'
import { defaultLogger } from '../logger.ts'
import { consumerMetrics, type ConsumerMetrics } from '../metrics.ts'
import { TackleProducer } from '../producer/producer.ts'
import { backoffMs, retry, type RetryOptions } from '../retry.ts'
import { connectionRefusal, wireSecurity } from '../security.ts'
import { defineTopic, type TopicDefinition } from '../topics/define-topic.ts'
import { inProcessSpan } from '../tracing.ts'
import { failureHeaders, readFailure, type Failure } from './failure-headers.ts'
import { resolveConsumerOptions, type BatchHandler, type ConsumeContext, type ConsumerOptions, type ConsumerOptionsInput } from './options.ts'

type WireMessage = Message<Buffer, Buffer, string, string>

const CONSUMER_GROUP_HEARTBEAT = 68
const COMMIT_EVERY_MS = 1_000
const CLOSE_WAIT_MS = 30_000

/** Bytes as they came, for forwarding a record to the retry and dead-letter topics unchanged. */
function passThroughTopic (name: string): TopicDefinition<Buffer> {
  return defineTopic<Buffer>({ name, schema: Type.Unknown(), serde: { contentType: 'application/octet-stream', serialize: b => b, deserialize: b => b } })
}

export class TackleConsumer<T> {
  readonly options: Readonly<ConsumerOptions<T>>
  #wire: Consumer<Buffer, Buffer, string, string> | undefined
  #groupProtocol: 'consumer' | 'classic' | undefined
  readonly #producer: TackleProducer
  readonly #metrics: ConsumerMetrics
  readonly #logger: Logger
  readonly #abort = new AbortController()
  #stream: MessagesStream<Buffer, Buffer, string, string> | undefined
  readonly #partitions = new Map<string, Promise<void>>()
  #buffered = 0
  #paused = false
  #running = 0
  readonly #slotWaiters: Array<() => void> = []
  #lagTimer: NodeJS.Timeout | undefined
  readonly #lagLabels = new Set<string>()
  readonly #commits = new Set<Promise<void>>()
  /** Per partition: records fetched and not yet done, and when its offset was last committed. */
  readonly #waiting = new Map<string, number>()
  readonly #committedAt = new Map<string, number>()
  /** The last handled record of each partition whose commit was skipped. */
  readonly #uncommitted = new Map<string, WireMessage>()
  /** With a batchHandler: per partition, records accepted and not yet taken into a batch. */
  readonly #pending = new Map<string, WireMessage[]>()
  #commitTimer: NodeJS.Timeout | undefined

  constructor (options: ConsumerOptionsInput<T>) {
    this.options = resolveConsumerOptions(options)
    this.#metrics = consumerMetrics(this.options.registry)
    this.#logger = (this.options.logger ?? defaultLogger()).child({ component: 'tackle-consumer', groupId: this.options.groupId })
    this.#producer = new TackleProducer({ bootstrapBrokers: this.options.bootstrapBrokers, clientId: `${this.options.clientId}-failures`, security: this.options.security, registry: this.options.registry, logger: this.options.logger })
  }

  /** The topic and, where there is one, its retry topic. */
  get #topics (): string[] {
    return [this.options.topic.name, ...(this.options.retryTopic ? [this.options.retryTopic] : [])]
  }

  /** The group protocol in use once started: KIP-848's "consumer", or "classic". */
  get groupProtocol (): 'consumer' | 'classic' | undefined {
    return this.#groupProtocol
  }

  async #chooseGroupProtocol (): Promise<'consumer' | 'classic'> {
    if (this.options.groupProtocol !== 'auto') return this.options.groupProtocol
    const admin = new Admin({ clientId: this.options.clientId, bootstrapBrokers: [...this.options.bootstrapBrokers], ...wireSecurity(this.options.security) })
    try {
      // ConsumerGroupHeartbeat (API key 68) is the KIP-848 protocol's one request.
      return (await admin.listApis()).some(api => api.apiKey === CONSUMER_GROUP_HEARTBEAT) ? 'consumer' : 'classic'
    } finally {
      await admin.close()
    }
  }

  /** Joins the group and starts handling records; resolves once fetching has begun. */
  async start (): Promise<void> {
    try {
      await this.#start()
    } catch (error) {
      throw connectionRefusal(error) ?? error
    }
  }

  async #start (): Promise<void> {
    this.#groupProtocol = await this.#chooseGroupProtocol()
    this.#wire = new Consumer({
      clientId: this.options.clientId,
      groupId: this.options.groupId,
      bootstrapBrokers: [...this.options.bootstrapBrokers],
      ...wireSecurity(this.options.security),
      deserializers: { headerKey: stringDeserializer as (data?: Buffer) => string, headerValue: stringDeserializer as (data?: Buffer) => string },
      autocreateTopics: false,
      ...(this.#groupProtocol === 'consumer' ? { groupProtocol: 'consumer' as const } : {}),
    })
    await this.#openStream()
    this.#commitTimer = setInterval(() => {
      for (const [slot, message] of this.#uncommitted) this.#commit(slot, message)
    }, COMMIT_EVERY_MS).unref()
    if (this.options.lagIntervalMs > 0) {
      this.#lagTimer = setInterval(() => { this.refreshLag().catch(() => undefined) }, this.options.lagIntervalMs).unref()
    }
  }

  async #openStream (): Promise<void> {
    const stream = await (this.#wire as Consumer<Buffer, Buffer, string, string>).consume({ topics: this.#topics, mode: 'committed', fallbackMode: 'earliest', autocommit: false }) as MessagesStream<Buffer, Buffer, string, string>
    this.#stream = stream
    stream.on('data', (message: WireMessage) => this.#accept(message))
    stream.once('error', (error: Error) => {
      this.#logger.error({ err: error }, 'consumer stream failed; reopening it from the committed offsets')
      this.#reopen(stream).catch(() => undefined)
    })
  }

  /**
   * @platformatic/kafka ends a stream for good on some fetch errors (a broker missing from its
   * metadata while it restarts), so a rolling restart would stop the consumer. Records already
   * taken are finished and committed first, then fetching starts again where they left off.
   */
  async #reopen (failed: MessagesStream<Buffer, Buffer, string, string>): Promise<void> {
    for (let attempt = 1; !this.#abort.signal.aborted; attempt++) {
      await failed.close().catch(() => undefined)
      await Promise.allSettled([...this.#partitions.values()])
      for (const [slot, message] of this.#uncommitted) this.#commit(slot, message)
      await Promise.allSettled([...this.#commits])
      await sleep(backoffMs(attempt, this.options.backoff), undefined, { signal: this.#abort.signal }).catch(() => undefined)
      if (this.#abort.signal.aborted) return
      try {
        await this.#openStream()
        this.#metrics.streamReopened.inc({ group: this.options.groupId })
        return
      } catch (error) {
        this.#logger.warn({ err: error, attempt }, 'reopening the consumer stream failed; trying again')
      }
    }
  }

  /** The partitions the group has assigned to this member now, per topic. */
  assignment (): Map<string, number[]> {
    return new Map((this.#wire?.assignments ?? []).map(a => [a.topic, [...a.partitions].sort((x, y) => x - y)]))
  }

  /**
   * Records between this member's committed offset and the end of each partition it owns, also
   * published as tackle_consumer_lag_records. Partitions it does not own are left out: the wire
   * library reports every partition this member ever committed, so the assignment filters them.
   */
  async refreshLag (): Promise<Map<string, Map<number, bigint>>> {
    const wire = this.#wire
    if (!wire) return new Map()
    const lag = await wire.getLag({ topics: this.#topics })
    const assigned = this.assignment()
    const result = new Map<string, Map<number, bigint>>()
    const seen = new Set<string>()
    for (const [topic, partitions] of lag) {
      const owned = new Map<number, bigint>()
      const mine = new Set(assigned.get(topic) ?? [])
      partitions.forEach((records, partition) => {
        if (records < 0n || !mine.has(partition)) return
        owned.set(partition, records)
        const labels = { group: this.options.groupId, topic, partition: String(partition) }
        this.#metrics.lag.set(labels, Number(records))
        seen.add(JSON.stringify(labels))
      })
      result.set(topic, owned)
    }
    // A partition that moved to another member is no longer ours to report.
    for (const key of this.#lagLabels) if (!seen.has(key)) this.#metrics.lag.remove(JSON.parse(key) as Record<string, string>)
    this.#lagLabels.clear()
    for (const key of seen) this.#lagLabels.add(key)
    return result
  }

  #accept (message: WireMessage): void {
    this.#metrics.consumed.inc({ group: this.options.groupId, topic: message.topic })
    this.#buffered++
    this.#metrics.buffered.set({ group: this.options.groupId }, this.#buffered)
    if (this.#buffered >= this.options.maxBufferedRecords && !this.#paused) {
      this.#paused = true
      this.#stream?.pause()
    }
    const slot = `${message.topic}\0${message.partition}`
    this.#waiting.set(slot, (this.#waiting.get(slot) ?? 0) + 1)
    if (this.options.batchHandler !== undefined) {
      // One drain loop per partition takes whatever waits there, a batch at a time: no promise per record.
      const waiting = this.#pending.get(slot)
      if (waiting) waiting.push(message)
      else this.#pending.set(slot, [message])
      if (!this.#partitions.has(slot)) this.#partitions.set(slot, this.#drain(slot))
      return
    }
    // One promise chain per partition keeps its records in order.
    const previous = this.#partitions.get(slot) ?? Promise.resolve()
    const next = previous.then(() => this.#withSlot(() => this.#handle(message))).catch((error: unknown) => {
      this.#logger.error({ err: error, topic: message.topic, partition: message.partition, offset: String(message.offset) }, 'record left unhandled; it will be redelivered')
    }).finally(() => {
      this.#finished(slot, 1)
      if (this.#partitions.get(slot) === next) this.#partitions.delete(slot)
    })
    this.#partitions.set(slot, next)
  }

  /** A partition's records, a batch at a time, until none waits; then the loop ends (a new record starts another). */
  async #drain (slot: string): Promise<void> {
    for (;;) {
      const waiting = this.#pending.get(slot)
      if (!waiting || waiting.length === 0) {
        // In the same turn as the check, so a record arriving next starts a new loop.
        this.#pending.delete(slot)
        this.#partitions.delete(slot)
        return
      }
      const batch = waiting.splice(0, this.options.maxBatchRecords)
      try {
        await this.#withSlot(() => this.#handleBatch(batch))
      } catch (error) {
        const first = batch[0] as WireMessage
        this.#logger.error({ err: error, topic: first.topic, partition: first.partition, offset: String(first.offset), records: batch.length }, 'records left unhandled; they will be redelivered')
      } finally {
        this.#finished(slot, batch.length)
      }
    }
  }

  /** Records of a partition are done with (handled, parked or left for redelivery): room in the buffer again. */
  #finished (slot: string, records: number): void {
    this.#waiting.set(slot, (this.#waiting.get(slot) ?? records) - records)
    this.#buffered -= records
    this.#metrics.buffered.set({ group: this.options.groupId }, this.#buffered)
    if (this.#paused && this.#buffered <= this.options.maxBufferedRecords / 2) {
      this.#paused = false
      this.#stream?.resume()
    }
  }

  async #withSlot (work: () => Promise<void>): Promise<void> {
    while (this.#running >= this.options.partitionConcurrency) await new Promise<void>(resolve => this.#slotWaiters.push(resolve))
    this.#running++
    try {
      await work()
    } finally {
      this.#running--
      this.#slotWaiters.shift()?.()
    }
  }

  async #handle (message: WireMessage): Promise<void> {
    if (this.#abort.signal.aborted) return
    const started = performance.now()
    const fromRetry = message.topic === this.options.retryTopic
    const earlier = fromRetry ? readFailure(message.headers) : undefined
    const origin = earlier?.origin ?? { topic: message.topic, partition: message.partition, offset: message.offset }
    if (earlier?.retryAt) {
      const wait = earlier.retryAt.getTime() - Date.now()
      if (wait > 0) await sleep(wait, undefined, { signal: this.#abort.signal }).catch(() => undefined)
      if (this.#abort.signal.aborted) return
    }

    let value: T
    try {
      value = this.options.topic.validate(this.options.topic.serde.deserialize(message.value))
    } catch (error) {
      // A record that cannot be read will never succeed: no retries, straight to the DLQ.
      await this.#park(message, this.options.dlqTopic, { error: String((error as Error).message), attempts: 0, origin, failedAt: new Date() })
      return this.#done(message, 'dlq', started)
    }

    const firstAttempt = (earlier?.attempts ?? 0) + 1
    let lastError: unknown
    try {
      // Attempts count on across the retry topic: its headers say how many came before.
      await retry(async n => {
        const context = { topic: origin.topic, partition: origin.partition, offset: origin.offset, key: message.key?.toString(), headers: message.headers, attempt: firstAttempt + n - 1, signal: this.#abort.signal }
        await inProcessSpan(message.topic, message.headers, { 'messaging.consumer.group.name': this.options.groupId, 'messaging.kafka.offset': Number(message.offset) }, () => this.options.handler(value, context))
      }, this.#retryOptions(message.topic))
      return this.#done(message, 'ok', started)
    } catch (error) {
      // Closing: the record stays uncommitted, for the next run.
      if (this.#abort.signal.aborted) return
      lastError = error
    }
    const attempts = firstAttempt + this.options.attempts - 1
    const failure: Failure = { error: String((lastError as Error)?.message ?? lastError), attempts, origin, failedAt: new Date() }
    if (!fromRetry && this.options.retryTopic) {
      await this.#park(message, this.options.retryTopic, { ...failure, retryAt: new Date(Date.now() + this.options.retryDelayMs) })
      return this.#done(message, 'retry-topic', started)
    }
    await this.#park(message, this.options.dlqTopic, failure)
    this.#metrics.deadLettered.inc({ group: this.options.groupId, topic: origin.topic })
    return this.#done(message, 'dlq', started)
  }

  /** The in-process tries of a record or batch: the configured attempts and backoff, stopped by close(). */
  #retryOptions (topic: string): RetryOptions {
    return {
      attempts: this.options.attempts,
      backoff: this.options.backoff,
      signal: this.#abort.signal,
      canRetry: () => true,
      onRetry: () => this.#metrics.retries.inc({ group: this.options.groupId, topic }),
    }
  }

  async #handleBatch (messages: WireMessage[]): Promise<void> {
    if (this.#abort.signal.aborted) return
    // Records back from the retry topic wait for their time and go one by one.
    if (messages[0]?.topic === this.options.retryTopic) {
      for (const message of messages) await this.#handle(message)
      return
    }
    const started = performance.now()
    const records: Array<{ value: T, context: ConsumeContext }> = []
    const unreadable = new Set<WireMessage>()
    for (const message of messages) {
      try {
        const value = this.options.topic.validate(this.options.topic.serde.deserialize(message.value))
        records.push({ value, context: { topic: message.topic, partition: message.partition, offset: message.offset, key: message.key?.toString(), headers: message.headers, attempt: 1, signal: this.#abort.signal } })
      } catch (error) {
        // Parked now, but done (committed) only in turn, after the records before it.
        await this.#park(message, this.options.dlqTopic, { error: String((error as Error).message), attempts: 0, origin: { topic: message.topic, partition: message.partition, offset: message.offset }, failedAt: new Date() })
        unreadable.add(message)
      }
    }
    const batchHandler = this.options.batchHandler as BatchHandler<T>
    let handled = records.length === 0
    if (!handled) {
      const first = messages[0] as WireMessage
      const base = this.#retryOptions(first.topic)
      try {
        await retry(() => inProcessSpan(first.topic, first.headers, { 'messaging.consumer.group.name': this.options.groupId, 'messaging.batch.message_count': records.length }, () => batchHandler(records, this.#abort.signal)), {
          ...base,
          onRetry: (error, attempt, waitMs) => {
            this.#logger.warn({ err: error, records: records.length, attempt }, 'batch handler failed')
            base.onRetry?.(error, attempt, waitMs)
          },
        })
        handled = true
      } catch (error) {
        if (this.#abort.signal.aborted) return
        this.#logger.warn({ err: error, records: records.length, attempt: this.options.attempts }, 'batch handler failed; handling its records one by one')
      }
    }
    if (handled && unreadable.size === 0) {
      this.#doneBatch(messages, started)
      return
    }
    for (const message of messages) {
      if (unreadable.has(message)) await this.#done(message, 'dlq', started)
      else if (handled) await this.#done(message, 'ok', started)
      else await this.#handle(message)
    }
  }

  /** A whole batch handled: one metrics update and at most one commit, for its last record. */
  #doneBatch (messages: WireMessage[], started: number): void {
    const last = messages[messages.length - 1] as WireMessage
    this.#metrics.handled.inc({ group: this.options.groupId, topic: last.topic, outcome: 'ok' }, messages.length)
    this.#metrics.duration.observe({ group: this.options.groupId, topic: last.topic }, (performance.now() - started) / 1000)
    this.#commitOrDefer(`${last.topic}\0${last.partition}`, last, messages.length)
  }

  /** Forwards the record's bytes unchanged, with the failure in its headers; acknowledged before the commit. */
  async #park (message: WireMessage, topic: string, failure: Failure): Promise<void> {
    await this.#producer.send(passThroughTopic(topic), message.value, {
      ...(message.key ? { key: message.key.toString() } : {}),
      headers: failureHeaders(failure, message.headers),
    })
  }

  async #done (message: WireMessage, outcome: 'ok' | 'retry-topic' | 'dlq', started: number): Promise<void> {
    this.#metrics.handled.inc({ group: this.options.groupId, topic: message.topic, outcome })
    this.#metrics.duration.observe({ group: this.options.groupId, topic: message.topic }, (performance.now() - started) / 1000)
    // A record waiting behind this one in its partition will commit past it soon: skip, unless
    // the partition has gone a while without a commit (which bounds what a crash redelivers).
    this.#commitOrDefer(`${message.topic}\0${message.partition}`, message, 1)
  }

  /** `done` records up to `message` are finished; commit, unless records behind them will soon. */
  #commitOrDefer (slot: string, message: WireMessage, done: number): void {
    if ((this.#waiting.get(slot) ?? 0) > done && Date.now() - (this.#committedAt.get(slot) ?? 0) < COMMIT_EVERY_MS) {
      // The commit timer covers it should the record behind get stuck.
      this.#uncommitted.set(slot, message)
      return
    }
    this.#commit(slot, message)
  }

  #commit (slot: string, message: WireMessage): void {
    this.#uncommitted.delete(slot)
    this.#committedAt.set(slot, Date.now())
    // Not awaited: the wire library merges a partition's commits into one request in flight at a
    // time, keeping the highest offset, so the next record need not wait a round trip. The commit
    // is still asked for only after the record was handled: at least once holds.
    const commit = Promise.resolve(message.commit()).catch((error: unknown) => {
      // After a rebalance the partition may belong to another member, which will see the record
      // again: at least once, never an offset committed for a partition we no longer own.
      this.#logger.warn({ err: error, topic: message.topic, partition: message.partition }, 'commit refused; the record will be redelivered')
    }).finally(() => this.#commits.delete(commit))
    this.#commits.add(commit)
  }

  /** For /readyz: why the consumer is not consuming, or undefined when it is. */
  notReadyReason (): string | undefined {
    if (this.#abort.signal.aborted) return 'closed'
    if (!this.#stream) return 'not started'
    return undefined
  }

  /**
   * Stops fetching, lets records already being handled finish and commit, then leaves the group.
   * Records fetched but not yet started are left uncommitted, for the next owner.
   */
  async close (): Promise<void> {
    clearInterval(this.#lagTimer)
    this.#stream?.pause()
    this.#abort.abort()
    // In-flight handlers may finish, but a stuck one must not hold the shutdown for ever.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([Promise.allSettled([...this.#partitions.values()]), new Promise(resolve => { timer = setTimeout(resolve, CLOSE_WAIT_MS) })])
    clearTimeout(timer)
    clearInterval(this.#commitTimer)
    for (const [slot, message] of this.#uncommitted) this.#commit(slot, message)
    await Promise.allSettled([...this.#commits])
    await this.#stream?.close()
    await this.#wire?.close(true)
    await this.#producer.close({ timeoutMs: 10_000 })
  }
}
