// Segment's HTTP Tracking API spec (segment.com/docs/connections/sources/catalog/libraries/server/http-api):
// track needs `event`; every call needs userId or anonymousId (alias: userId and previousId);
// messageId is kept and made up when missing; timestamp is corrected with sentAt.
import { randomUUID } from 'node:crypto'
import { EVENT_TYPES, type EventType, type PipelineEvent } from '../event.ts'
import type { ItemContext } from './item-context.ts'
import { dateField, eventTime, flagAdjusted, idField, isObject, objectField, sizeCheck, stringField, typeOf, type Checked } from './item-fields.ts'
import { storedEventName, viewProperties } from './view-events.ts'

export function normalizeSegmentItem (given: unknown, pathType: EventType | undefined, ctx: ItemContext, batchContext: Record<string, unknown> = {}): Checked<PipelineEvent> {
  if (!isObject(given)) return { ok: false, reason: `event must be an object, got ${typeOf(given)}` }
  // The batch's context is part of each item: the caps apply to the item as it will be stored.
  const item = withBatchContext(given, batchContext)
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
  const previousId = idField(item, 'previousId')
  if (!previousId.ok) return previousId
  if (type === 'alias' && (previousId.value === null || userId.value === null)) return { ok: false, reason: 'alias needs userId and previousId' }
  const groupId = idField(item, 'groupId')
  if (!groupId.ok) return groupId
  if (type === 'group' && groupId.value === null) return { ok: false, reason: 'group needs groupId' }
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
  if (previousId.value !== null) extra.previousId = previousId.value
  if (groupId.value !== null) extra.groupId = groupId.value
  const ip = typeof context.value.ip === 'string' ? context.value.ip : ctx.ip
  const time = eventTime(timestamp.value, sentAt.value, ctx.receivedAt)
  return {
    ok: true,
    value: {
      messageId: messageId.value ?? `tackle-${randomUUID()}`,
      writeKey: ctx.writeKey,
      type: type as EventType,
      event: storedEventName(type as EventType, name.value),
      userId: userId.value,
      anonymousId: anonymousId.value,
      timestamp: time.timestamp.toISOString(),
      originalTimestamp: timestamp.value?.toISOString() ?? null,
      sentAt: sentAt.value?.toISOString() ?? null,
      receivedAt: ctx.receivedAt.toISOString(),
      properties: { ...viewProperties(type as EventType, name.value, properties.value), ...extra },
      traits: traits.value,
      context: flagAdjusted(context.value, time, timestamp.value),
      source: 'segment',
      ip,
    },
  }
}

function withBatchContext (item: Record<string, unknown>, batchContext: Record<string, unknown>): Record<string, unknown> {
  if (Object.keys(batchContext).length === 0) return item
  if (item.context !== undefined && item.context !== null && !isObject(item.context)) return item
  return { ...item, context: { ...batchContext, ...(item.context as Record<string, unknown> | undefined) } }
}
