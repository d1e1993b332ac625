import { ProtocolError, protocolErrorsCodesById } from '@platformatic/kafka'

export const ClientErrorCodes = {
  INVALID_VALUE: 'TACKLE_CLIENT_INVALID_VALUE',
  TOO_LARGE: 'TACKLE_CLIENT_TOO_LARGE',
  RETRIES_EXHAUSTED: 'TACKLE_CLIENT_RETRIES_EXHAUSTED',
  FATAL: 'TACKLE_CLIENT_FATAL',
  BUFFER_FULL: 'TACKLE_CLIENT_BUFFER_FULL',
  CLOSED: 'TACKLE_CLIENT_CLOSED',
  INVALID_OPTIONS: 'TACKLE_CLIENT_INVALID_OPTIONS',
  TOPIC_FAILED: 'TACKLE_CLIENT_TOPIC_FAILED',
  AUTHENTICATION_FAILED: 'TACKLE_CLIENT_AUTHENTICATION_FAILED',
  TLS_FAILED: 'TACKLE_CLIENT_TLS_FAILED',
  UNREACHABLE: 'TACKLE_CLIENT_UNREACHABLE',
  ADMIN_FAILED: 'TACKLE_CLIENT_ADMIN_FAILED',
} as const

export type ClientErrorCode = (typeof ClientErrorCodes)[keyof typeof ClientErrorCodes]

export const clientErrorFixes: Record<ClientErrorCode, string> = {
  TACKLE_CLIENT_INVALID_VALUE: 'The value does not match its topic\'s schema at the path named; fix the value or the schema. Nothing was sent.',
  TACKLE_CLIENT_TOO_LARGE: 'The serialized record is larger than maxRecordBytes (and the broker\'s message.max.bytes); split it. Nothing was sent.',
  TACKLE_CLIENT_RETRIES_EXHAUSTED: 'The cluster did not take the record within deliveryTimeoutMs. Check cluster health, then resend: when the error is indeterminate the record may be stored already, so resend with the same event id for consumers to dedupe.',
  TACKLE_CLIENT_FATAL: 'Kafka refused the record for a reason retrying cannot fix (authorization, a missing topic, a policy); the cause names it.',
  TACKLE_CLIENT_BUFFER_FULL: 'The producer\'s buffer stayed full: the cluster is slower than the sender. Slow down, raise maxBufferBytes, or use onBufferFull: \'wait\'.',
  TACKLE_CLIENT_CLOSED: 'The producer was closed; create a new one.',
  TACKLE_CLIENT_INVALID_OPTIONS: 'Correct the option named in the message.',
  TACKLE_CLIENT_TOPIC_FAILED: 'Creating or describing a topic failed; the cause names the broker\'s reason.',
  TACKLE_CLIENT_AUTHENTICATION_FAILED: 'Check KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD and KAFKA_SASL_MECHANISM (or security.sasl): the user must exist for that mechanism on the cluster. Nothing was sent.',
  TACKLE_CLIENT_TLS_FAILED: 'Point KAFKA_SSL_CA_FILE (or security.tls.caFile) at the CA that signed the brokers\' certificates, and check that the port is a TLS listener. Nothing was sent.',
  TACKLE_CLIENT_UNREACHABLE: 'No bootstrap broker answered: check KAFKA_BROKERS (or --brokers) and that the cluster is up.',
  TACKLE_CLIENT_ADMIN_FAILED: 'An admin request failed; the cause names the broker\'s reason. It is safe to rerun.',
}

export interface ClientErrorFacts {
  cause?: unknown
  canRetry?: boolean
  topic?: string
  partition?: number
  /** JSON-pointer paths of the values that failed validation. */
  paths?: string[]
  /** True when the record may have been stored although the send failed. */
  indeterminate?: boolean
}

export class ClientError extends Error {
  readonly code: ClientErrorCode
  readonly canRetry: boolean
  readonly fix: string
  readonly topic: string | undefined
  readonly partition: number | undefined
  readonly paths: string[]
  readonly indeterminate: boolean

  constructor (code: ClientErrorCode, message: string, facts: ClientErrorFacts = {}) {
    super(message, facts.cause === undefined ? undefined : { cause: facts.cause })
    this.name = 'ClientError'
    this.code = code
    this.canRetry = facts.canRetry ?? false
    this.fix = clientErrorFixes[code]
    this.topic = facts.topic
    this.partition = facts.partition
    this.paths = facts.paths ?? []
    this.indeterminate = facts.indeterminate ?? false
  }
}

/** An error and everything under it (an aggregate's `errors`, each `cause`), each once, outermost first. */
export function errorChain (error: unknown, seen = new Set<unknown>()): Array<{ code?: unknown, apiId?: unknown, message?: unknown }> {
  if (typeof error !== 'object' || error === null || seen.has(error)) return []
  seen.add(error)
  const e = error as { errors?: unknown[], cause?: unknown }
  return [error as { code?: unknown }, ...(e.errors ?? []).flatMap(x => errorChain(x, seen)), ...errorChain(e.cause, seen)]
}

/** Kafka's error name (UNKNOWN_TOPIC_OR_PARTITION, ...) somewhere in a @platformatic/kafka error tree. */
export function kafkaErrorNames (error: unknown): string[] {
  return errorChain(error).map(e => e.apiId).filter((id): id is string => typeof id === 'string')
}

/** Kafka's error for a code found inside a response, to carry as a cause that kafkaErrorNames reads; undefined for a code the wire library does not know. */
export function protocolError (errorCode: number): ProtocolError | undefined {
  return protocolErrorsCodesById[errorCode] ? new ProtocolError(errorCode) : undefined
}
