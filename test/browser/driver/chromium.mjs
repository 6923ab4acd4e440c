// Chromium through playwright-core (Debian's /usr/bin/chromium, never a downloaded build).
import { existsSync } from 'node:fs'
import { wrapPage as wrap } from './page.mjs'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'

/** Why Chromium cannot run here, or '' when it can. */
export const missing = () => existsSync(CHROMIUM_PATH) ? '' : `Chromium not found at ${CHROMIUM_PATH}: apt-get install -y chromium, or set CHROMIUM_PATH`

/** Why this engine cannot emulate the device position, or '' when it can (Playwright's own emulation). */
export const geolocationMissing = ''

/** Starts the browser; contexts are Playwright's own (separate storage and cookies). */
export async function launch () {
  const { chromium } = await import('playwright-core')
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    // Playwright turns the back/forward cache off; visitors have it on.
    ignoreDefaultArgs: ['--disable-back-forward-cache'],
  })
  return {
    version: browser.version(),
    async newContext ({ locale } = {}) {
      const context = await browser.newContext({ locale })
      return {
        newPage: async () => wrap(await context.newPage()),
        /** The position every page of the context reads, open or to come (CDP Emulation.setGeolocationOverride). */
        setGeolocation: ({ latitude, longitude, accuracy }) => context.setGeolocation({ latitude, longitude, accuracy }),
        /**
         * The geolocation permission of `origin`. Playwright can only grant: 'prompt' is the
         * default it resets to, and 'denied' an empty grant, which is CDP's
         * Browser.grantPermissions refusing every permission it does not list.
         */
        async setGeolocationPermission (state, origin) {
          await context.clearPermissions()
          if (state === 'granted') await context.grantPermissions(['geolocation'], { origin })
          else if (state === 'denied') await context.grantPermissions([], { origin })
        },
        close: () => context.close(),
      }
    },
    close: () => browser.close(),
  }
}
