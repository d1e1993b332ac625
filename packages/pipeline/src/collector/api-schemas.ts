// What the collector's routes take and answer, for its OpenAPI document. Bodies arrive as raw
// bytes (SDKs send JSON as text/plain, gzip, or a form field), so the handlers decode and check
// them item by item, accepting the good items of a batch beside the bad: these schemas describe
// the decoded JSON, and Fastify validates nothing against them.
import { Type } from '@tackle/client'

const Json = Type.Record(Type.String(), Type.Unknown())
const When = Type.String({ description: 'ISO 8601' })

export const SegmentItemSchema = Type.Object({
  type: Type.Optional(Type.String({ enum: ['track', 'identify', 'page', 'screen', 'group', 'alias'], description: 'in a batch; the path names it otherwise' })),
  messageId: Type.Optional(Type.String({ description: 'the dedupe key: a resent item with the same one is stored once' })),
  userId: Type.Optional(Type.String()),
  anonymousId: Type.Optional(Type.String()),
  event: Type.Optional(Type.String({ description: 'track' })),
  name: Type.Optional(Type.String({ description: 'page and screen' })),
  groupId: Type.Optional(Type.String({ description: 'group' })),
  previousId: Type.Optional(Type.String({ description: 'alias' })),
  properties: Type.Optional(Json),
  traits: Type.Optional(Json),
  context: Type.Optional(Type.Object({ ip: Type.Optional(Type.String()), userAgent: Type.Optional(Type.String()) }, { additionalProperties: true })),
  timestamp: Type.Optional(When),
  sentAt: Type.Optional(When),
}, { additionalProperties: true, description: "One call of Segment's HTTP Tracking API" })

export const SegmentBatchSchema = Type.Object({
  batch: Type.Array(SegmentItemSchema),
  writeKey: Type.Optional(Type.String({ description: 'when not sent as the HTTP Basic user' })),
  sentAt: Type.Optional(When),
  context: Type.Optional(Json),
}, { additionalProperties: true })

export const PosthogEventSchema = Type.Object({
  event: Type.String({ description: 'the event name; $pageview, $identify, $create_alias, $set … as PostHog has them' }),
  distinct_id: Type.Optional(Type.String({ description: 'or properties.distinct_id' })),
  uuid: Type.Optional(Type.String({ description: 'the dedupe key' })),
  properties: Type.Optional(Json),
  timestamp: Type.Optional(When),
  api_key: Type.Optional(Type.String({ description: 'the write key (or token)' })),
  token: Type.Optional(Type.String()),
}, { additionalProperties: true, description: 'One PostHog capture event' })

export const PosthogCaptureSchema = Type.Union([
  PosthogEventSchema,
  Type.Array(PosthogEventSchema),
  Type.Object({ batch: Type.Array(PosthogEventSchema), api_key: Type.Optional(Type.String()), sent_at: Type.Optional(When) }, { additionalProperties: true }),
], { description: 'JSON, gzip (Content-Encoding or ?compression=gzip-js), or form-encoded data= in base64 (?compression=base64)' })

export const FlagsRequestSchema = Type.Object({
  token: Type.String({ description: 'the write key' }),
  distinct_id: Type.String(),
  $anon_distinct_id: Type.Optional(Type.String()),
  flag_keys: Type.Optional(Type.Array(Type.String())),
}, { additionalProperties: true })

export const WriteKeyParams = Type.Object({ writeKey: Type.String() })
export const TokenParams = Type.Object({ token: Type.String({ description: 'the write key' }) })
