// PostHog's capture endpoints (/batch for posthog-node, /e and /i/v0/e for posthog-js, /capture
// for the HTTP API), trailing slash or not. A body is one event, an array of them, or
// {"batch": [...]}; the project key is `api_key` (or `token`).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import { routeDoc } from '../openapi.ts'
import { PosthogCaptureSchema } from './api-schemas.ts'
import { decodeBody } from './decode-body.ts'
import { ingest, outcome, sortItems } from './ingest.ts'
import { isObject } from './item-fields.ts'
import { normalizePosthogItem, posthogApiKey } from './normalize-posthog.ts'
import type { CollectorOptions } from './options.ts'
import { knownWriteKey } from './write-keys.ts'

export function posthogApi (options: Readonly<CollectorOptions>) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    const handle = async (request: FastifyRequest) => {
      const receivedAt = options.now()
      const body = decodeBody(request.body, options.maxBatchBytes)
      const writeKey = knownWriteKey(options.writeKeys, posthogApiKey(body), '"api_key" in the body')
      let items: unknown[]
      if (Array.isArray(body)) items = body
      else if (isObject(body) && body.batch !== undefined) {
        if (!Array.isArray(body.batch)) throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, '"batch" must be an array of events')
        items = body.batch
      } else if (isObject(body)) items = [body]
      else throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, 'the body must be an event, an array of events or {"batch": [...]}')
      const sentAt = isObject(body) ? body.sent_at : undefined
      const ctx = { writeKey, receivedAt, sentAt, ip: request.ip ?? null, maxEventBytes: options.maxEventBytes }
      const facts = { writeKey, receivedAt }
      const sorted = sortItems(items, item => normalizePosthogItem(item, ctx), facts)
      return { status: 1, ...outcome(await ingest(options.producer, options.topics, sorted, facts)) }
    }
    const schema = routeDoc('posthog', 'Capture one event or a batch', { body: PosthogCaptureSchema })
    for (const path of ['/batch', '/e', '/capture', '/i/v0/e']) app.post(path, { schema }, handle)
  }
}
