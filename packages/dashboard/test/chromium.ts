// The real headless Chromium the browser tests drive: Debian's (scripts/test-deps.sh installs it
// as root), or the one TACKLE_CHROMIUM names; without one those tests are skipped, saying why.
import { existsSync } from 'node:fs'
import { chromium, type Browser } from 'playwright-core'

export const CHROMIUM = process.env.TACKLE_CHROMIUM ?? '/usr/bin/chromium'

export const chromiumSkip: string | undefined = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM} (Debian package chromium; scripts/test-deps.sh installs it as root, TACKLE_CHROMIUM names another)`

/** A browser closed after the test. */
export async function launchChromium (t: { after (fn: () => unknown): void }): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'] })
  t.after(() => browser.close())
  return browser
}
