// Firefox ESR through puppeteer-core over WebDriver BiDi (no geckodriver; Debian's firefox-esr).
import { existsSync } from 'node:fs'
import { wrapPage as wrap } from './page.mjs'

export const FIREFOX_PATH = process.env.FIREFOX_PATH || '/usr/bin/firefox-esr'

/** Why Firefox cannot run here, or '' when it can. */
export const missing = () => existsSync(FIREFOX_PATH) ? '' : `Firefox not found at ${FIREFOX_PATH}: apt-get install -y firefox-esr, or set FIREFOX_PATH`

/** Why this engine cannot emulate the device position, or '' when it can (WebDriver BiDi's own emulation). */
export const geolocationMissing = ''

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
      // The position is set per page (BiDi emulation.setGeolocationOverride for its browsing
      // context, kept across its navigations): on every page open, and on each new one before
      // it navigates. A page without it fails every read (code 2, position unavailable).
      const pages = new Set()
      let fix = null
      return {
        async newPage () {
          // A window each, not a tab: a background tab is hidden, and the tests' tabs are all on screen.
          const page = await context.newPage({ type: 'window' })
          if (fix) await page.setGeolocation(fix)
          pages.add(page)
          return wrap(page)
        },
        async setGeolocation ({ latitude, longitude, accuracy }) {
          fix = { latitude, longitude, accuracy }
          for (const page of pages) if (page.isClosed()) pages.delete(page)
          await Promise.all([...pages].map((page) => page.setGeolocation(fix)))
        },
        /** BiDi permissions.setPermission for the origin, in this user context: 'granted', 'denied' or 'prompt'. */
        setGeolocationPermission: (state, origin) => context.setPermission(origin, { permission: { name: 'geolocation' }, state }),
        close: () => context.close(),
      }
    },
    close: () => browser.close(),
  }
}
