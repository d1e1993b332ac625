// PostHog's capture API (posthog.com/docs/api/capture): an event has `event`, `distinct_id`,
// `properties`, `timestamp` and `uuid`. Its special events map onto Segment's call types, so both
// APIs land in one table: $identify → identify, $pageview → page, $screen → screen,
// $groupidentify → group, $create_alias → alias, anything else → track. Views keep PostHog's
// names as the stored event (view-events.ts), the URL staying in $current_url.
import { randomUUID } from 'node:crypto'
import type { EventType, PipelineEvent } from '../event.ts'
import type { ItemContext } from './item-context.ts'
import { storedEventName } from './view-events.ts'
import { dateField, eventTime, flagAdjusted, idField, isObject, objectField, sizeCheck, stringField, typeOf, type Checked } from './item-fields.ts'

const SPECIAL_EVENTS: Record<string, EventType> = {
  $identify: 'identify',
  $pageview: 'page',
  $screen: 'screen',
  $groupidentify: 'group',
  $create_alias: 'alias',
}

export function normalizePosthogItem (item: unknown, ctx: ItemContext): Checked<PipelineEvent> {
  if (!isObject(item)) return { ok: false, reason: `event must be an object, got ${typeOf(item)}` }
  const oversized = sizeCheck(item, ctx.maxEventBytes)
  if (oversized) return oversized

  const name = stringField(item, 'event', true)
  if (!name.ok) return name
  const properties = objectField(item, 'properties')
  if (!properties.ok) return properties
  // posthog-node puts distinct_id at the top; posthog-js inside properties.
  const distinctId = idField({ distinct_id: item.distinct_id ?? properties.value.distinct_id }, 'distinct_id')
  if (!distinctId.ok) return distinctId
  if (distinctId.value === null) return { ok: false, reason: 'distinct_id is required' }
  const uuid = stringField(item, 'uuid', false)
  if (!uuid.ok) return uuid
  const timestamp = dateField(item.timestamp, 'timestamp')
  if (!timestamp.ok) return timestamp
  const sentAt = dateField(item.sent_at ?? ctx.sentAt, 'sent_at')
  if (!sentAt.ok) return sentAt

  const type = SPECIAL_EVENTS[name.value as string] ?? 'track'
  const set = isObject(properties.value.$set) ? properties.value.$set : {}
  const ip = typeof properties.value.$ip === 'string' ? properties.value.$ip : ctx.ip
  const time = eventTime(timestamp.value, sentAt.value, ctx.receivedAt)
  const event = storedEventName(type, type === 'track' ? name.value : null)
  return {
    ok: true,
    value: {
      messageId: uuid.value ?? `tackle-${randomUUID()}`,
      writeKey: ctx.writeKey,
      type,
      event,
      userId: distinctId.value,
      anonymousId: stringOrNull(properties.value.$anon_distinct_id),
      timestamp: time.timestamp.toISOString(),
      originalTimestamp: timestamp.value?.toISOString() ?? null,
      sentAt: sentAt.value?.toISOString() ?? null,
      receivedAt: ctx.receivedAt.toISOString(),
      properties: properties.value,
      traits: set,
      context: flagAdjusted({ library: libraryOf(item, properties.value) }, time, timestamp.value),
      source: 'posthog',
      ip,
    },
  }
}

function stringOrNull (value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null
}

function libraryOf (item: Record<string, unknown>, properties: Record<string, unknown>): Record<string, unknown> {
  const lib = properties.$lib ?? item.library
  const version = properties.$lib_version ?? item.library_version
  return { name: typeof lib === 'string' ? lib : null, version: typeof version === 'string' ? version : null }
}

/** The project key: the body's api_key (or token), else the first event's. */
export function posthogApiKey (body: unknown): string | undefined {
  const candidates: unknown[] = []
  if (isObject(body)) {
    candidates.push(body.api_key, body.token)
    const batch = Array.isArray(body.batch) ? body.batch : Array.isArray(body.data) ? body.data : undefined
    if (batch) candidates.push(...firstKeys(batch[0]))
    candidates.push(...firstKeys(body))
  } else if (Array.isArray(body)) {
    candidates.push(...firstKeys(body[0]))
  }
  return candidates.find((c): c is string => typeof c === 'string' && c !== '')
}

function firstKeys (item: unknown): unknown[] {
  if (!isObject(item)) return []
  const properties = objectField(item, 'properties')
  return [item.api_key, item.token, properties.ok ? properties.value.token : undefined]
}

