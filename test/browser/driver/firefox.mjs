// Firefox ESR through puppeteer-core over WebDriver BiDi (no geckodriver; Debian's firefox-esr).
import { existsSync } from 'node:fs'
import { wrapPage as wrap } from './page.mjs'

export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr'

/** Why Firefox cannot run here, or '' when it can. */
export const missing = () => existsSync(FIREFOX_PATH) ? '' : `Firefox not found at ${FIREFOX_PATH}: apt-get install -y firefox-esr, or set FIREFOX_PATH`

/** Starts the browser; contexts are BiDi user contexts (separate storage and cookies). */
export async function launch () {
  const { default: puppeteer } = await import('puppeteer-core')
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX_PATH,
    headless: true,
    protocol: 'webDriverBiDi',
    extraPrefsFirefox: {
      'intl.accept_languages': 'en-US',
      'intl.locale.requested': 'en-US',
    },
  })
  return {
    version: await browser.version(),
    async newContext () {
      const context = await browser.createBrowserContext()
      // A window each, not a tab: a background tab is hidden, and the tests' tabs are all on screen.
      return { newPage: async () => wrap(await context.newPage({ type: 'window' })), close: () => context.close() }
    },
    close: () => browser.close(),
  }
}
