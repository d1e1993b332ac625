// The webhook destination: batches of events as one JSON POST, signed the way Stripe signs its
// webhooks (X-Tackle-Signature: t=UNIX,v1=hex HMAC-SHA256 of "t.body"), so a receiver can check
// origin and freshness. 5xx, 408, 429, timeouts and network errors are retried with backoff,
// waiting as long as Retry-After says (RFC 9110 §10.2.3: seconds or an HTTP date); any other 4xx
// is the receiver refusing the batch, which the consumer then tries record by record, so one bad
// event ends in the DLQ alone.
import { createHash, createHmac } from 'node:crypto'
import { retry, type BackoffOptions } from '@tackle/client'
import type { Logger } from 'pino'
import type { PipelineEvent } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import type { Destination, WebhookConfig } from './destination.ts'

const BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, multiplier: 2, jitter: 0.2 }
/** A Retry-After longer than this is waited this long, then asked again. */
const MAX_RETRY_AFTER_MS = 600_000

/** Stripe's scheme: the receiver recomputes HMAC-SHA256(secret, `${t}.${body}`) and compares, and rejects an old t. */
export function webhookSignature (secret: string, unixSeconds: number, body: string): string {
  return `t=${unixSeconds},v1=${createHmac('sha256', secret).update(`${unixSeconds}.${body}`).digest('hex')}`
}

/** Retry-After in milliseconds from now: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs (header: string | null | undefined, now = Date.now()): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined
  const text = header.trim()
  if (/^\d+$/.test(text)) return Math.min(Number(text) * 1000, MAX_RETRY_AFTER_MS)
  // An HTTP date starts with the day's name (IMF-fixdate and the two obsolete forms); Date.parse alone takes "-5" for a year.
  const at = /^[A-Za-z]{3,9},? /.test(text) ? Date.parse(text) : Number.NaN
  return Number.isFinite(at) ? Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS) : undefined
}

/** Whether an answer is worth asking again: the receiver's trouble, not the request's. */
export function isTransientStatus (status: number): boolean {
  return status >= 500 || status === 408 || status === 429
}

/** Stable for the same events, so a receiver can tell a retried or redelivered batch. */
export function batchId (events: readonly PipelineEvent[]): string {
  const hash = createHash('sha256')
  for (const e of events) hash.update(`${e.writeKey}\0${e.messageId}\n`)
  return hash.digest('hex').slice(0, 32)
}

export interface WebhookOptions {
  logger?: Logger | undefined
  /** For tests: the clock and the wait. */
  now?: () => number
}

export function webhookDestination (config: WebhookConfig, options: WebhookOptions = {}): Destination {
  const now = options.now ?? Date.now
  const timeoutMs = config.timeoutMs ?? 10_000
  // fetch refuses a URL with credentials in it: they go as Basic auth instead.
  const target = new URL(config.url)
  const basic = target.username || target.password ? `Basic ${Buffer.from(`${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`).toString('base64')}` : undefined
  target.username = ''
  target.password = ''
  const post = async (body: string, events: readonly PipelineEvent[], signal: AbortSignal): Promise<{ status: number, retryAfter: string | null, location: string | null, text: string }> => {
    const headers: Record<string, string> = {
      ...(basic === undefined ? {} : { authorization: basic }),
      ...config.headers,
      'content-type': 'application/json',
      'user-agent': 'tackle-webhook/0.1',
      'x-tackle-destination': config.name,
      'x-tackle-batch-id': batchId(events),
    }
    if (config.secret !== undefined) headers['x-tackle-signature'] = webhookSignature(config.secret, Math.floor(now() / 1000), body)
    // A redirect is answered as it is, and refused below: a POST's body does not survive every kind.
    const response = await fetch(target, { method: 'POST', headers, body, signal: AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]), redirect: 'manual' })
    const text = await response.text().catch(() => '')
    return { status: response.status, retryAfter: response.headers.get('retry-after'), location: response.headers.get('location'), text }
  }
  return {
    name: config.name,
    async deliver (events, signal) {
      if (events.length === 0) return
      const body = JSON.stringify({ batch: events, sentAt: new Date(now()).toISOString() })
      const started = now()
      let tries = 0
      try {
        await retry(async attempt => {
          tries = attempt
          const answer = await post(body, events, signal)
          if (answer.status >= 200 && answer.status < 300) return
          if (!isTransientStatus(answer.status)) {
            const said = answer.status >= 300 && answer.status < 400
              ? `redirects are not followed; set url to the address it names (${answer.location ?? 'none given'})`
              : answer.text.slice(0, 200).replace(/\s+/g, ' ').trim()
            throw new PipelineError(PipelineErrorCodes.DESTINATION_REJECTED, `webhook ${config.name} answered ${answer.status} to ${events.length} events${said ? `: ${said}` : ''}`)
          }
          throw new TransientAnswer(answer.status, answer.retryAfter)
        }, {
          attempts: Infinity,
          backoff: BACKOFF,
          signal,
          deadlineMs: config.maxRetryMs,
          canRetry: error => !(error instanceof PipelineError),
          delayMs: error => error instanceof TransientAnswer ? retryAfterMs(error.retryAfter, now()) : undefined,
          onRetry: (error, attempt, waitMs) => options.logger?.warn({ destination: config.name, attempt, waitMs, events: events.length }, `webhook ${problemOf(error, timeoutMs)}; trying again, the events wait in Kafka`),
        })
      } catch (error) {
        if (error instanceof PipelineError || signal.aborted) throw error
        throw new PipelineError(PipelineErrorCodes.DESTINATION_FAILED, `webhook ${config.name} ${problemOf(error, timeoutMs)}; gave up after ${tries} tries in ${Math.round((now() - started) / 1000)} s (maxRetryMs ${config.maxRetryMs})`, { cause: error })
      }
    },
    async close () {},
  }
}

/** A 5xx, 408 or 429: the receiver's trouble, tried again. */
class TransientAnswer extends Error {
  readonly status: number
  readonly retryAfter: string | null
  constructor (status: number, retryAfter: string | null) {
    super(`answered ${status}`)
    this.status = status
    this.retryAfter = retryAfter
  }
}

function problemOf (error: unknown, timeoutMs: number): string {
  if (error instanceof TransientAnswer) return error.message
  if ((error as Error)?.name === 'TimeoutError') return `no answer within ${timeoutMs} ms`
  const cause = (error as { cause?: { code?: string, message?: string } })?.cause
  return `unreachable (${cause?.code ?? cause?.message ?? (error as Error)?.message ?? String(error)})`
}
