import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import { ClientError, ClientErrorCodes } from '../errors.ts'
import { defaultBackoffOptions, type BackoffOptions } from '../retry.ts'
import { resolveSecurity, type SecurityOptions } from '../security.ts'

export type Compression = 'lz4' | 'zstd' | 'gzip' | 'snappy' | 'none'

export interface ProducerOptions {
  bootstrapBrokers: readonly string[]
  clientId: string
  compression: Compression
  /** How long a record may wait for others to share its batch. */
  lingerMs: number
  /**
   * A partition's batch closes at this many bytes of records; it must stay under the broker's
   * message.max.bytes (1 MiB). A request carries one batch of each partition its broker leads.
   */
  batchBytes: number
  /** Records waiting for acknowledgement may hold at most this much memory. */
  maxBufferBytes: number
  maxRecordBytes: number
  /** With a full buffer, send() waits for room (up to maxBlockMs) or rejects at once. */
  onBufferFull: 'wait' | 'reject'
  maxBlockMs: number
  /** From send() to acknowledgement, retries included, as Java's delivery.timeout.ms. */
  deliveryTimeoutMs: number
  requestTimeoutMs: number
  backoff: BackoffOptions
  /**
   * Turning idempotence off gives up exactly-once writes per partition: a retried request can
   * store a record twice. It needs this explicit opt-in and logs a warning.
   */
  unsafeDisableIdempotence: boolean
  /**
   * Acknowledgement by the leader alone (1) or by nobody (0) instead of every in-sync replica: a
   * record acknowledged this way is lost when its leader fails before followers copy it (Jepsen's
   * Kafka analysis). For fault-injection controls and measurements only. Kafka's idempotence needs
   * acks=all, so this also needs unsafeDisableIdempotence; it logs a warning.
   */
  unsafeAcks: 0 | 1 | undefined
  /**
   * On SIGTERM, stop taking records, deliver what is buffered within deliveryTimeoutMs, log what
   * could not be, then let SIGTERM end the process as it would have.
   */
  closeOnSigterm: boolean
  /**
   * Where records go while the cluster is unreachable: a file in this directory, replayed in
   * order when it returns, and after a crash by the next producer given the same directory.
   * Spooled records resolve with `spooled: true` and carry a tackle-event-id header, so that a
   * replay which repeats one is detectable downstream. Off when undefined.
   */
  spool: SpoolOptions | undefined
  /** TLS and SASL; `securityFromEnv()` gives them from KAFKA_SECURITY_PROTOCOL and friends. Undefined is plaintext. */
  security: SecurityOptions | undefined
  registry: Registry | undefined
  logger: Logger | undefined
}

export interface SpoolOptions {
  dir: string
  /** How long sends may fail for want of a broker before records go to the spool. */
  unreachableAfterMs?: number
  /** How often the cluster is asked whether it is back, while records wait in the spool. */
  probeIntervalMs?: number
}

export const defaultSpoolOptions = Object.freeze({ unreachableAfterMs: 10_000, probeIntervalMs: 1_000 })

export const defaultProducerOptions = Object.freeze({
  clientId: 'tackle-producer',
  compression: 'lz4',
  lingerMs: 5,
  batchBytes: 512 * 1024,
  maxBufferBytes: 32 * 1024 * 1024,
  maxRecordBytes: 1024 * 1024 - 512,
  onBufferFull: 'wait',
  maxBlockMs: 60_000,
  deliveryTimeoutMs: 120_000,
  requestTimeoutMs: 30_000,
  backoff: defaultBackoffOptions,
  unsafeDisableIdempotence: false,
  unsafeAcks: undefined,
  closeOnSigterm: false,
  spool: undefined,
  security: undefined,
  registry: undefined,
  logger: undefined,
}) satisfies Omit<ProducerOptions, 'bootstrapBrokers'>

const MAX_BATCH_BYTES = 900 * 1024

const COMPRESSIONS: readonly Compression[] = ['lz4', 'zstd', 'gzip', 'snappy', 'none']

function invalid (message: string): never {
  throw new ClientError(ClientErrorCodes.INVALID_OPTIONS, message)
}

export function resolveProducerOptions (options: Partial<ProducerOptions> & Pick<ProducerOptions, 'bootstrapBrokers'>): Readonly<ProducerOptions> {
  const given = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined))
  const merged: ProducerOptions = { ...defaultProducerOptions, ...given } as ProducerOptions
  if (!Array.isArray(merged.bootstrapBrokers) || merged.bootstrapBrokers.length === 0) invalid('bootstrapBrokers must list at least one HOST:PORT')
  if (!COMPRESSIONS.includes(merged.compression)) invalid(`compression must be one of ${COMPRESSIONS.join(', ')}, got ${String(merged.compression)}`)
  for (const name of ['lingerMs', 'batchBytes', 'maxBufferBytes', 'maxRecordBytes', 'maxBlockMs', 'deliveryTimeoutMs', 'requestTimeoutMs'] as const) {
    const value = merged[name]
    if (!Number.isFinite(value) || value < 0) invalid(`${name} must be a number ≥ 0, got ${value}`)
  }
  if (merged.maxRecordBytes > merged.maxBufferBytes) invalid('maxRecordBytes must not exceed maxBufferBytes')
  if (merged.batchBytes > MAX_BATCH_BYTES) invalid(`batchBytes must be at most ${MAX_BATCH_BYTES}, under the broker's default message.max.bytes with room for record overhead`)
  if (merged.onBufferFull !== 'wait' && merged.onBufferFull !== 'reject') invalid(`onBufferFull must be 'wait' or 'reject', got ${String(merged.onBufferFull)}`)
  if (merged.unsafeAcks !== undefined && merged.unsafeAcks !== 0 && merged.unsafeAcks !== 1) invalid(`unsafeAcks must be 0 or 1 (undefined is acks=all), got ${String(merged.unsafeAcks)}`)
  if (merged.unsafeAcks !== undefined && !merged.unsafeDisableIdempotence) invalid('unsafeAcks needs unsafeDisableIdempotence: Kafka\'s idempotent producer requires acks=all')
  if (merged.spool !== undefined) {
    if (typeof merged.spool.dir !== 'string' || merged.spool.dir === '') invalid('spool.dir must name a directory')
    const spool = { ...defaultSpoolOptions, ...Object.fromEntries(Object.entries(merged.spool).filter(([, v]) => v !== undefined)) } as Required<SpoolOptions>
    for (const name of ['unreachableAfterMs', 'probeIntervalMs'] as const) {
      if (!Number.isFinite(spool[name]) || spool[name] <= 0) invalid(`spool.${name} must be a number > 0, got ${spool[name]}`)
    }
    merged.spool = Object.freeze(spool)
  }
  merged.bootstrapBrokers = Object.freeze([...merged.bootstrapBrokers])
  merged.backoff = Object.freeze({ ...merged.backoff })
  merged.security = resolveSecurity(merged.security)
  return Object.freeze(merged)
}
