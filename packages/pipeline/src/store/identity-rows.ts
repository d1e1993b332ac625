// What an event says about who its sender is, kept beside the event in the same transaction:
// the links between ids (Segment's identify and alias, PostHog's $identify, $create_alias and
// $merge_dangerously) and the person properties it sets (identify traits, $set, $set_once).
// Resolving the links into persons is the analytics package's job; the store only keeps them,
// so a person can be rebuilt from what was stored, in any order it arrived.
import type { PipelineEvent } from '../event.ts'

export const LINK_KINDS = ['identify', 'alias', 'merge'] as const
export type LinkKind = (typeof LINK_KINDS)[number]

export interface IdentityLink {
  writeKey: string
  messageId: string
  kind: LinkKind
  /** The id the other is merged into (the user id); an identify with no other id marks it identified. */
  intoId: string
  otherId: string | null
  timestamp: string
}

export interface PropertySet {
  writeKey: string
  messageId: string
  distinctId: string
  key: string
  /** Strings as they are, anything else as JSON. */
  value: string
  kind: 'set' | 'set_once'
  timestamp: string
}

const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null)
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** The distinct id an event counts under: Segment's userId, else its anonymousId (PostHog's distinct_id is the userId). */
export function distinctIdOf (event: Pick<PipelineEvent, 'userId' | 'anonymousId'>): string | null {
  return event.userId ?? event.anonymousId
}

export function identityLinkOf (event: PipelineEvent): IdentityLink | null {
  const base = { writeKey: event.writeKey, messageId: event.messageId, timestamp: event.timestamp }
  if (event.userId === null) return null
  if (event.type === 'identify') return { ...base, kind: 'identify', intoId: event.userId, otherId: event.anonymousId }
  if (event.type === 'alias') {
    const other = text(event.source === 'segment' ? event.properties.previousId : event.properties.alias)
    return other === null ? null : { ...base, kind: 'alias', intoId: event.userId, otherId: other }
  }
  if (event.type === 'track' && event.event === '$merge_dangerously') {
    const other = text(event.properties.alias)
    return other === null ? null : { ...base, kind: 'merge', intoId: event.userId, otherId: other }
  }
  return null
}

export function propertySetsOf (event: PipelineEvent): PropertySet[] {
  const distinctId = distinctIdOf(event)
  if (distinctId === null) return []
  const sets: PropertySet[] = []
  const add = (values: unknown, kind: PropertySet['kind']) => {
    if (!isObject(values)) return
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) continue
      sets.push({ writeKey: event.writeKey, messageId: event.messageId, distinctId, key, value: typeof value === 'string' ? value : JSON.stringify(value), kind, timestamp: event.timestamp })
    }
  }
  // Segment's traits are person properties on identify only (elsewhere they describe the call);
  // the PostHog normaliser puts $set into traits on every event.
  if (event.type === 'identify' || event.source === 'posthog') add(event.traits, 'set')
  if (event.source === 'posthog') add(event.properties.$set_once, 'set_once')
  return sets
}
