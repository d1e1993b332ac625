// The topics and consumer-groups pages in a real headless Chromium on the shared Kafka cluster:
// the topic list, one topic's partitions, the message browser with a filter, and an offset reset
// planned first and applied from the plan after a confirmation.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { test } from 'node:test'
import { testTopicName } from '@tackle/client/testkit'
import { startClusterDashboard, topicWith } from './cluster-dashboard.ts'
import { chromiumSkip, launchChromium } from './chromium.ts'

const skip = chromiumSkip
const TOKEN = 'pages-topics-token-0123456789'
const SCREENSHOTS = new URL('../../../test-output/dashboard/', import.meta.url)

test('the topics page should browse a topic\'s messages with a filter, and the groups page reset offsets from a dry-run plan', { skip, timeout: 120_000 }, async (t) => {
  const { dashboard, admin, brokers } = await startClusterDashboard(t, TOKEN)
  const topic = await topicWith(admin, brokers, 'page-topic', Array.from({ length: 8 }, (_, n) => ({ event: n < 2 ? 'Signed Up' : 'Page Viewed', n })))
  const group = testTopicName('page-group')
  await admin.commitGroupOffsets(group, [{ topic, partition: 0, offset: 4n }, { topic, partition: 1, offset: 3n }])

  const browser = await launchChromium(t)
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.goto(`${dashboard.url}/#token=${TOKEN}`)

  await page.goto(`${dashboard.url}/#topics`)
  await page.locator('#topics tbody tr', { hasText: topic }).locator('a').click()
  await page.locator('#topic-partitions tbody tr').nth(1).waitFor({ timeout: 15_000 })
  assert.equal(await page.locator('#topic-partitions tbody tr').count(), 2)
  await page.fill('#browse-filter', 'event == "Signed Up"')
  await page.selectOption('#browse-from', 'earliest')
  await page.click('#browse-form button[type=submit]')
  await page.waitForFunction("document.getElementById('browse-summary').textContent.includes('messages shown')", undefined, { timeout: 15_000 })
  const rows = page.locator('#browse-messages tbody tr')
  assert.equal(await rows.count(), 2)
  assert.deepEqual((await rows.allTextContents()).map(text => /user-(\d)/.exec(text)?.[1]).sort(), ['0', '1'])
  assert.match(await rows.first().locator('pre').textContent() ?? '', /"event": "Signed Up"/)
  await page.screenshot({ path: new URL('topics.png', SCREENSHOTS).pathname, fullPage: true })

  await page.goto(`${dashboard.url}/#groups?group=${encodeURIComponent(group)}`)
  await page.locator('#group-partitions tbody tr').nth(1).waitFor({ timeout: 15_000 })
  assert.match(await page.locator('#group-summary').textContent() ?? '', /lag 1 records/)
  await page.selectOption('#reset-to', 'earliest')
  await page.click('#reset-form button[type=submit]')
  await page.waitForFunction("document.getElementById('reset-result').textContent.startsWith('Plan only')", undefined, { timeout: 15_000 })
  assert.deepEqual(await page.locator('#reset-plan tbody tr td:nth-child(4)').allTextContents(), ['0', '0'])
  assert.equal((await admin.committedOffsets([group])).get(group)?.get(topic)?.get(0), 4n, 'planning changes nothing')
  page.once('dialog', dialog => { void dialog.accept() })
  await page.click('#reset-apply')
  await page.waitForFunction("document.getElementById('reset-result').textContent.startsWith('Applied')", undefined, { timeout: 15_000 })
  assert.deepEqual([...((await admin.committedOffsets([group])).get(group)?.get(topic) ?? [])].sort(), [[0, 0n], [1, 0n]])
  await page.waitForFunction("document.getElementById('group-summary').textContent.includes('lag 8 records')", undefined, { timeout: 15_000 })
  await page.screenshot({ path: new URL('groups.png', SCREENSHOTS).pathname, fullPage: true })
  assert.deepEqual(errors, [], 'no script errors on the page')
})
