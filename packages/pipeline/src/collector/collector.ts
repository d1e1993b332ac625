// The collector's HTTP server: both APIs, CORS (preflight included) for browser SDKs, and one
// error shape. Bodies are read as raw bytes for every content type, since SDKs send JSON as
// text/plain or gzip; the size cap applies before anything is parsed.
import cors from '@fastify/cors'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import { capConnections, fastifyHttpOptions } from '../http-limits.ts'
import { registerOpenApi, routeDoc, skipValidation } from '../openapi.ts'
import { tooLarge } from './decode-body.ts'
import { resolveCollectorOptions, type CollectorOptions, type CollectorOptionsInput } from './options.ts'
import { flagsApi } from './flags-api.ts'
import { posthogApi } from './posthog-api.ts'
import { segmentApi } from './segment-api.ts'

/** The version of the collector's HTTP API in its OpenAPI document. */
export const COLLECTOR_API_VERSION = '1.0.0'

export interface Collector {
  readonly app: FastifyInstance
  readonly url: string
  readonly options: Readonly<CollectorOptions>
  close (): Promise<void>
}

export async function buildCollector (input: CollectorOptionsInput): Promise<FastifyInstance> {
  return build(resolveCollectorOptions(input))
}

async function build (options: Readonly<CollectorOptions>): Promise<FastifyInstance> {
  const app = Fastify({ bodyLimit: options.maxBatchBytes, trustProxy: options.trustProxy, routerOptions: { ignoreTrailingSlash: true }, logger: false, ...fastifyHttpOptions(options) })
  capConnections(app.server, options)
  // Handlers decode and check bodies themselves; the route schemas only document them.
  app.setValidatorCompiler(skipValidation)
  await registerOpenApi(app, { title: 'Tackle collector', description: "Segment's HTTP Tracking API and PostHog's capture and flags APIs, written to Kafka before each answer", version: COLLECTOR_API_VERSION })
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
  await app.register(cors, { origin: true, methods: ['GET', 'POST', 'OPTIONS'], allowedHeaders: ['Content-Type', 'Authorization', 'Content-Encoding'], maxAge: 86_400 })
  app.setErrorHandler((error: FastifyError | PipelineError, request, reply) => {
    const known = error instanceof PipelineError ? error : fromFastify(error as FastifyError, options.maxBatchBytes)
    if (known.code === PipelineErrorCodes.INTERNAL) options.logger?.error({ err: error, url: request.url }, 'collector request failed')
    if (known.retryAfterSec !== undefined) void reply.header('Retry-After', String(known.retryAfterSec))
    return reply.status(known.statusCode).send({ success: false, status: 0, code: known.code, message: known.message, ...(known.details ? { errors: known.details } : {}) })
  })
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ success: false, status: 0, code: PipelineErrorCodes.NOT_FOUND, message: `no such endpoint: ${request.method} ${request.url.split('?')[0]}` }))
  app.get('/health', { schema: routeDoc('service', 'Whether the collector is up') }, async () => ({ ok: true }))
  await app.register(segmentApi(options))
  await app.register(posthogApi(options))
  await app.register(flagsApi(options))
  return app
}

function fromFastify (error: FastifyError, maxBatchBytes: number): PipelineError {
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return tooLarge(maxBatchBytes)
  if ((error.statusCode ?? 500) < 500) return new PipelineError(PipelineErrorCodes.BAD_REQUEST, error.message)
  // Not Kafka's doing, so not a 503: that would tell SDKs to send the same request for ever.
  return new PipelineError(PipelineErrorCodes.INTERNAL, `internal error: ${error.message}`, { cause: error })
}

export async function startCollector (input: CollectorOptionsInput): Promise<Collector> {
  const options = resolveCollectorOptions(input)
  const app = await build(options)
  const address = await app.listen({ port: options.port, host: options.host })
  return { app, url: address, options, close: () => app.close() }
}
