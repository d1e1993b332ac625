// Unmodified posthog-js in a real headless Chromium against a real pipeline (Kafka, collector,
// processors, DuckDB): its automatic $pageview, custom events, identify, and the $pageleave it
// sends with sendBeacon as the visitor leaves the page, each stored exactly once, page views
// under one event name with the URL as a property. Twice: with the gzip its remote config offers, and with
// compression off, where its beacon is a form body of base64 (posthog-js's request.ts). Then
// analytics.js 2.0 the same way, with its settings from the collector and given inline.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { createPipeline, WRITE_KEY } from '@tackle/pipeline/testkit'
import { chromiumSkip, launchChromium } from './chromium.ts'

const skip = chromiumSkip
const POSTHOG_JS = readFileSync(createRequire(import.meta.url).resolve('posthog-js/dist/array.full.js'))

/** A test site whose page loads the SDK's script, and a fresh Chromium tab; `script` answers the SDK's files by path. */
async function shopPage (t: { after (fn: () => unknown): void }, tag: string, src: string, script: (path: string) => Buffer | undefined) {
  const site = createServer((request, response) => {
    const body = script(request.url ?? '')
    if (body !== undefined) return response.writeHead(200, { 'content-type': 'text/javascript' }).end(body)
    response.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><title>shop ${tag}</title><script src="${src}"></script>`)
  })
  await new Promise<void>(resolve => site.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise(resolve => site.close(resolve)))
  const browser = await launchChromium(t)
  return { site, page: await browser.newPage() }
}

for (const compression of ['gzip-js', 'none'] as const) test(`posthog-js should have its page view, custom events, identify and the page-leave beacon each stored once (compression ${compression})`, { skip, timeout: 180_000 }, async (t) => {
  const pipeline = await createPipeline(t)
  const tag = randomUUID().slice(0, 8)
  const { site, page } = await shopPage(t, tag, '/posthog.js', path => path === '/posthog.js' ? POSTHOG_JS : undefined)
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  const url = `http://127.0.0.1:${(site.address() as { port: number }).port}/pricing?tag=${tag}`
  await page.goto(url)
  // Browser-side code as a string: the test's TypeScript has no DOM types. Events are captured
  // before the remote config answers; none may be lost to that.
  await page.evaluate(`new Promise(resolve => {
    posthog.init(${JSON.stringify(WRITE_KEY)}, {
      api_host: ${JSON.stringify(pipeline.collector.url)}, persistence: 'memory', autocapture: false,
      capture_pageview: true, capture_pageleave: true, disable_session_recording: true,
      // Headless Chromium says so in its user agent, which posthog-js drops as a bot by default.
      opt_out_useragent_filter: true, disable_compression: ${compression === 'none'},
    })
    for (let n = 0; n < 20; n++) posthog.capture('Viewed Plan ${tag}', { n })
    posthog.identify('user-${tag}', { plan: 'pro' })
    setTimeout(resolve, 1500)
  })`)
  // The visitor leaves for another page: pagehide, on which posthog-js sends $pageleave (and
  // anything queued) by sendBeacon. Closing the tab instead raced the renderer's teardown in
  // headless Chromium, which now and then dropped the beacon before it left the browser.
  await page.goto('about:blank')

  const rows = async () => pipeline.store.query(`SELECT message_id, event, type, user_id, properties FROM events WHERE json_extract_string(properties, '$."$current_url"') = $1 OR event = $2 OR user_id = $3`, [url, `Viewed Plan ${tag}`, `user-${tag}`])
  const deadline = Date.now() + 60_000
  let stored = await rows()
  const complete = () => stored.some(r => r.event === '$pageleave') && stored.filter(r => r.event === `Viewed Plan ${tag}`).length >= 20 && stored.some(r => r.event === '$pageview') && stored.some(r => r.type === 'identify')
  while (!complete() && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 250))
    stored = await rows()
  }
  const count = (event: string) => stored.filter(r => r.event === event).length
  assert.equal(count(`Viewed Plan ${tag}`), 20, 'every custom event, once')
  assert.equal(count('$pageview'), 1, 'the page view, once, under one event name')
  assert.equal(count('$pageleave'), 1, 'the page-leave sent by sendBeacon as the page closed, once')
  assert.equal(stored.filter(r => r.type === 'identify').length, 1, 'identify, once')
  assert.equal(new Set(stored.map(r => r.message_id)).size, stored.length, 'no event stored twice')
  const pageview = stored.find(r => r.event === '$pageview')
  assert.equal((typeof pageview?.properties === 'string' ? JSON.parse(pageview.properties) : pageview?.properties).$current_url, url)
  assert.deepEqual(errors, [])
})

// analytics.js 2.0 as npm ships it for a page (its UMD build, global AnalyticsNext), served by the
// test's own site, so nothing loads from Segment's CDN. Twice: settings from the collector
// (cdnURL) with events sent as they are called; and settings inline with its batching delivery,
// which holds every event until the visitor leaves the page and then sends them in one keepalive
// request, as analytics-next's batched dispatcher does on pagehide.
const ANALYTICS_NEXT_DIR = dirname(createRequire(import.meta.url).resolve('@segment/analytics-next/dist/umd/index.js'))

for (const settings of ['cdnURL', 'inline'] as const) test(`analytics.js 2.0 should have its page call, custom events and identify each stored once (${settings === 'cdnURL' ? 'settings from the collector' : 'settings inline, batched and sent as the visitor leaves the page'})`, { skip, timeout: 180_000 }, async (t) => {
  const pipeline = await createPipeline(t)
  const tag = randomUUID().slice(0, 8)
  const { site, page } = await shopPage(t, tag, '/analytics/index.js', path => {
    const file = /^\/analytics\/([\w.-]+\.js)$/.exec(path)?.[1]
    return file === undefined ? undefined : readFileSync(join(ANALYTICS_NEXT_DIR, file))
  })
  // What the browser saw go wrong, for the assertion messages: an event missing is then explained.
  const trouble: string[] = []
  page.on('pageerror', error => trouble.push(`page error: ${error.message}`))
  page.on('requestfailed', request => trouble.push(`${request.method()} ${request.url()} failed: ${request.failure()?.errorText}`))
  page.on('response', response => { if (response.status() >= 300) trouble.push(`${response.request().method()} ${response.url()} answered ${response.status()}`) })
  const collector = new URL(pipeline.collector.url)
  const posts: string[] = []
  // Answered means the whole response arrived ('response' fires on its headers); a request still
  // in flight when the page is left is aborted by the browser, which is not the pipeline's doing.
  let answered = 0
  let inFlight = 0
  const toCollector = (request: { method (): string, url (): string }) => request.method() === 'POST' && request.url().startsWith(pipeline.collector.url)
  page.on('request', request => { if (toCollector(request)) { posts.push(new URL(request.url()).pathname); inFlight++ } })
  page.on('requestfailed', request => { if (toCollector(request)) inFlight-- })
  page.on('requestfinished', request => {
    if (!toCollector(request)) return
    inFlight--
    void request.response().then(response => { if (response?.status() === 200) answered++ })
  })
  const load = settings === 'cdnURL'
    ? [{ writeKey: WRITE_KEY, cdnURL: pipeline.collector.url }, {}]
    : [{ writeKey: WRITE_KEY, cdnSettings: { integrations: { 'Segment.io': { apiKey: WRITE_KEY, apiHost: `${collector.host}/v1`, protocol: 'http' } } } },
        { integrations: { 'Segment.io': { deliveryStrategy: { strategy: 'batching', config: { size: 100, timeout: 120_000 } } } } }]
  await page.goto(`http://127.0.0.1:${(site.address() as { port: number }).port}/pricing`)
  // Called at once on the buffered instance: calls made before the settings arrive must not be lost.
  await page.evaluate(`new Promise(resolve => {
    const analytics = AnalyticsNext.AnalyticsBrowser.load(...${JSON.stringify(load)})
    analytics.page('Pricing', { tag: ${JSON.stringify(tag)} })
    for (let n = 0; n < 20; n++) analytics.track('Viewed Plan ${tag}', { n, tag: ${JSON.stringify(tag)} })
    analytics.identify('user-${tag}', { plan: 'pro' })
    setTimeout(resolve, 1500)
  })`)
  if (settings === 'inline') assert.deepEqual(posts, [], 'the batching delivery holds every event while the page is open')
  // Sent one by one, each is answered before the page closes: a retry still pending then would be the SDK's loss, not the pipeline's.
  for (const until = Date.now() + 30_000; settings === 'cdnURL' && (answered < 22 || inFlight > 0) && Date.now() < until;) await new Promise(resolve => setTimeout(resolve, 100))
  // The visitor leaves for another page: pagehide and a hidden visibility state, on which the batching delivery sends.
  await page.goto('about:blank')

  const rows = async () => pipeline.store.query(`SELECT message_id, event, type, user_id, properties FROM events WHERE json_extract_string(properties, '$.tag') = $1 OR user_id = $2`, [tag, `user-${tag}`])
  const deadline = Date.now() + 60_000
  let stored = await rows()
  const count = (event: string) => stored.filter(r => r.event === event).length
  const complete = () => count(`Viewed Plan ${tag}`) >= 20 && count('$pageview') >= 1 && stored.some(r => r.type === 'identify')
  while (!complete() && Date.now() < deadline) {
    await new Promise(resolve => setTimeout(resolve, 250))
    stored = await rows()
  }
  const seen = `; the browser saw: ${trouble.join('; ') || 'nothing wrong'}`
  assert.equal(count(`Viewed Plan ${tag}`), 20, `every custom event, once${seen}`)
  assert.equal(count('$pageview'), 1, `the page call, once, under the one page-view name${seen}`)
  assert.equal(stored.filter(r => r.type === 'identify').length, 1, `identify, once${seen}`)
  assert.equal(new Set(stored.map(r => r.message_id)).size, stored.length, 'no event stored twice')
  const properties = (row: { properties?: unknown } | undefined) => (typeof row?.properties === 'string' ? JSON.parse(row.properties) : row?.properties) as Record<string, unknown>
  const view = properties(stored.find(r => r.event === '$pageview'))
  assert.equal(view.name, 'Pricing')
  assert.match(String(view.$current_url), /\/pricing$/)
  // The processor read analytics.js's context.userAgent: headless Chromium is a browser, and a bot.
  assert.deepEqual([view.$browser, view.$is_bot], ['Chrome', true])
  assert.deepEqual(trouble, [])
})
