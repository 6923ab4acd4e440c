// Screenshots of the examples, for the README and the package page.
//
//   node test/screenshots/capture.mjs        (after `npm run build` and `npm run build:examples`)
//
// Builds nothing: it uses dist/waymark.iife.js (the storefront's script tag) and
// examples/esm/dist/app.js (the npm example) as they are, and says what to run when one is
// missing. Starts the example server on a free port with a temporary data directory, drives
// Debian's Chromium (CHROMIUM_PATH to use another) through playwright-core, and writes PNGs to
// examples/screenshots/:
//
//   greeting.png      the storefront's header greeting a returning visitor: «С возвращением, Анна!»
//   order.png         the order page /order/A-1001, its stepper at "shipped"
//   mobile-order.png  the same page at 360×740
//   banner.png        the free-shipping banner (returning visitor, cart at €45), below the header
//   demo-1280.png     the same moment, the whole window at 1280×800
//   demo-360.png      the same moment on a phone, 360×740: the banner pushes the page down
//   modal.png         the modal offer on viewing the Ethiopia Yirgacheffe
//   esm.png           the npm example (/esm/), a headless offer rendered by the page's own code
//
// Everything comes from the demo as shipped: its playbook (examples/server/playbook.json), its
// pages, and its own controls. A returning visitor is made the way a person would: "Identify as
// Анна", then the side panel's "Start a new visit" (no clock is moved). Only the sample order
// A-1001 is pinned at "shipped" (/__orders), so the stepper shows the same step in every run.
//
// Every shot gets a fresh browser context (an empty IndexedDB), 1200×800 unless stated,
// deviceScaleFactor 1 and reduced motion, so no animation is caught half-way. The browser
// speaks Russian (ru-RU), so the storefront is in Russian (its language follows
// navigator.language) and Waymark with it (data-locale="ru"): texts, offers and order steps.
// The npm example's page is in English, and creates Waymark with locale 'en'.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startServer } from '../../examples/server/server.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const OUT = join(ROOT, 'examples', 'screenshots')
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const TIMEOUT = 15_000
const MAX_BYTES = 200_000 // bytes: "under 200 kB" by any reading

const rel = (p) => relative(process.cwd(), p) || '.'

function fail (message) {
  console.error(`screenshots: ${message}`)
  process.exit(1)
}

// ---- what must exist first ----
const needed = [
  [join(ROOT, 'dist', 'waymark.iife.js'), 'npm run build'],
  [join(ROOT, 'examples', 'esm', 'dist', 'app.js'), 'npm run build:examples'],
]
for (const [file, command] of needed) {
  if (!existsSync(file)) fail(`${rel(file)} is missing: run \`${command}\` first (this script builds nothing)`)
}
if (!existsSync(CHROMIUM_PATH)) fail(`no Chromium at ${CHROMIUM_PATH}: \`apt-get install -y chromium\`, or set CHROMIUM_PATH`)

// The free-shipping nudge (one rule, its texts in English and Russian) has a rollout of 0.9:
// one visitor in ten is held out as the control group and sees no banner. Such a visitor is
// replaced by a new one (a fresh context), as many times as it takes, up to a limit.
const BANNER_RULE = 'free-shipping-nudge'
const BANNER_TRIES = 8

// ---- the run ----
const dataDir = mkdtempSync(join(tmpdir(), 'waymark-screenshots-'))
const server = await startServer({ port: 0, dataDir })
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  // As test/browser/harness.mjs launch().
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
})
mkdirSync(OUT, { recursive: true })

const control = async (path, body) => {
  const res = await fetch(server.url + path, { method: 'POST', body: JSON.stringify(body) })
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`)
}
const pinOrder = (id, status) => control('/__orders', { id, status })

/** A fresh context and page; page errors are collected and reported with the shot. */
async function open (path, { width = 1200, height = 800 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, reducedMotion: 'reduce', locale: 'ru-RU' })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  const errors = []
  page.on('pageerror', (err) => errors.push(err.message))
  await page.goto(server.url + path)
  return { context, page, errors }
}

/** The storefront's SDK (the script tag) has replaced the stub and loaded its state. */
async function sdkReady (page) {
  await page.waitForFunction(() => typeof window.waymark?.profile === 'function')
  await page.evaluate(() => window.waymark.ready)
}

/** Waits until `rule` is in the playbook in force (from the network, on a fresh context). */
async function ruleLoaded (page, rule, instance = 'waymark') {
  await page.waitForFunction(([rule, name]) => window[name]?.explain?.(rule).reason !== 'no such rule', [rule, instance])
}

/**
 * Makes the visitor a returning Анна with the demo's own buttons: identify, let the coalesced
 * state reach IndexedDB, then "Start a new visit" (the page reloads once with a tiny
 * sessionMinutes, then again as usual, and says which visit started).
 */
async function returningAnna (page, { identify, newVisit, ready }) {
  await identify()
  await page.waitForTimeout(1000)
  await newVisit()
  await page.locator('#new-visit-note').filter({ hasText: /\d/ }).waitFor()
  await ready()
  const profile = await page.evaluate(() => (window.wm ?? window.waymark).profile())
  if (!profile.returning || profile.traits.firstName !== 'Анна') throw new Error(`not a returning Анна: ${JSON.stringify(profile)}`)
}

/** A clip around `locator`'s box, grown by `pad` px and kept inside the page. */
async function clipAround (page, locator, { pad = 0, top = 0, minHeight = 0 } = {}) {
  const box = await locator.boundingBox()
  if (!box) throw new Error('nothing to clip to: the element has no box')
  const { width: pageWidth, height: pageHeight } = await page.evaluate(() => ({
    width: document.documentElement.scrollWidth, height: document.documentElement.scrollHeight,
  }))
  const x = Math.max(0, Math.floor(box.x - pad))
  const y = Math.max(0, Math.floor(box.y - pad - top))
  const width = Math.min(pageWidth - x, Math.ceil(box.width + 2 * pad))
  const height = Math.min(pageHeight - y, Math.max(minHeight, Math.ceil(box.height + 2 * pad + top)))
  return { x, y, width, height }
}

const written = []
const problems = []

async function shot (name, take) {
  const file = join(OUT, name)
  let opened
  try {
    opened = await take(file)
    const size = statSync(file).size
    written.push([file, size])
    if (size > MAX_BYTES) problems.push(`${rel(file)} is ${(size / 1000).toFixed(0)} kB (over ${MAX_BYTES / 1000} kB)`)
    if (opened?.errors.length) problems.push(`${name}: page errors: ${opened.errors.join('; ')}`)
  } catch (err) {
    problems.push(`${name}: ${err.message.split('\n')[0]}`)
  } finally {
    await opened?.context.close()
  }
}

const storefrontAnna = (page) => ({
  identify: () => page.click('#identify'),
  newVisit: () => page.click('#new-visit'),
  ready: () => sdkReady(page),
})

try {
  // The storefront header, greeting a returning visitor by name.
  await shot('greeting.png', async (file) => {
    const opened = await open('/')
    const { page } = opened
    await sdkReady(page)
    await returningAnna(page, storefrontAnna(page))
    await page.locator('waymark-greeting').getByText('С возвращением, Анна!').waitFor()
    await page.locator('header.site-header').screenshot({ path: file, animations: 'disabled' })
    return opened
  })

  // The order page, its stepper pinned at "shipped".
  await pinOrder('A-1001', 'shipped')
  const orderShipped = async (page) => {
    await sdkReady(page)
    await page.locator('waymark-order-status [part~="step-current"]').getByText('Отправлен').waitFor()
    await page.locator('waymark-order-status [part~="carrier"]').waitFor()
  }
  await shot('order.png', async (file) => {
    const opened = await open('/order/A-1001')
    const { page } = opened
    await orderShipped(page)
    await page.screenshot({ path: file, animations: 'disabled', clip: await clipAround(page, page.locator('#view-order'), { pad: 24 }) })
    return opened
  })

  await shot('mobile-order.png', async (file) => {
    const opened = await open('/order/A-1001', { width: 360, height: 740 })
    const { page } = opened
    await orderShipped(page)
    await page.screenshot({ path: file, animations: 'disabled' })
    return opened
  })

  // The free-shipping nudge: a returning visitor views a cart of €45 (the hand grinder). The
  // banner shows in the page's <waymark-overlay in-flow>, below the header, pushing the cart down.
  const bannerShown = async ({ width, height }) => {
    for (let attempt = 1; ; attempt++) {
      const opened = await open('/', { width, height })
      const { page } = opened
      try {
        await sdkReady(page)
        await returningAnna(page, storefrontAnna(page))
        await ruleLoaded(page, BANNER_RULE)
        await page.click('a[href="/product/hand-grinder"]')
        await page.click('#add-to-cart')
        await page.locator('#cart-total').getByText('45,00\u00a0€').waitFor()
        const banner = page.locator('waymark-overlay [part~="banner"]')
        await banner.or(page.locator('#wm-events').getByText('offer_held_out')).first().waitFor()
        if (await banner.count()) return opened
        if (attempt >= BANNER_TRIES) throw new Error(`${attempt} visitors in a row were held out of ${BANNER_RULE}`)
      } catch (err) {
        await opened.context.close()
        throw err
      }
      await opened.context.close() // one in ten: the control group; another visitor
    }
  }

  await shot('banner.png', async (file) => {
    const opened = await bannerShown({ width: 1200, height: 800 })
    const { page } = opened
    // The header, the banner and the top of the cart page it belongs to.
    const cart = await page.locator('#view-cart').boundingBox()
    await page.screenshot({ path: file, animations: 'disabled', clip: { x: 0, y: 0, width: 1200, height: Math.ceil(cart.y + cart.height + 24) } })
    return opened
  })

  // The same moment, the whole window, on a desktop and on a phone: the header stays in sight.
  for (const [name, width, height] of [['demo-1280.png', 1280, 800], ['demo-360.png', 360, 740]]) {
    await shot(name, async (file) => {
      const opened = await bannerShown({ width, height })
      await opened.page.screenshot({ path: file, animations: 'disabled' })
      return opened
    })
  }

  // The modal: a first view of the Ethiopia Yirgacheffe offers a tasting set.
  await shot('modal.png', async (file) => {
    const opened = await open('/')
    const { page } = opened
    await sdkReady(page)
    await page.click('#identify')
    await ruleLoaded(page, 'tasting-set')
    await page.click('a[href="/product/yirgacheffe"]')
    await page.locator('waymark-overlay [part~="modal"]').waitFor()
    await page.screenshot({ path: file, animations: 'disabled' })
    return opened
  })

  // The npm example: a returning Анна views the grinder, and the page renders the headless offer.
  await shot('esm.png', async (file) => {
    const opened = await open('/esm/')
    const { page } = opened
    const esmReady = async () => {
      await page.waitForFunction(() => typeof window.wm?.profile === 'function')
      await page.evaluate(() => window.wm.ready)
    }
    await esmReady()
    await returningAnna(page, {
      identify: () => page.click('button[data-action="identify"]'),
      newVisit: () => page.click('button[data-action="new-visit"]'),
      ready: esmReady,
    })
    await ruleLoaded(page, 'grinder-beans', 'wm')
    await page.click('button[data-action="product"]')
    await page.locator('#offer-list .offer-headless').waitFor()
    await page.locator('#greeting').getByText('Welcome back, Анна!').waitFor()
    await page.locator('#order-view [aria-current="step"]').getByText('Shipped').waitFor()
    // The whole page but its footer: header, explanation, and the four cards.
    const cards = await page.locator('.cards').boundingBox()
    await page.screenshot({ path: file, animations: 'disabled', fullPage: true, clip: { x: 0, y: 0, width: 1200, height: Math.ceil(cards.y + cards.height + 16) } })
    return opened
  })
} finally {
  await pinOrder('A-1001', null).catch(() => {})
  await browser.close()
  await server.close()
  rmSync(dataDir, { recursive: true, force: true })
}

for (const [file, size] of written) console.log(`${rel(file)}  ${(size / 1000).toFixed(1)} kB`)
if (problems.length) {
  for (const p of problems) console.error(`screenshots: ${p}`)
  process.exit(1)
}
