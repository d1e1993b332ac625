// Segment's HTTP Tracking API spec (segment.com/docs/connections/sources/catalog/libraries/server/http-api):
// track needs `event`; every call needs userId or anonymousId (alias: userId and previousId);
// messageId is kept and made up when missing; timestamp is corrected with sentAt.
import { randomUUID } from 'node:crypto'
import { EVENT_TYPES, type EventType, type PipelineEvent } from '../event.ts'
import type { ItemContext } from './item-context.ts'
import { correctedTimestamp, dateField, idField, isObject, objectField, sizeCheck, stringField, typeOf, type Checked } from './item-fields.ts'

export function normalizeSegmentItem (item: unknown, pathType: EventType | undefined, ctx: ItemContext, batchContext: Record<string, unknown> = {}): Checked<PipelineEvent> {
  if (!isObject(item)) return { ok: false, reason: `event must be an object, got ${typeOf(item)}` }
  const oversized = sizeCheck(item, ctx.maxEventBytes)
  if (oversized) return oversized

  const type = pathType ?? item.type
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    return { ok: false, reason: `type must be one of ${EVENT_TYPES.join(', ')}, got ${JSON.stringify(type ?? null)}` }
  }
  const userId = idField(item, 'userId')
  if (!userId.ok) return userId
  const anonymousId = idField(item, 'anonymousId')
  if (!anonymousId.ok) return anonymousId
  if (userId.value === null && anonymousId.value === null) return { ok: false, reason: 'userId or anonymousId is required' }
  if (type === 'alias') {
    const previousId = idField(item, 'previousId')
    if (!previousId.ok) return previousId
    if (previousId.value === null || userId.value === null) return { ok: false, reason: 'alias needs userId and previousId' }
  }
  if (type === 'group') {
    const groupId = idField(item, 'groupId')
    if (!groupId.ok) return groupId
    if (groupId.value === null) return { ok: false, reason: 'group needs groupId' }
  }
  const name = stringField(item, type === 'track' ? 'event' : 'name', type === 'track')
  if (!name.ok) return name
  const messageId = stringField(item, 'messageId', false)
  if (!messageId.ok) return messageId

  const properties = objectField(item, 'properties')
  if (!properties.ok) return properties
  const traits = objectField(item, 'traits')
  if (!traits.ok) return traits
  const context = objectField(item, 'context')
  if (!context.ok) return context
  const timestamp = dateField(item.timestamp, 'timestamp')
  if (!timestamp.ok) return timestamp
  const sentAt = dateField(item.sentAt ?? ctx.sentAt, 'sentAt')
  if (!sentAt.ok) return sentAt

  const extra: Record<string, unknown> = {}
  for (const field of ['previousId', 'groupId'] as const) if (item[field] !== undefined) extra[field] = String(item[field])
  const mergedContext = { ...batchContext, ...context.value }
  const ip = typeof mergedContext.ip === 'string' ? mergedContext.ip : ctx.ip
  return {
    ok: true,
    value: {
      messageId: messageId.value ?? `tackle-${randomUUID()}`,
      writeKey: ctx.writeKey,
      type: type as EventType,
      event: name.value,
      userId: userId.value,
      anonymousId: anonymousId.value,
      timestamp: correctedTimestamp(timestamp.value, sentAt.value, ctx.receivedAt).toISOString(),
      originalTimestamp: timestamp.value?.toISOString() ?? null,
      sentAt: sentAt.value?.toISOString() ?? null,
      receivedAt: ctx.receivedAt.toISOString(),
      properties: { ...properties.value, ...extra },
      traits: traits.value,
      context: mergedContext,
      source: 'segment',
      ip,
    },
  }
}
