// track() cost in a real Chromium (Debian's /usr/bin/chromium through playwright-core),
// through the script tag build dist/waymark.iife.js, with real IndexedDB.
//
//   node test/bench/track-chromium.mjs          prints a table (needs a built dist/)
//   node test/bench/track-chromium.mjs --json   prints the result as one JSON line
//
// The page is /cart on the example server's origin (a real http origin, so IndexedDB works);
// the server serves /waymark.iife.js and Playwright answers /cart with the bench page.
import { existsSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { startServer } from '../../examples/server/server.mjs'
import { PLAYBOOKS, assertTrackChecks, isMain, measureTrack, times, us } from './lib.mjs'
import { summarise, trackTable } from './track.mjs'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
// performance.now() in a page is coarsened (100 µs without cross-origin isolation), so
// batches are larger here to keep that under 1 % of a batch.
export const OPTIONS = { batch: 5000, rounds: 40, warmup: 5 }

const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

// The script tag's own instance stays idle (no auto page view); the bench makes its own.
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Waymark bench</title>
<link rel="icon" href="data:,">
<script src="/waymark.iife.js" data-auto-page="false" data-namespace="bench-tag"></script>
</head><body><h1>cart</h1></body></html>`

/** Runs the measurement in a fresh browser; returns the same shape as the Node bench. */
export async function benchTrackChromium(opts = OPTIONS) {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`)
  const server = await startServer({ port: 0 })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS })
  try {
    const page = await browser.newPage()
    const pageErrors = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    await page.route(`${server.url}/cart`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: PAGE }))
    await page.goto(`${server.url}/cart`)
    await page.waitForFunction(() => typeof window.waymark?.createWaymark === 'function')
    // measureTrack is sent as source and runs with the page's window.waymark.createWaymark.
    const { samples, checks } = await page.evaluate(measureTrack, {
      playbooks: PLAYBOOKS, namespace: `bench-${Date.now()}`, ...opts,
    })
    checks.errors.push(...pageErrors)
    assertTrackChecks(checks, 'Chromium')
    return { ...summarise(samples, opts, `Chromium ${browser.version().split('.')[0]}`), version: browser.version() }
  } finally {
    await browser.close()
    await server.close()
  }
}

if (isMain(import.meta.url)) {
  const result = await benchTrackChromium()
  if (process.argv.includes('--json')) console.log(JSON.stringify(result))
  else {
    console.log(trackTable([result]))
    for (const k of 'ABC') console.log(`${k}: min–max over ${result.rounds} batches ${result.range[k].map(us).join('–')} µs`)
    console.log(`Chromium ${result.version}; B ÷ A ${times(result.BoverA)}`)
  }
}
