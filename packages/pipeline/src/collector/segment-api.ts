// Segment's HTTP Tracking API: one route per call type, analytics.js's one-letter aliases, and
// /v1/batch. The write key comes as the HTTP Basic user (analytics-node) or as `writeKey` in the
// body (analytics.js with text/plain). Also the settings analytics.js 2.0 loads from its CDN
// (`cdnURL` pointed here): GET /v1/projects/{writeKey}/settings, naming this collector as the
// Segment.io destination's apiHost (analytics-next's segmentio plugin sends to
// `${protocol}://${apiHost}/${t|p|i|...}`), with no other destination and metrics off.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { EventType } from '../event.ts'
import { PipelineError, PipelineErrorCodes } from '../errors.ts'
import { routeDoc } from '../openapi.ts'
import { SegmentBatchSchema, SegmentItemSchema, WriteKeyParams } from './api-schemas.ts'
import { decodeBody } from './decode-body.ts'
import { ingest, outcome, sortItems } from './ingest.ts'
import { isObject } from './item-fields.ts'
import { normalizeSegmentItem } from './normalize-segment.ts'
import type { CollectorOptions } from './options.ts'
import { knownWriteKey } from './write-keys.ts'

const CALLS: ReadonlyArray<[EventType, string]> = [['track', 't'], ['identify', 'i'], ['page', 'p'], ['screen', 's'], ['group', 'g'], ['alias', 'a']]

export function segmentApi (options: Readonly<CollectorOptions>) {
  return async function plugin (app: FastifyInstance): Promise<void> {
    const handle = async (request: FastifyRequest, type: EventType | undefined) => {
      const receivedAt = options.now()
      const body = decodeBody(request.body, options.maxBatchBytes)
      const writeKey = knownWriteKey(options.writeKeys, basicUser(request.headers.authorization) ?? (isObject(body) ? body.writeKey : undefined), 'the HTTP Basic user or "writeKey"')
      if (!isObject(body)) throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, 'the body must be a JSON object')
      let items: unknown[] = [body]
      if (type === undefined) {
        if (!Array.isArray(body.batch)) throw new PipelineError(PipelineErrorCodes.BAD_REQUEST, '"batch" must be an array of events')
        items = body.batch
      }
      const ctx = { writeKey, receivedAt, sentAt: body.sentAt, ip: request.ip ?? null, maxEventBytes: options.maxEventBytes }
      const batchContext = type === undefined && isObject(body.context) ? body.context : {}
      const facts = { writeKey, receivedAt }
      const sorted = sortItems(items, item => normalizeSegmentItem(item, type, ctx, batchContext), facts)
      return { success: true, ...outcome(await ingest(options.producer, options.topics, sorted, facts)) }
    }
    for (const [type, short] of CALLS) {
      const schema = routeDoc('segment', `A ${type} call`, { body: SegmentItemSchema })
      app.post(`/v1/${type}`, { schema }, request => handle(request, type))
      app.post(`/v1/${short}`, { schema: { ...schema, summary: `A ${type} call (analytics.js's short path)` } }, request => handle(request, type))
    }
    const batch = routeDoc('segment', 'Several calls in one request', { body: SegmentBatchSchema })
    app.post('/v1/batch', { schema: batch }, request => handle(request, undefined))
    app.post('/v1/b', { schema: batch }, request => handle(request, undefined))
    app.get('/v1/projects/:writeKey/settings', { schema: routeDoc('segment', "analytics.js 2.0's CDN settings, naming this collector as the API host", { params: WriteKeyParams }) }, async request => {
      const writeKey = knownWriteKey(options.writeKeys, (request.params as { writeKey: string }).writeKey, 'the path /v1/projects/{writeKey}/settings')
      return cdnSettings(writeKey, `${request.host}/v1`, request.protocol)
    })
  }
}

function basicUser (header: string | undefined): string | undefined {
  if (!header?.toLowerCase().startsWith('basic ')) return undefined
  const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  return colon === -1 ? decoded : decoded.slice(0, colon)
}

/** analytics-next's LegacySettings: only the Segment.io destination, pointed at this collector. */
export function cdnSettings (writeKey: string, apiHost: string, protocol: string) {
  return {
    integrations: { 'Segment.io': { apiKey: writeKey, apiHost, protocol, unbundledIntegrations: [], addBundledMetadata: true, maybeBundledConfigIds: {} } },
    plan: { track: { __default: { enabled: true, integrations: {} } }, identify: { __default: { enabled: true } }, group: { __default: { enabled: true } } },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    // Nothing is reported to Segment's own metrics endpoint.
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  }
}
