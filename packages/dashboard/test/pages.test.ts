// The insights, persons and live pages in a real headless Chromium, on a real store (DuckDB) with
// a fixture: every page loads without a script error, charts draw the right series and points,
// the funnel shows the fixture's numbers, a link reproduces a query, and a screenshot of each
// page is written to test-output/dashboard/ for a person to look at.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { test } from 'node:test'
import type { Page } from 'playwright-core'
import { DuckDbStore, LiveStats, type PipelineEvent } from '@tackle/pipeline'
import { startDashboard } from '../src/server.ts'
import { chromiumSkip, launchChromium } from './chromium.ts'

const skip = chromiumSkip
const TOKEN = 'pages-test-token-0123456789'
const SCREENSHOTS = new URL('../../../test-output/dashboard/', import.meta.url)
const DAY = 86_400_000
const TODAY = Math.floor(Date.now() / DAY) * DAY

let n = 0
const event = (id: { userId?: string, anonymousId?: string }, name: string | null, atMs: number, over: Partial<PipelineEvent> = {}): PipelineEvent => ({
  messageId: `p${++n}`, writeKey: 'wk', type: 'track', event: name, userId: id.userId ?? null, anonymousId: id.anonymousId ?? null,
  timestamp: new Date(atMs).toISOString(), originalTimestamp: null, sentAt: null, receivedAt: new Date(atMs).toISOString(), properties: {}, traits: {}, context: {}, source: 'segment', ip: null, ...over,
})

/** Ten persons view pricing two days ago; six sign up, three of them buy. One signs up anonymous and buys after identifying. */
function fixture (): PipelineEvent[] {
  const events: PipelineEvent[] = []
  const start = TODAY - 2 * DAY + 3_600_000
  for (let i = 0; i < 10; i++) {
    const who = i === 0 ? { anonymousId: 'anon-0' } : { anonymousId: `visitor-${i}` }
    events.push(event(who, 'Pricing Viewed', start + i * 60_000, { properties: { plan: i % 2 === 0 ? 'pro' : 'free' } }))
    if (i < 6) events.push(event(who, 'Signed Up', start + i * 60_000 + 30_000))
    if (i === 0) events.push(event({ userId: 'ada', anonymousId: 'anon-0' }, null, start + 40_000, { type: 'identify', traits: { email: 'ada@example.com' } }))
    if (i < 3) events.push(event(i === 0 ? { userId: 'ada' } : who, 'Order Completed', start + i * 60_000 + 50_000, { properties: { revenue: 20 + i } }))
  }
  // Live traffic of the last minutes, for the live page's rebuilt aggregates.
  for (let i = 0; i < 5; i++) events.push(event({ userId: 'ada' }, 'Page Viewed', Date.now() - i * 60_000))
  return events
}

// Browser-side code as strings: the test's TypeScript has no DOM types.
async function seriesOf (page: Page, id: string): Promise<Array<{ type: string, points: number }>> {
  return page.evaluate(`(() => {
    const chart = echarts.getInstanceByDom(document.getElementById(${JSON.stringify(id)}))
    return chart ? chart.getOption().series.map(s => ({ type: s.type, points: s.data.length })) : []
  })()`)
}

test('the dashboard pages should draw insights, a funnel with the fixture\'s numbers, a person and the live charts in a real browser', { skip, timeout: 120_000 }, async (t) => {
  const store = await DuckDbStore.open(':memory:')
  t.after(() => store.close())
  await store.insertEvents(fixture(), new Date())
  const stats = new LiveStats()
  await stats.rebuildFrom(store)
  const dashboard = await startDashboard({ store, stats, token: TOKEN, port: 0 })
  t.after(() => dashboard.close())
  const browser = await launchChromium(t)
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  const external: string[] = []
  page.on('request', request => { if (!request.url().startsWith(dashboard.url)) external.push(request.url()) })
  mkdirSync(SCREENSHOTS, { recursive: true })
  const shot = (name: string) => page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true })
  const open = async (hash: string) => {
    await page.goto(`${dashboard.url}/#${hash}`)
    await page.waitForFunction("/updated|live/.test(document.getElementById('status')?.textContent ?? '')", undefined, { timeout: 15_000 })
  }
  await page.goto(`${dashboard.url}/#token=${TOKEN}`)

  const range = { from: new Date(TODAY - 6 * DAY).toISOString(), to: new Date(TODAY + DAY).toISOString() }
  const trends = { kind: 'trends', series: [{ event: 'Pricing Viewed' }], breakdown: { property: 'plan' }, interval: 'day', ...range }
  await open(`insights?q=${encodeURIComponent(JSON.stringify(trends))}`)
  await page.locator('#insight-table tbody tr').nth(1).waitFor({ timeout: 15_000 })
  // Two breakdown values (pro, free), one point per day of the seven.
  assert.deepEqual(await seriesOf(page, 'insight-chart'), [{ type: 'line', points: 7 }, { type: 'line', points: 7 }])
  await shot('insights-trends')

  const funnel = { kind: 'funnel', steps: [{ event: 'Pricing Viewed' }, { event: 'Signed Up' }, { event: 'Order Completed' }], ...range }
  await open(`insights?q=${encodeURIComponent(JSON.stringify(funnel))}`)
  await page.locator('#insight-table tbody tr').nth(2).waitFor({ timeout: 15_000 })
  const rows = await page.locator('#insight-table tbody tr').allInnerTexts()
  assert.match(rows[0] as string, /^1\. Pricing Viewed\s+10\s+100\.0%/)
  assert.match(rows[1] as string, /^2\. Signed Up\s+6\s+60\.0%\s+60\.0%\s+4/)
  // Ada bought after identifying: counted on resolved persons, 3 of 10.
  assert.match(rows[2] as string, /^3\. Order Completed\s+3\s+30\.0%\s+50\.0%\s+3/)
  assert.deepEqual(await seriesOf(page, 'insight-chart'), [{ type: 'bar', points: 3 }])
  await shot('insights-funnel')

  // The form builds the query and puts it in the URL; opening that URL draws the same again.
  await page.selectOption('#q-kind', 'retention')
  await page.fill('#q-start', 'Pricing Viewed')
  await page.fill('#q-return', 'Order Completed')
  await page.selectOption('#q-range', '7')
  await page.click('#insight-form button[type=submit]')
  await page.waitForFunction("decodeURIComponent(location.hash).includes('\"event\":\"Pricing Viewed\"')")
  // The ten who viewed pricing two days ago are one first-time cohort.
  await page.locator('#insight-summary', { hasText: '7 day cohorts (first time), 10 persons.' }).waitFor({ timeout: 15_000 })
  const [retention] = await seriesOf(page, 'insight-chart')
  assert.equal(retention?.type, 'heatmap')
  const link = page.url()
  const table = await page.locator('#insight-table').innerText()
  await page.goto('about:blank')
  await page.goto(link)
  await page.locator('#insight-table tbody tr').first().waitFor({ timeout: 15_000 })
  assert.equal(await page.locator('#insight-table').innerText(), table)
  assert.equal(await page.inputValue('#q-kind'), 'retention')
  await shot('insights-retention')

  await open('persons?id=anon-0')
  await page.locator('#person-ids li').nth(1).waitFor({ timeout: 15_000 })
  assert.deepEqual(await page.locator('#person-ids li').allInnerTexts(), ['ada', 'anon-0'])
  assert.equal(await page.locator('#person-id').innerText(), 'ada')
  assert.match(await page.locator('#person-props').innerText(), /email\s+ada@example\.com/)
  assert.equal((await seriesOf(page, 'person-timeline'))[0]?.type, 'scatter')
  await shot('persons')

  await open('charts')
  await page.waitForFunction("document.getElementById('throughput')?.querySelector('svg') !== null", undefined, { timeout: 15_000 })
  const live = await seriesOf(page, 'throughput')
  // Rebuilt from the store: the live page starts with the last minutes' Page Viewed, and failures.
  assert.ok(live.some(s => s.type === 'bar' && s.points > 0), JSON.stringify(live))
  await shot('live')

  assert.deepEqual(errors, [], 'no script errors on the pages')
  assert.deepEqual(external, [], 'nothing loaded from anywhere but the dashboard')
  t.diagnostic(`screenshots in ${SCREENSHOTS.pathname}`)
})
