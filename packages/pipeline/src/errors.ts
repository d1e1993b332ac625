export const PipelineErrorCodes = {
  INVALID_OPTIONS: 'TACKLE_PIPELINE_INVALID_OPTIONS',
  BAD_REQUEST: 'TACKLE_PIPELINE_BAD_REQUEST',
  UNKNOWN_WRITE_KEY: 'TACKLE_PIPELINE_UNKNOWN_WRITE_KEY',
  TOO_LARGE: 'TACKLE_PIPELINE_TOO_LARGE',
  OVERLOADED: 'TACKLE_PIPELINE_OVERLOADED',
  UNAVAILABLE: 'TACKLE_PIPELINE_UNAVAILABLE',
  STORE_FAILED: 'TACKLE_PIPELINE_STORE_FAILED',
  STORE_REFUSED: 'TACKLE_PIPELINE_STORE_REFUSED',
  INTERNAL: 'TACKLE_PIPELINE_INTERNAL',
  NOT_FOUND: 'TACKLE_PIPELINE_NOT_FOUND',
  DESTINATION_REJECTED: 'TACKLE_PIPELINE_DESTINATION_REJECTED',
  DESTINATION_FAILED: 'TACKLE_PIPELINE_DESTINATION_FAILED',
} as const

export type PipelineErrorCode = (typeof PipelineErrorCodes)[keyof typeof PipelineErrorCodes]

export const pipelineErrorFixes: Record<PipelineErrorCode, string> = {
  TACKLE_PIPELINE_INVALID_OPTIONS: 'Correct the pipeline setting named in the message (environment variable or the "pipeline" section of tackle.config.json).',
  TACKLE_PIPELINE_BAD_REQUEST: 'Send a JSON body (optionally gzip) in the shape of the Segment or PostHog API; the message names the part that is wrong.',
  TACKLE_PIPELINE_UNKNOWN_WRITE_KEY: 'Send a write key the collector knows: HTTP Basic user, "writeKey" or "api_key"; TACKLE_WRITE_KEYS lists them.',
  TACKLE_PIPELINE_TOO_LARGE: 'Split the batch: at most 500 KB per request and 32 KB per event by default (TACKLE_MAX_BATCH_BYTES, TACKLE_MAX_EVENT_BYTES).',
  TACKLE_PIPELINE_OVERLOADED: 'Retry after the Retry-After seconds; SDKs do this on their own. Persistent? The cluster cannot keep up: check `tackle health`.',
  TACKLE_PIPELINE_UNAVAILABLE: 'Kafka did not acknowledge in time; retry after Retry-After. Check `tackle health` for offline partitions or brokers down.',
  TACKLE_PIPELINE_STORE_FAILED: 'The store refused a write: check the database is reachable (TACKLE_DATABASE_URL) and has room; the processors retry, and the events wait in Kafka meanwhile.',
  TACKLE_PIPELINE_STORE_REFUSED: 'The store refused these rows for what they hold (the message says which value); they are in failed_events with step "store". Fix the producer of such events, then `tackle events replay --step store`.',
  TACKLE_PIPELINE_INTERNAL: 'A bug in the collector: report it with the request that caused it. The request was not acknowledged.',
  TACKLE_PIPELINE_NOT_FOUND: 'Check the name or id in the request; the dashboard lists what exists.',
  TACKLE_PIPELINE_DESTINATION_REJECTED: 'The destination refused these events (the message gives its answer); they went to the destination\'s DLQ topic. Fix the receiver or the events, then `tackle destination replay NAME --from DATETIME`.',
  TACKLE_PIPELINE_DESTINATION_FAILED: 'The destination could not be reached or written (the message says why); its events wait in Kafka, `tackle lag` shows how many. Fix it, or set maxRetryMs to give up to its DLQ.',
}

const HTTP_STATUS: Record<PipelineErrorCode, number> = {
  TACKLE_PIPELINE_INVALID_OPTIONS: 500,
  TACKLE_PIPELINE_BAD_REQUEST: 400,
  TACKLE_PIPELINE_UNKNOWN_WRITE_KEY: 401,
  TACKLE_PIPELINE_TOO_LARGE: 413,
  TACKLE_PIPELINE_OVERLOADED: 429,
  TACKLE_PIPELINE_UNAVAILABLE: 503,
  TACKLE_PIPELINE_STORE_FAILED: 503,
  TACKLE_PIPELINE_STORE_REFUSED: 422,
  TACKLE_PIPELINE_INTERNAL: 500,
  TACKLE_PIPELINE_NOT_FOUND: 404,
  TACKLE_PIPELINE_DESTINATION_REJECTED: 502,
  TACKLE_PIPELINE_DESTINATION_FAILED: 502,
}

export class PipelineError extends Error {
  readonly code: PipelineErrorCode
  readonly canRetry: boolean
  readonly fix: string
  readonly statusCode: number
  /** Seconds a client should wait before it retries, for 429 and 503. */
  readonly retryAfterSec: number | undefined
  /** Per-item reasons, for a response body. */
  readonly details: unknown

  constructor (code: PipelineErrorCode, message: string, facts: { cause?: unknown, retryAfterSec?: number, details?: unknown } = {}) {
    super(message, facts.cause === undefined ? undefined : { cause: facts.cause })
    this.name = 'PipelineError'
    this.code = code
    this.statusCode = HTTP_STATUS[code]
    this.retryAfterSec = facts.retryAfterSec
    this.details = facts.details
    this.canRetry = this.statusCode === 429 || this.statusCode === 503
    this.fix = pipelineErrorFixes[code]
  }
}
