// An experiment end to end on a real pipeline (Kafka, collector, processors, DuckDB): defined
// through the dashboard's API; unmodified posthog-node and posthog-js (in a real Chromium) get
// their variants from the collector's /flags, send their $feature_flag_called exposures and
// conversions; the web user keeps their variant across identify; and the experiment page shows
// the table the assignment implies, with its charts drawn.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import { PostHog } from 'posthog-node'
import { Analytics, assignVariant } from '@tackle/analytics'
import { createPipeline, storedEvents, WRITE_KEY } from '@tackle/pipeline/testkit'
import { startDashboard } from '../src/server.ts'
import { chromiumSkip, launchChromium } from './chromium.ts'

const skip = chromiumSkip
const TOKEN = randomUUID()
const SCREENSHOTS = new URL('../../../test-output/dashboard/', import.meta.url)
const POSTHOG_JS = readFileSync(createRequire(import.meta.url).resolve('posthog-js/dist/array.full.js'))

test('an experiment should run end to end: posthog-node and posthog-js get variants from the collector, and the page shows the table', { skip, timeout: 180_000 }, async (t) => {
  let analytics: Analytics | undefined
  const pipeline = await createPipeline(t, {
    flags: store => {
      analytics = new Analytics(store)
      return analytics.experiments.flags
    },
  })
  t.after(() => analytics?.close())
  const dashboard = await startDashboard({ store: pipeline.store, stats: pipeline.stats, token: TOKEN, port: 0, ...(analytics ? { analytics } : {}) })
  t.after(() => dashboard.close())
  const api = (path: string, init: RequestInit = {}) => fetch(`${dashboard.url}${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' } })
  const id = `checkout-button-${randomUUID().slice(0, 6)}`
  const definition = {
    id,
    variants: [{ key: 'control', weight: 50 }, { key: 'test', weight: 50 }],
    metrics: [{ kind: 'conversion', event: 'Order Completed' }, { kind: 'mean', event: 'Order Completed', property: 'revenue', name: 'Revenue' }],
  }
  const created = await api('/api/experiments', { method: 'POST', body: JSON.stringify(definition) })
  assert.equal(created.status, 201, await created.clone().text())

  // posthog-node: 24 server-side users; three in four in test buy, one in three in control.
  const expected = { control: { persons: 0, buyers: 0 }, test: { persons: 0, buyers: 0 } }
  const node = new PostHog(WRITE_KEY, { host: pipeline.collector.url, flushAt: 1, flushInterval: 0 })
  for (let i = 0; i < 24; i++) {
    const distinctId = `node-${id}-${i}`
    const variant = await node.getFeatureFlag(id, distinctId)
    const assigned = assignVariant({ id, rollout: 100, variants: definition.variants }, distinctId).variant as 'control' | 'test'
    assert.equal(variant, assigned, `${distinctId} gets PostHog's assignment`)
    expected[assigned].persons++
    if (assigned === 'test' ? i % 4 !== 1 : i % 3 === 0) {
      node.capture({ distinctId, event: 'Order Completed', properties: { revenue: 10 } })
      expected[assigned].buyers++
    }
  }
  await node.shutdown()

  // posthog-js, unmodified, on a page of its own origin: flags, identify, flags again, a purchase.
  const site = createServer((request, response) => {
    if (request.url === '/posthog.js') return response.writeHead(200, { 'content-type': 'text/javascript' }).end(POSTHOG_JS)
    response.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>shop</title><script src="/posthog.js"></script>')
  })
  await new Promise<void>(resolve => site.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise(resolve => site.close(resolve)))
  const browser = await launchChromium(t)
  const page = await browser.newPage({ viewport: { width: 1280, height: 1400 } })
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  await page.goto(`http://127.0.0.1:${(site.address() as { port: number }).port}/`)
  // Browser-side code as a string: the test's TypeScript has no DOM types.
  const web = await page.evaluate(`new Promise((resolve, reject) => {
    setTimeout(() => reject(new Error('posthog-js got no flags in 20 s')), 20000)
    let loads = 0, anon, before
    posthog.init(${JSON.stringify(WRITE_KEY)}, {
      api_host: ${JSON.stringify(pipeline.collector.url)}, persistence: 'memory', autocapture: false, capture_pageview: false,
      disable_session_recording: true, request_batching: false,
      // Headless Chromium says so in its user agent, which posthog-js drops as a bot by default.
      opt_out_useragent_filter: true,
    })
    posthog.onFeatureFlags(() => {
      loads++
      if (loads === 1) {
        anon = posthog.get_distinct_id()
        before = posthog.getFeatureFlag(${JSON.stringify(id)})
        posthog.identify('web-' + ${JSON.stringify(id)})
      } else if (loads === 2) {
        const after = posthog.getFeatureFlag(${JSON.stringify(id)})
        const enabled = posthog.isFeatureEnabled(${JSON.stringify(id)})
        posthog.capture('Order Completed', { revenue: 25 })
        resolve({ anon, before, after, enabled })
      }
    })
  })`) as { anon: string, before: string, after: string, enabled: boolean }
  const webVariant = assignVariant({ id, rollout: 100, variants: definition.variants }, web.anon).variant as 'control' | 'test'
  assert.equal(web.before, webVariant, 'posthog-js gets PostHog\'s assignment for its anonymous id')
  assert.equal(web.after, webVariant, 'and keeps it after identify')
  assert.equal(web.enabled, true)
  expected[webVariant].persons++
  expected[webVariant].buyers++

  const buyers = expected.control.buyers + expected.test.buyers
  assert.equal((await storedEvents(pipeline.store, 'Order Completed', buyers)).length, buyers)
  assert.ok((await storedEvents(pipeline.store, '$feature_flag_called', 25)).length >= 25)

  const results = await (await api(`/api/experiments/${id}`)).json() as { variants: Array<{ key: string, users: number, multipleExposures: number }>, metrics: Array<{ name: string, variants: Array<{ variant: string, users: number, total: number }> }>, warnings: Array<{ code: string }> }
  assert.deepEqual(results.variants.map(v => [v.key, v.users, v.multipleExposures]), [['control', expected.control.persons, 0], ['test', expected.test.persons, 0]])
  assert.deepEqual(results.metrics[0]?.variants.map(v => [v.variant, v.users, v.total]), [['control', expected.control.persons, expected.control.buyers], ['test', expected.test.persons, expected.test.buyers]])
  const webRevenue = 25
  assert.equal(results.metrics[1]?.variants.reduce((sum, v) => sum + v.total, 0), 10 * (buyers - 1) + webRevenue)

  await page.goto(`${dashboard.url}/#token=${TOKEN}`)
  await page.goto(`${dashboard.url}/#experiments`)
  await page.locator(`#experiment option[value="${id}"]`).waitFor({ state: 'attached', timeout: 15_000 })
  await page.selectOption('#experiment', id)
  const controlRow = page.locator('#experiment-table tbody tr', { hasText: 'control (control)' }).first()
  await controlRow.waitFor({ timeout: 15_000 })
  // Cells joined by tabs from their text, not innerText, whose tabs depend on the table being laid out yet.
  const rows = await page.evaluate(`[...document.querySelectorAll('#experiment-table tbody tr')].map(tr => [...tr.cells].map(td => td.textContent).join('\\t'))`) as string[]
  assert.equal(rows.length, 4, 'two metrics × two variants')
  const rate = (v: { persons: number, buyers: number }) => `${(v.buyers / v.persons * 100).toFixed(2)}%`
  assert.match(rows[0] ?? '', new RegExp(`^Order Completed\\s+primary\\s+control \\(control\\)\\s+${expected.control.persons}\\s+${rate(expected.control).replace('.', '\\.')}`))
  assert.match(rows[1] ?? '', new RegExp(`^Order Completed\\s+primary\\s+test\\s+${expected.test.persons}\\s+${rate(expected.test).replace('.', '\\.')}\\s+[+-]`))
  assert.match(await page.locator('#experiment-verdict').innerText(), /primary metric/)
  const drawn = await page.evaluate(`['experiment-forest', 'experiment-cumulative'].map(id => echarts.getInstanceByDom(document.getElementById(id))?.getOption().series.map(s => s.data.length) ?? [])`) as number[][]
  assert.deepEqual(drawn[0], [2], 'one interval per metric for the treatment')
  assert.ok((drawn[1]?.length ?? 0) === 3 && (drawn[1]?.[2] ?? 0) >= 1, `the cumulative effect, with its band: ${JSON.stringify(drawn[1])}`)
  await page.fill('#power-effect', '10')
  await page.click('#power-form button')
  await page.locator('#power-result', { hasText: 'persons' }).waitFor({ timeout: 10_000 })
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: new URL('experiment.png', SCREENSHOTS).pathname, fullPage: true })
  assert.deepEqual(errors, [], 'no script errors on either page')
})
