// Browser, OS and device type from a user-agent string, parsed by Bowser and named as posthog-js
// names them ($browser, $os, $device_type), so events from any SDK can be grouped alike.
import Bowser from 'bowser'

export interface UserAgentFacts {
  browser: string | null
  browserVersion: string | null
  os: string | null
  osVersion: string | null
  /** Desktop, Mobile, Tablet, TV or Bot, as PostHog capitalises them. */
  deviceType: string | null
}

const DEVICE_TYPES: Record<string, string> = { desktop: 'Desktop', mobile: 'Mobile', tablet: 'Tablet', tv: 'TV', bot: 'Bot' }

/** Bowser answers '' where it recognises nothing. */
const known = (value: string | undefined): string | null => value === undefined || value === '' ? null : value

export function parseUserAgent (userAgent: string): UserAgentFacts {
  const parsed = Bowser.parse(userAgent)
  return {
    browser: known(parsed.browser.name),
    browserVersion: known(parsed.browser.version),
    os: known(parsed.os.name),
    // Windows NT 10.0 is Windows 10 (and 11): the name people know.
    osVersion: known(parsed.os.versionName) ?? known(parsed.os.version),
    deviceType: DEVICE_TYPES[parsed.platform.type ?? ''] ?? null,
  }
}

/**
 * A parser that remembers the last `size` answers: an app's users share a few hundred user
 * agents, and parsing one costs far more than looking it up.
 */
export function cachedParser<T> (parse: (input: string) => T, size = 2_000): (input: string) => T {
  const cache = new Map<string, T>()
  return input => {
    let answer = cache.get(input)
    if (answer !== undefined) {
      // Map keeps insertion order: deleting and setting moves the entry to the young end.
      cache.delete(input)
    } else {
      answer = parse(input)
      if (cache.size >= size) cache.delete(cache.keys().next().value as string)
    }
    cache.set(input, answer)
    return answer
  }
}
