// Helpers for the Playwright browser tests: find and launch Debian's Chromium, start the
// example server on a free port, and open test pages that use the script-tag install.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest'
import { startServer } from '../../examples/server/server.mjs'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
export const IIFE_PATH = join(ROOT, 'dist', 'waymark.iife.js')
export const SNIPPET = "!function(w,n){w[n]=w[n]||function(){(w[n].q=w[n].q||[]).push(arguments)}}(window,'waymark');"

export function hasChromium () {
  return existsSync(CHROMIUM_PATH)
}

export function launch () {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

/** The example server on a free port; collected events go to a temporary directory. */
export async function startTestServer () {
  if (!existsSync(IIFE_PATH)) throw new Error(`${IIFE_PATH} is missing: run \`npm run build\` before the browser tests`)
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-collect-'))
  const server = await startServer({ port: 0, dataDir })
  return { ...server, dataDir, close: () => server.close().finally(() => rmSync(dataDir, { recursive: true, force: true })) }
}

const toJs = (v) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
const attr = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/**
 * HTML of a test page: the snippet, the given queued calls, then the async script tag.
 * @param {{ calls?: unknown[][], attrs?: Record<string, string>, body?: string }} [opts]
 *   calls: e.g. [['identify', 'u-42', { firstName: 'Анна' }], ['track', 'x']];
 *   attrs: data-* attributes without the prefix, e.g. { locale: 'ru', 'auto-page': 'false' }.
 */
export function testPageHtml ({ calls = [], attrs = {}, body = '' } = {}) {
  const queued = calls.map((args) => `waymark(${args.map(toJs).join(', ')});`).join('\n    ')
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${attr(v)}"`).join('')
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waymark test page</title>
<link rel="icon" href="data:,">
<script>
    ${SNIPPET}
    ${queued}
</script>
<script async src="/waymark.iife.js"${data}></script>
</head><body><h1>Waymark test page</h1>${body}</body></html>`
}

/**
 * Opens a page in `context` whose HTML is `testPageHtml(opts)`, served on the test server's
 * origin (a real http origin, so IndexedDB works) under /__test/…, and waits for the SDK.
 * Every load of /__test/… in this page (reloads too) gets the same HTML.
 * Returns the page plus the page errors and console errors seen so far (live arrays).
 */
export async function openTestPage (context, baseUrl, opts = {}) {
  const { path = '/__test/page', wait = true } = opts
  const page = await context.newPage()
  const { pageErrors, consoleErrors } = watchErrors(page)
  await page.route(`${baseUrl}/__test/**`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: testPageHtml(opts) }))
  await page.goto(baseUrl + path)
  if (wait) await waitForSdk(page)
  return { page, pageErrors, consoleErrors }
}

/** Collects uncaught page errors (including unhandled rejections) and console errors. */
export function watchErrors (page) {
  const pageErrors = []
  const consoleErrors = []
  page.on('pageerror', (err) => pageErrors.push(err.message))
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()) })
  return { pageErrors, consoleErrors }
}

/** Waits until the live instance replaced the stub and its `ready` promise resolved. */
export async function waitForSdk (page, timeout = 15000) {
  await page.waitForFunction(() => typeof window.waymark?.profile === 'function', null, { timeout })
  await page.evaluate(() => window.waymark.ready)
}

/** Reloads and waits for the SDK again. */
export async function reload (page) {
  await page.reload()
  await waitForSdk(page)
}

/** Gives the SDK time to write coalesced state to IndexedDB before a reload. */
export function settle (page, ms = 1000) {
  return page.waitForTimeout(ms)
}

/**
 * Registers the hooks every Chromium suite needs: one server and one browser per file, a
 * fresh context (so an empty IndexedDB) per test. Returns an object whose `server`,
 * `browser` and `context` are current inside each test.
 */
export function useBrowserSuite (contextOptions = {}) {
  const t = {}
  beforeAll(async () => {
    t.server = await startTestServer()
    t.browser = await launch()
  }, 60_000)
  afterAll(async () => {
    await t.browser?.close()
    await t.server?.close()
  })
  beforeEach(async () => { t.context = await t.browser.newContext(contextOptions) })
  afterEach(async () => { await t.context?.close() })
  return t
}

/** Polls `check` (sync or async) every 50 ms until it is truthy or `ms` have passed. */
export async function until (check, ms = 20_000) {
  for (const end = Date.now() + ms; !(await check()) && Date.now() < end;) await new Promise((r) => setTimeout(r, 50))
}

/**
 * The example collector of a suite's server: `control` (POST /__collect), `stats`, the events
 * it stored (deduplicated by id) by name, and `track(page, name, n)` (n events with props.i).
 */
export function collector (t) {
  return {
    control: async (body) => (await fetch(t.server.url + '/__collect', { method: 'POST', body: JSON.stringify(body) })).json(),
    stats: async () => (await (await fetch(t.server.url + '/__collect')).json()).stats,
    storedEvents (name) {
      const file = join(t.server.dataDir, 'events.jsonl')
      if (!existsSync(file)) return []
      return readFileSync(file, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((e) => e.name === name)
    },
    track: (page, name, n) => page.evaluate(([name, n]) => {
      for (let i = 0; i < n; i++) window.waymark.track(name, { i })
    }, [name, n]),
  }
}
