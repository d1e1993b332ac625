// The dashboard in a real headless Chromium (Debian's, driven by playwright-core), on a real
// pipeline: an event sent through the collector shows in the live stream. (The experiment page
// has its own end-to-end test, experiments-e2e.test.ts.)
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { test } from 'node:test'
import { basicAuth, createPipeline, storedEvents, WRITE_KEY } from '@tackle/pipeline/testkit'
import { startDashboard } from '../src/server.ts'
import { chromiumSkip, launchChromium } from './chromium.ts'

const skip = chromiumSkip
const TOKEN = randomUUID()

test('the dashboard should show an event sent through the collector in a real browser', { skip }, async (t) => {
  const pipeline = await createPipeline(t)
  const dashboard = await startDashboard({ store: pipeline.store, stats: pipeline.stats, token: TOKEN, port: 0 })
  t.after(() => dashboard.close())
  const tag = randomUUID().slice(0, 8)
  const batch = [{ type: 'track', userId: 'shopper-1', event: `Browser Check ${tag}` }]
  const sent = await fetch(`${pipeline.collector.url}/v1/batch`, { method: 'POST', body: JSON.stringify({ batch }), headers: { authorization: basicAuth(WRITE_KEY) } })
  assert.equal(sent.status, 200)
  assert.equal((await storedEvents(pipeline.store, `Browser Check ${tag}`, 1)).length, 1)

  const browser = await launchChromium(t)
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  // A wait that fails says what the page showed instead.
  const shown = async <T>(what: Promise<T>): Promise<T> => what.catch(async (error: unknown) => {
    throw new Error(`${(error as Error).message.split('\n')[0]}; the page showed: ${(await page.locator('body').innerText()).slice(0, 1500)}`)
  })
  await page.goto(`${dashboard.url}/#token=${TOKEN}`)
  const row = page.locator('#events tbody tr', { hasText: `Browser Check ${tag}` })
  await shown(row.waitFor({ timeout: 15_000 }))
  assert.match(await row.innerText(), /shopper-1/)

  assert.deepEqual(errors, [], 'no script errors on the page')
})
