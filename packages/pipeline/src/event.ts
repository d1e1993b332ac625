// The one shape every collected event takes on its way through Kafka to the store, whichever API
// it came in by. Field names follow Segment's spec; PostHog's capture maps onto them.
import { Type } from '@tackle/client'

export const EVENT_TYPES = ['track', 'identify', 'page', 'screen', 'group', 'alias'] as const
export type EventType = (typeof EVENT_TYPES)[number]

const JsonObject = Type.Record(Type.String(), Type.Unknown())
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()])

export const PipelineEventSchema = Type.Object({
  messageId: Type.String({ minLength: 1 }),
  writeKey: Type.String({ minLength: 1 }),
  type: Type.Union([Type.Literal('track'), Type.Literal('identify'), Type.Literal('page'), Type.Literal('screen'), Type.Literal('group'), Type.Literal('alias')]),
  /** The event's name for track, the page or screen name, else null. */
  event: Nullable(Type.String()),
  userId: Nullable(Type.String()),
  anonymousId: Nullable(Type.String()),
  /** When it happened, corrected for the client's clock skew (ISO 8601). */
  timestamp: Type.String(),
  /** The timestamp as the client sent it, if it sent one. */
  originalTimestamp: Nullable(Type.String()),
  sentAt: Nullable(Type.String()),
  /** Set by the collector when the request arrived. */
  receivedAt: Type.String(),
  properties: JsonObject,
  traits: JsonObject,
  context: JsonObject,
  source: Type.Union([Type.Literal('segment'), Type.Literal('posthog')]),
  ip: Nullable(Type.String()),
})

export type PipelineEvent = Type.Static<typeof PipelineEventSchema>

export const FailedEventSchema = Type.Object({
  reason: Type.String(),
  step: Type.Union([Type.Literal('collect'), Type.Literal('validate'), Type.Literal('process'), Type.Literal('store')]),
  writeKey: Nullable(Type.String()),
  messageId: Nullable(Type.String()),
  /** The item as it arrived (collect) or as normalised (later steps), for `tackle events replay`. */
  payload: Type.Unknown(),
  receivedAt: Type.String(),
  failedAt: Type.String(),
})

export type FailedEvent = Type.Static<typeof FailedEventSchema>

/** The identity whose events must stay in order: Segment's userId, else anonymousId. */
export function identityOf (event: Pick<PipelineEvent, 'userId' | 'anonymousId'>): string {
  return event.userId ?? event.anonymousId ?? ''
}

/** The Kafka key: one user's events of one source land on one partition, in order. */
export function eventKey (event: Pick<PipelineEvent, 'writeKey' | 'userId' | 'anonymousId'>): string {
  return `${event.writeKey}:${identityOf(event)}`
}
