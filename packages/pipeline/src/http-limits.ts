// Limits every HTTP server of Tackle's sets, so that a slow or idle client cannot hold a
// connection for ever (slowloris) and many cannot exhaust the process: Node's own timeouts for
// the headers and the whole request, checked every second (Node's default is every 30 s), an
// idle keep-alive timeout, and a cap on open connections past which new ones are dropped.
import type { Server } from 'node:http'
import { PipelineError, PipelineErrorCodes } from './errors.ts'

export interface HttpLimits {
  /** Time for a request's headers to arrive. */
  headersTimeoutMs: number
  /** Time for a whole request, body included, to arrive. */
  requestTimeoutMs: number
  /** How long an idle keep-alive connection stays open between requests. */
  keepAliveTimeoutMs: number
  /** Open connections at most; past it new ones are closed at once. */
  maxConnections: number
}

export const defaultHttpLimits: Readonly<HttpLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_024,
})

export function resolveHttpLimits (given: Partial<HttpLimits> = {}): Readonly<HttpLimits> {
  const limits = { ...defaultHttpLimits }
  for (const name of Object.keys(defaultHttpLimits) as Array<keyof HttpLimits>) if (given[name] !== undefined) limits[name] = given[name]
  for (const [name, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value < 1) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `${name} must be a whole number ≥ 1, got ${String(value)}`)
  }
  if (limits.headersTimeoutMs > limits.requestTimeoutMs) throw new PipelineError(PipelineErrorCodes.INVALID_OPTIONS, `headersTimeoutMs (${limits.headersTimeoutMs}) must not exceed requestTimeoutMs (${limits.requestTimeoutMs})`)
  return Object.freeze(limits)
}

/** Fastify's constructor options for these limits. */
export function fastifyHttpOptions (limits: Readonly<HttpLimits>) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // A socket with no traffic at all for this long is closed, whatever it is waiting for.
    connectionTimeout: limits.requestTimeoutMs,
    http: { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: 1_000 },
  }
}

export function capConnections (server: Server, limits: Readonly<HttpLimits>): void {
  server.maxConnections = limits.maxConnections
}
