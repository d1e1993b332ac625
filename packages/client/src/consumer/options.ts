import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { ClientError, ClientErrorCodes } from '../errors.ts'
import { defaultBackoffOptions, type BackoffOptions } from '../retry.ts'
import { resolveSecurity, type SecurityOptions } from '../security.ts'
import type { TopicDefinition } from '../topics/define-topic.ts'

export interface ConsumeContext {
  topic: string
  partition: number
  offset: bigint
  key: string | undefined
  headers: ReadonlyMap<string, string>
  /** 1 for the first try; counts on across the retry topic. */
  attempt: number
  /** Aborted when the consumer closes: a handler that waits (for a store to come back, say) stops waiting. */
  signal: AbortSignal
}

export type Handler<T> = (value: T, context: ConsumeContext) => Promise<void>

/**
 * Handles consecutive records of one partition at once (a bulk insert, say). If it throws after
 * its tries, each record of the batch goes through `handler` alone, so one poison record is
 * retried, parked and dead-lettered by itself.
 */
export type BatchHandler<T> = (records: ReadonlyArray<{ value: T, context: ConsumeContext }>, signal: AbortSignal) => Promise<void>

export interface ConsumerOptions<T> {
  bootstrapBrokers: readonly string[]
  groupId: string
  clientId: string
  topic: TopicDefinition<T>
  /** One record at a time; given only a batchHandler, a record is handed to it as a batch of one. */
  handler: Handler<T>
  /** Records of one partition that are waiting are handed over together, in order. */
  batchHandler: BatchHandler<T> | undefined
  /** The most records one batchHandler call gets. */
  maxBatchRecords: number
  /** Tries in process, with backoff between them, before a record leaves for the retry topic. */
  attempts: number
  backoff: BackoffOptions
  /** Where a record goes after its in-process tries; undefined skips straight to the DLQ. */
  retryTopic: string | undefined
  /** How long a record waits in the retry topic before its last tries. */
  retryDelayMs: number
  dlqTopic: string
  /** Partitions handled at once; within one partition, records are handled in order. */
  partitionConcurrency: number
  /** Fetched records waiting for a handler; past it, fetching pauses. */
  maxBufferedRecords: number
  /**
   * KIP-848's consumer group protocol (server-side assignment, no stop-the-world rebalances) where
   * the brokers offer it, else the classic one; or one of them by name.
   */
  groupProtocol: 'auto' | 'consumer' | 'classic'
  /** How often tackle_consumer_lag_records is refreshed; 0 turns it off. */
  lagIntervalMs: number
  /** TLS and SASL; `securityFromEnv()` gives them from KAFKA_SECURITY_PROTOCOL and friends. Undefined is plaintext. */
  security: SecurityOptions | undefined
  registry: Registry | undefined
  logger: Logger | undefined
}

/** A handler, a batchHandler, or both: a batch that fails is handled again record by record through `handler`, or through `batchHandler` one record at a time. */
export type ConsumerHandlers<T> = { handler: Handler<T>, batchHandler?: BatchHandler<T> | undefined } | { handler?: Handler<T> | undefined, batchHandler: BatchHandler<T> }

export type ConsumerOptionsInput<T> = Partial<Omit<ConsumerOptions<T>, 'handler' | 'batchHandler'>> & Pick<ConsumerOptions<T>, 'bootstrapBrokers' | 'groupId' | 'topic'> & ConsumerHandlers<T>

/** What a consumer uses for each option not given; the retry and dead-letter topics are `<topic>.retry` and `<topic>.dlq`. */
export const defaultConsumerOptions = Object.freeze({
  clientId: 'tackle-consumer',
  maxBatchRecords: 500,
  attempts: 3,
  backoff: defaultBackoffOptions,
  retryDelayMs: 5_000,
  partitionConcurrency: 6,
  maxBufferedRecords: 10_000,
  groupProtocol: 'auto' as const,
  lagIntervalMs: 10_000,
})

export function resolveConsumerOptions<T> (options: ConsumerOptionsInput<T>): Readonly<ConsumerOptions<T>> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as Partial<ConsumerOptions<T>>
  const merged = {
    ...defaultConsumerOptions,
    batchHandler: undefined,
    retryTopic: `${options.topic.name}.retry`,
    dlqTopic: `${options.topic.name}.dlq`,
    security: undefined,
    registry: undefined,
    logger: undefined,
    ...given,
  } as ConsumerOptions<T>
  if ('retryTopic' in options && options.retryTopic === undefined) merged.retryTopic = undefined
  for (const name of ['attempts', 'partitionConcurrency', 'maxBufferedRecords', 'maxBatchRecords'] as const) {
    if (!Number.isInteger(merged[name]) || merged[name] < 1) throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, `${name} must be a whole number ≥ 1, got ${merged[name]}`)
  }
  if (!(merged.retryDelayMs >= 0)) throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, `retryDelayMs must be ≥ 0, got ${merged.retryDelayMs}`)
  if (!['auto', 'consumer', 'classic'].includes(merged.groupProtocol)) throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, `groupProtocol must be 'auto', 'consumer' or 'classic', got ${String(merged.groupProtocol)}`)
  if (merged.batchHandler !== undefined && typeof merged.batchHandler !== 'function') throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, 'batchHandler must be a function')
  if (merged.handler === undefined && merged.batchHandler !== undefined) {
    const batchHandler = merged.batchHandler
    merged.handler = (value, context) => batchHandler([{ value, context }], context.signal)
  }
  if (typeof merged.handler !== 'function') throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, 'give handler or batchHandler, a function')
  merged.security = resolveSecurity(merged.security)
  merged.backoff = Object.freeze({ ...merged.backoff })
  return Object.freeze(merged)
}
