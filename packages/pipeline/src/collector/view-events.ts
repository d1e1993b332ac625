// One event name for a page view whichever SDK sent it (posthog-js's $pageview, analytics.js's
// page call), and one for a screen view, with the URL and the page's name as properties: counts
// and insights see "page views", not one event per URL or per page title. The names are
// PostHog's, as its SDKs and its own Segment source use them ($current_url, $screen_name).
import type { EventType } from '../event.ts'

export const PAGEVIEW_EVENT = '$pageview'
export const SCREEN_EVENT = '$screen'

/** The stored event name of a call: views get the shared names, other calls keep theirs. */
export function storedEventName (type: EventType, name: string | null): string | null {
  if (type === 'page') return PAGEVIEW_EVENT
  if (type === 'screen') return SCREEN_EVENT
  return name
}

/**
 * A Segment page or screen call's properties with PostHog's names added beside Segment's, so one
 * property means the URL (or the screen) in either SDK's events. Nothing given is overwritten.
 */
export function viewProperties (type: EventType, name: string | null, properties: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (type !== 'page' && type !== 'screen') return { ...properties }
  const added: Record<string, unknown> = {}
  if (name !== null && properties.name === undefined) added.name = name
  if (type === 'page' && typeof properties.url === 'string' && properties.$current_url === undefined) added.$current_url = properties.url
  if (type === 'screen' && name !== null && properties.$screen_name === undefined) added.$screen_name = name
  return { ...properties, ...added }
}
