// Facts added to each event as it is processed, before the privacy rules run (so the lookup sees
// the whole address, and a rule may still drop what it found). They are event properties under the
// names PostHog gives them, so insights filter and break down by them like any other property:
//   $geoip_country_code, $geoip_country_name, $geoip_subdivision_1_name, $geoip_city_name,
//   $geoip_latitude, $geoip_longitude   from the event's IP address (PostHog's GeoIP transformation)
//   $browser, $browser_version, $os, $os_version, $device_type   from the user agent (posthog-js)
//   $is_bot   true when the user agent is a bot's; insights leave such events out unless asked
// A value the SDK sent itself is kept (posthog-js sends $browser and $os), and an event with
// `$geoip_disable: true` is not located, as in PostHog. The user agent is the SDK's
// (context.userAgent from analytics.js, $raw_user_agent from posthog-js), never the HTTP
// request's: a server SDK's user agent says nothing of the person and would read as a bot.
import type { PipelineEvent } from '../event.ts'
import { botCheck, defaultBotRules, type BotRules } from './bots.ts'
import { GeoIp, type GeoLocation } from './geoip.ts'
import { cachedParser, parseUserAgent, type UserAgentFacts } from './user-agent.ts'

export interface EnrichmentRules {
  geoip: boolean
  /** A MaxMind DB file (GeoLite2 / GeoIP2 City, or DB-IP's) to locate addresses with instead of the bundled DB-IP City Lite. */
  geoipDatabase: string | undefined
  userAgent: boolean
  bots: BotRules
}

export const defaultEnrichmentRules: Readonly<EnrichmentRules> = Object.freeze({ geoip: true, geoipDatabase: undefined, userAgent: true, bots: defaultBotRules })

/** What the config file's pipeline.enrichment holds: any part may be left out. */
export interface EnrichmentSettings {
  geoip?: boolean | undefined
  geoipDatabase?: string | undefined
  userAgent?: boolean | undefined
  bots?: Partial<BotRules> | undefined
}

export function enrichmentRules (settings: EnrichmentSettings = {}): EnrichmentRules {
  return {
    geoip: settings.geoip ?? defaultEnrichmentRules.geoip,
    geoipDatabase: settings.geoipDatabase ?? defaultEnrichmentRules.geoipDatabase,
    userAgent: settings.userAgent ?? defaultEnrichmentRules.userAgent,
    bots: { ...defaultBotRules, ...settings.bots },
  }
}

export type Enrich = (event: PipelineEvent) => PipelineEvent

export function enricher (rules: EnrichmentRules = defaultEnrichmentRules): Enrich {
  const geoip = rules.geoip ? new GeoIp(rules.geoipDatabase) : undefined
  const isBot = botCheck(rules.bots)
  // What an address or a user agent adds, worked out once for each distinct one.
  const placeOf = geoip === undefined ? undefined : cachedParser(ip => geoProperties(geoip.lookup(ip)))
  const agentOf = cachedParser(userAgent => ({ ...(rules.userAgent ? userAgentProperties(parseUserAgent(userAgent)) : {}), $is_bot: isBot(userAgent) }))
  return event => {
    const userAgent = userAgentOf(event)
    const added = {
      ...(placeOf !== undefined && event.ip !== null && event.properties.$geoip_disable !== true ? placeOf(event.ip) : {}),
      ...(userAgent === null ? {} : agentOf(userAgent)),
    }
    const properties = { ...event.properties }
    let changed = false
    for (const [key, value] of Object.entries(added)) {
      if (value === null || properties[key] !== undefined) continue
      properties[key] = value
      changed = true
    }
    return changed ? { ...event, properties } : event
  }
}

function userAgentOf (event: PipelineEvent): string | null {
  const value = event.context.userAgent ?? event.properties.$raw_user_agent
  return typeof value === 'string' && value.trim() !== '' ? value : null
}

function geoProperties (location: GeoLocation | null): Record<string, unknown> {
  if (location === null) return {}
  return {
    $geoip_country_code: location.countryCode,
    $geoip_country_name: location.countryName,
    $geoip_subdivision_1_name: location.region,
    $geoip_city_name: location.city,
    $geoip_latitude: location.latitude,
    $geoip_longitude: location.longitude,
  }
}

function userAgentProperties (facts: UserAgentFacts): Record<string, unknown> {
  return { $browser: facts.browser, $browser_version: facts.browserVersion, $os: facts.os, $os_version: facts.osVersion, $device_type: facts.deviceType }
}
