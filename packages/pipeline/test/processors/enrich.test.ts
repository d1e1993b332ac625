import assert from 'node:assert/strict'
import { writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import type { PipelineEvent } from '../../src/event.ts'
import { botCheck } from '../../src/processors/bots.ts'
import { enricher, enrichmentRules } from '../../src/processors/enrich-event.ts'
import { bundledGeoIpFiles, GeoIp, locationOf } from '../../src/processors/geoip.ts'
import { cachedParser, parseUserAgent } from '../../src/processors/user-agent.ts'
import { applyPii, defaultPiiRules } from '../../src/processors/pii.ts'

const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1'
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1'
const WINDOWS_CHROME = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36'
const GOOGLEBOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
const HEADLESS = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36'

const event = (over: Partial<PipelineEvent> = {}): PipelineEvent => ({
  messageId: 'm', writeKey: 'wk', type: 'track', event: 'Signed Up', userId: 'u1', anonymousId: null,
  timestamp: '2026-11-25T10:00:00.000Z', originalTimestamp: null, sentAt: null, receivedAt: '2026-11-25T10:00:00.000Z',
  properties: {}, traits: {}, context: {}, source: 'segment', ip: null, ...over,
})

test('GeoIp should place IPv4, IPv6 and IPv4-mapped addresses with the bundled DB-IP database, and nothing private or malformed', () => {
  const geoip = new GeoIp()
  assert.deepEqual(geoip.lookup('81.2.69.142'), { countryCode: 'GB', countryName: 'United Kingdom', region: 'England', city: 'London', latitude: geoip.lookup('81.2.69.142')?.latitude, longitude: geoip.lookup('81.2.69.142')?.longitude })
  assert.equal(geoip.lookup('8.8.8.8')?.countryCode, 'US')
  assert.equal(geoip.lookup('::ffff:8.8.8.8')?.countryCode, 'US')
  assert.equal(geoip.lookup('2a00:1450:4001:82a::200e')?.countryCode, 'DE')
  for (const nowhere of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '::1', 'not an address', '']) assert.equal(geoip.lookup(nowhere), null, nowhere)
})

test('GeoIp should read a MaxMind DB file named by the team, never answer IPv6 from an IPv4-only one, and refuse a file that is none', async (t) => {
  const geoip = new GeoIp(bundledGeoIpFiles().ipv4)
  assert.equal(geoip.lookup('8.8.8.8')?.countryCode, 'US')
  assert.equal(geoip.lookup('2a00:1450:4001:82a::200e'), null, 'an IPv4-only database has no answer for IPv6')
  const dir = await mkdtemp(join(tmpdir(), 'tackle-geoip-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  await writeFile(join(dir, 'bad.mmdb'), 'not a database')
  assert.throws(() => new GeoIp(join(dir, 'bad.mmdb')), /bad\.mmdb \(pipeline\.enrichment\.geoipDatabase\) cannot be read as a MaxMind DB file/)
  assert.throws(() => new GeoIp(join(dir, 'missing.mmdb')), /missing\.mmdb .*cannot be read/)
})

test('locationOf should read MaxMind GeoIP2 records as well as DB-IP ones, and no country as no location', () => {
  assert.deepEqual(locationOf({ country: { iso_code: 'NO', names: { en: 'Norway' } }, subdivisions: [{ names: { en: 'Oslo County' } }], city: { names: { en: 'Oslo' } }, location: { latitude: 59.9, longitude: 10.7 } }),
    { countryCode: 'NO', countryName: 'Norway', region: 'Oslo County', city: 'Oslo', latitude: 59.9, longitude: 10.7 })
  assert.deepEqual(locationOf({ country_code: 'FR', state1: '', city: '' }), { countryCode: 'FR', countryName: 'France', region: null, city: null, latitude: null, longitude: null })
  assert.equal(locationOf({ city: 'Nowhere' }), null)
  assert.equal(locationOf({ country_code: 'not a code' }), null)
})

test('parseUserAgent should name browser, OS and device type as posthog-js does', () => {
  assert.deepEqual(parseUserAgent(IPHONE), { browser: 'Safari', browserVersion: '17.4', os: 'iOS', osVersion: '17.4', deviceType: 'Mobile' })
  assert.equal(parseUserAgent(IPAD).deviceType, 'Tablet')
  assert.deepEqual(parseUserAgent(WINDOWS_CHROME), { browser: 'Chrome', browserVersion: '131.0.0.0', os: 'Windows', osVersion: '10', deviceType: 'Desktop' })
  assert.deepEqual(parseUserAgent('curl-ish nonsense'), { browser: null, browserVersion: null, os: null, osVersion: null, deviceType: null })
})

test('cachedParser should answer a repeated input from its cache and forget the least recently used', () => {
  const calls: string[] = []
  const parse = cachedParser((s: string) => { calls.push(s); return s.length }, 2)
  assert.equal(parse('a'), 1)
  assert.equal(parse('bb'), 2)
  assert.equal(parse('a'), 1)
  assert.equal(parse('ccc'), 3, 'bb, the least recently used, goes')
  assert.equal(parse('a'), 1)
  assert.equal(parse('bb'), 2)
  assert.deepEqual(calls, ['a', 'bb', 'ccc', 'bb'])
})

test('botCheck should flag bots by isbot\'s list and the team\'s own patterns, and refuse a pattern that is no regular expression', () => {
  const plain = botCheck()
  assert.equal(plain(GOOGLEBOT), true)
  assert.equal(plain(HEADLESS), true)
  assert.equal(plain(IPHONE), false)
  const own = botCheck({ include: ['acme-synthetic-monitor'], exclude: ['HeadlessChrome/.* AcmeKiosk'] })
  assert.equal(own('Mozilla/5.0 acme-synthetic-monitor/3.1'), true)
  assert.equal(own(`${HEADLESS} AcmeKiosk/2`), false, 'an excluded pattern wins over the list')
  assert.equal(own(HEADLESS), true)
  assert.throws(() => botCheck({ include: ['ok', '(unclosed'], exclude: [] }), /enrichment\.bots\.include\[1\] is not a regular expression/)
  assert.throws(() => botCheck({ include: [], exclude: ['[z-a]'] }), /enrichment\.bots\.exclude\[0\] is not a regular expression/)
})

test('enricher should add location, browser and bot facts from the full IP and the SDK\'s user agent, keep what the SDK sent, then let the privacy rules anonymise the IP', () => {
  const enrich = enricher()
  const segment = enrich(event({ ip: '81.2.69.142', context: { userAgent: IPHONE } }))
  assert.equal(segment.properties.$geoip_country_code, 'GB')
  assert.equal(segment.properties.$geoip_country_name, 'United Kingdom')
  assert.equal(segment.properties.$geoip_subdivision_1_name, 'England')
  assert.equal(segment.properties.$geoip_city_name, 'London')
  assert.equal(typeof segment.properties.$geoip_latitude, 'number')
  assert.deepEqual([segment.properties.$browser, segment.properties.$os, segment.properties.$device_type, segment.properties.$is_bot], ['Safari', 'iOS', 'Mobile', false])
  const stored = applyPii(segment, defaultPiiRules)
  assert.equal(stored.ip, '81.2.69.0', 'located first, anonymised after')
  assert.equal(stored.properties.$geoip_city_name, 'London')

  const posthog = enrich(event({ source: 'posthog', ip: '8.8.8.8', properties: { $raw_user_agent: GOOGLEBOT, $browser: 'Chrome', $geoip_disable: true } }))
  assert.equal(posthog.properties.$browser, 'Chrome', 'the SDK\'s own value is kept')
  assert.equal(posthog.properties.$is_bot, true)
  assert.equal(posthog.properties.$geoip_country_code, undefined, '$geoip_disable is honoured')

  const server = event({ ip: '127.0.0.1' })
  assert.equal(enrich(server), server, 'nothing to add: the event as it was')
  assert.equal(enrich(event({ ip: '8.8.8.8' })).properties.$is_bot, undefined, 'no user agent, no verdict')
})

test('enrichmentRules should turn each part off on its own', () => {
  const bare = enricher(enrichmentRules({ geoip: false, userAgent: false }))
  const enriched = bare(event({ ip: '8.8.8.8', context: { userAgent: GOOGLEBOT } }))
  assert.deepEqual(enriched.properties, { $is_bot: true }, 'bots are still flagged, so insights can leave them out')
})
