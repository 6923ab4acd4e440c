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
//   banner.png        the free-shipping banner (returning visitor, cart at €45)
//   modal.png         a modal offer (a playbook variant with a modal rule)
//   esm.png           the npm example (/esm/), a headless offer rendered by the page's own code
//
// Every shot gets a fresh browser context (an empty IndexedDB), 1200×800 unless stated,
// deviceScaleFactor 1 and reduced motion, so no animation is caught half-way. The browser
// speaks Russian (ru-RU), so the storefront is in Russian (its language follows
// navigator.language) and Waymark with it (data-locale="ru"): texts, offers and order steps.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { startServer } from '../../examples/server/server.mjs'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const OUT = join(ROOT, 'examples', 'screenshots')
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const MINUTE = 60_000
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

// ---- playbook variants, served through the example server's /__playbook ----
const PLAYBOOK = JSON.parse(readFileSync(join(ROOT, 'examples', 'server', 'playbook.json'), 'utf8'))

/** The example playbook with `change(rules)` applied to a copy of its rules. */
function variant (name, change) {
  const playbook = structuredClone(PLAYBOOK)
  delete playbook.$schema
  playbook.version = `${PLAYBOOK.version}+${name}`
  change(playbook.rules)
  return playbook
}

// The free-shipping nudge as published (its Russian twin, for the Russian shop), but for
// everyone: its rollout of 0.9 holds one visitor in ten out as the control group, and a
// screenshot cannot be left to that draw.
const BANNER_RULE = 'free-shipping-nudge-ru'
const BANNER_PLAYBOOK = variant('everyone', (rules) => { delete rules.find((r) => r.id === BANNER_RULE).rollout })

const MODAL_PLAYBOOK = variant('modal', (rules) => rules.push({
  id: 'tasting-set',
  on: ['product_viewed'],
  if: { 'event.id': 'espresso-roast' },
  offer: {
    kind: 'modal',
    title: '{user.firstName|Друг}, попробуйте, прежде чем выбрать',
    body: 'Добавим к заказу три пачки по 100\u00a0г из обжарок этой недели: эспрессо, фильтр и без кофеина. За наш счёт, один раз.',
    cta: { label: 'Добавить дегустационный набор', href: '/cart' },
    code: 'TASTE3',
  },
  cap: { session: 1, total: 1 },
}))

const ESM_PLAYBOOK = variant('headless', (rules) => rules.push({
  id: 'grinder-beans',
  on: ['product_viewed'],
  if: { 'event.id': 'hand-grinder' },
  offer: {
    kind: 'headless',
    placement: 'recommendations',
    title: '{user.firstName|Friend}, fresh beans for a new grinder',
    body: 'Grinders love a medium roast: 10\u00a0% off the Espresso Roast with the grinder.',
    cta: { label: 'See the Espresso Roast', href: '/product/espresso-roast' },
    code: 'GRIND10',
    data: { recommend: 'espresso-roast', discount: 0.1 },
  },
  cap: { session: 1 },
}))

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
const servePlaybook = (playbook) => control('/__playbook', { mode: 'ok', playbook })
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
 * Makes the visitor a returning Анна: identify, let the coalesced state reach IndexedDB, then
 * come back after 31 idle minutes (the page's clock moved on; a visit ends after 30) and reload.
 */
async function returningAnna (page, { identify, ready }) {
  await identify()
  await page.waitForTimeout(1000)
  await page.clock.install({ time: Date.now() + 31 * MINUTE })
  await page.reload()
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
    await servePlaybook(null).catch(() => {})
  }
}

const storefrontAnna = (page) => ({
  identify: () => page.click('#identify'),
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

  // The free-shipping nudge: a returning visitor views a cart of €45 (the hand grinder).
  await shot('banner.png', async (file) => {
    await servePlaybook(BANNER_PLAYBOOK)
    const opened = await open('/')
    const { page } = opened
    await sdkReady(page)
    await returningAnna(page, storefrontAnna(page))
    await ruleLoaded(page, BANNER_RULE)
    await page.click('a[href="/product/hand-grinder"]')
    await page.click('#add-to-cart')
    const banner = page.locator('waymark-overlay [part~="banner"]')
    await banner.waitFor()
    await page.locator('#cart-total').getByText('45,00\u00a0€').waitFor()
    // The banner over the top of the cart page it belongs to.
    const cart = await page.locator('#view-cart').boundingBox()
    await page.screenshot({ path: file, animations: 'disabled', clip: { x: 0, y: 0, width: 1200, height: Math.ceil(cart.y + cart.height + 24) } })
    return opened
  })

  // A modal offer, from a playbook variant with a modal rule on viewing the Espresso Roast.
  await shot('modal.png', async (file) => {
    await servePlaybook(MODAL_PLAYBOOK)
    const opened = await open('/')
    const { page } = opened
    await sdkReady(page)
    await page.click('#identify')
    await ruleLoaded(page, 'tasting-set')
    await page.click('a[href="/product/espresso-roast"]')
    await page.locator('waymark-overlay [part~="modal"]').waitFor()
    await page.screenshot({ path: file, animations: 'disabled' })
    return opened
  })

  // The npm example: a returning Анна views the grinder, and the page renders the headless offer.
  await shot('esm.png', async (file) => {
    await servePlaybook(ESM_PLAYBOOK)
    const opened = await open('/esm/')
    const { page } = opened
    const esmReady = async () => {
      await page.waitForFunction(() => typeof window.wm?.profile === 'function')
      await page.evaluate(() => window.wm.ready)
    }
    await esmReady()
    await returningAnna(page, { identify: () => page.click('button[data-action="identify"]'), ready: esmReady })
    await ruleLoaded(page, 'grinder-beans', 'wm')
    await page.click('button[data-action="product"]')
    await page.locator('#offer-list .offer-headless').waitFor()
    await page.locator('#greeting').getByText('С возвращением, Анна!').waitFor()
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
