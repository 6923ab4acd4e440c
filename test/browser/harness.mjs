// The engine-neutral layer the browser tests are written against, once, for Chromium,
// Firefox and WebKit. Each engine's adapter (driver/*.mjs) only opens contexts and pages and
// does the few things only a driver can: navigate, evaluate, press a key, click at a point.
// Everything else is built here on `evaluate`, or in the test origin (driver/origin.mjs) and
// its in-page shim (driver/shim.js), so a test behaves the same in every engine.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve, dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, beforeAll, beforeEach, describe, test } from 'vitest'
import { startServer } from '../../examples/server/server.mjs'
import { openOrigin } from './driver/origin.mjs'
import * as chromium from './driver/chromium.mjs'
import * as firefox from './driver/firefox.mjs'
import * as webkit from './driver/webkit.mjs'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const IIFE_PATH = join(ROOT, 'dist', 'waymark.iife.js')
export const SNIPPET = "!function(w,n){w[n]=w[n]||function(){(w[n].q=w[n].q||[]).push(arguments)}}(window,'waymark');"

/** The engines, in the order every suite runs them. */
export const ENGINES = { chromium, firefox, webkit }

// BROWSERS=webkit (or a comma-separated list) narrows a local run; REQUIRE_BROWSER=1 (CI)
// makes every engine mandatory, so none can be skipped silently.
const REQUIRED = process.env.REQUIRE_BROWSER === '1'
const CHOSEN = (process.env.BROWSERS || Object.keys(ENGINES).join(',')).split(',').map((s) => s.trim()).filter(Boolean)

/**
 * Declares `body` once per engine, as `describe('<title> in <engine>')`, with one example
 * server and one browser per engine, and a fresh context (empty storage, its own origin) per
 * test. An engine that is not installed is skipped with a warning, or fails under
 * REQUIRE_BROWSER=1. `body(t, engine)`: t.server, t.context (see `newContext`) and t.engine
 * are current inside each test.
 * @param {string} title
 * @param {{ timeout?: number, locale?: string }} options
 * @param {(t: object, engine: string) => void} body
 */
export function forEachEngine (title, options, body) {
  for (const [name, engine] of Object.entries(ENGINES)) {
    const why = engine.missing()
    if (!CHOSEN.includes(name)) {
      if (REQUIRED) test(`${name} is part of the run (REQUIRE_BROWSER=1)`, () => { throw new Error(`BROWSERS=${process.env.BROWSERS} leaves out ${name}`) })
      continue
    }
    if (why) {
      if (REQUIRED) test(`${name} is installed (REQUIRE_BROWSER=1)`, () => { throw new Error(why) })
      else console.warn(`${why}: the ${name} tests of "${title}" are skipped; REQUIRE_BROWSER=1 makes this an error`)
      continue
    }
    describe(`${title} in ${name}`, { timeout: options.timeout ?? 60_000 }, () => {
      const t = { engine: name }
      beforeAll(async () => {
        t.server = await startTestServer()
        t.browser = await engine.launch()
      }, 60_000)
      afterAll(async () => {
        await t.browser?.close()
        await t.server?.close()
      }, 30_000)
      beforeEach(async () => { t.context = await newContext(t.browser, t.server, options) }, 30_000)
      afterEach(async () => { await t.context?.close() }, 30_000)
      body(t, name)
    })
  }
}

/**
 * Why `engine` cannot emulate the device position (so tests of places cannot run in it), or
 * '' when `t.context.setGeolocation` and `setGeolocationPermission` work there.
 * @param {string} engine
 */
export const geolocationMissing = (engine) => ENGINES[engine].geolocationMissing || ''

/** The example server on a free port; collected events go to a temporary directory. */
export async function startTestServer () {
  if (!existsSync(IIFE_PATH)) throw new Error(`${IIFE_PATH} is missing: run \`npm run build\` before the browser tests`)
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-collect-'))
  const server = await startServer({ port: 0, dataDir })
  return { ...server, dataDir, close: () => server.close().finally(() => rmSync(dataDir, { recursive: true, force: true })) }
}

/**
 * A context: its own storage, and its own test origin (`url`) in front of the example server.
 * newPage(), openTestPage(opts), serve(prefix, html, headers), setOffline(bool),
 * shiftClock(ms), addInitScript(fn), setGeolocation(fix), setGeolocationPermission(state),
 * reports(kind?), close().
 */
export async function newContext (browser, server, { locale = 'en-US' } = {}) {
  const raw = await browser.newContext({ locale })
  const origin = await openOrigin(server.url)
  const pages = new Set()
  let n = 0
  const ctx = {
    url: origin.url,
    async newPage () {
      const page = wrapPage(await raw.newPage(), origin.url, () => pages.delete(page))
      pages.add(page)
      return page
    },
    /** Opens a page of `testPageHtml(opts)` (own path per call, or `opts.path`) and waits for the SDK. */
    async openTestPage (opts = {}) {
      const prefix = opts.path ? opts.prefix || opts.path : `/__test/${++n}/`
      origin.serve(prefix, opts.html || testPageHtml(opts), opts.headers)
      const page = await ctx.newPage()
      await page.goto(opts.path || `${prefix}page`)
      if (opts.wait !== false) await waitForSdk(page)
      return page
    },
    serve: (prefix, html, headers) => origin.serve(prefix, html, headers),
    /** Cuts (or restores) the network of every page, open or to come, except the test's own requests. */
    async setOffline (offline) {
      origin.setOffline(offline)
      await Promise.all([...pages].map((p) => p.evaluate((o) => window.__t.setOffline(o), offline).catch(() => {})))
    },
    shiftClock: (ms) => origin.shiftClock(ms),
    /**
     * The device position every page of the context reads from now on, open or to come, set
     * through the engine's own emulation (never faked in the page): `{ latitude, longitude,
     * accuracy }`, in degrees and metres. Rejects in an engine without one (geolocationMissing).
     */
    async setGeolocation ({ latitude, longitude, accuracy = 10 }) {
      if (!raw.setGeolocation) throw new Error('this engine cannot emulate the position: see geolocationMissing(engine)')
      await raw.setGeolocation({ latitude, longitude, accuracy })
    },
    /**
     * The geolocation permission of the context's origin, as the Permissions API will report
     * it: 'granted', 'denied' or 'prompt' (a prompt is answered as the headless engine does:
     * Chromium refuses it at once, Firefox leaves it open). Rejects where it cannot be set.
     */
    async setGeolocationPermission (state) {
      if (!['granted', 'denied', 'prompt'].includes(state)) throw new Error(`setGeolocationPermission: ${state} is not granted, denied or prompt`)
      if (!raw.setGeolocationPermission) throw new Error('this engine cannot set the geolocation permission: see geolocationMissing(engine)')
      await raw.setGeolocationPermission(state, origin.url)
    },
    addInitScript: (fn) => origin.addInitScript(fn),
    /** What the pages reported: `kind` 'pageerror', 'console.error' or 'console.warn' (texts). */
    async reports (kind) {
      await new Promise((r) => setTimeout(r, 150)) // reports travel by fetch
      return origin.reports.filter((r) => !kind || r.kind === kind).map((r) => r.text)
    },
    /** Page errors and console errors: what a test expects to be empty. */
    async errors () {
      await new Promise((r) => setTimeout(r, 150))
      return origin.reports.filter((r) => r.kind !== 'console.warn').map((r) => `${r.kind}: ${r.text}`)
    },
    async close () {
      await raw.close().catch(() => {})
      await origin.close()
    },
  }
  return ctx
}

const toJs = (v) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
const attr = (v) => String(v).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

/**
 * HTML of a test page: the snippet, the given queued calls, then the async script tag.
 * @param {{ calls?: unknown[][], attrs?: Record<string, string>, body?: string, head?: string, nonce?: string }} [opts]
 *   calls: e.g. [['identify', 'u-42', { firstName: 'Анна' }], ['track', 'x']];
 *   attrs: data-* attributes without the prefix, e.g. { locale: 'ru', 'auto-page': 'false' };
 *   nonce: for a page served under {@link strictCsp}(nonce): the inline script carries it and
 *   collects every CSP violation in `window.__violations`.
 */
export function testPageHtml ({ calls = [], attrs = {}, body = '', head = '', nonce } = {}) {
  const queued = calls.map((args) => `waymark(${args.map(toJs).join(', ')});`).join('\n    ')
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${attr(v)}"`).join('')
  // No favicon request; but under the strict CSP a data: icon is itself a violation (img-src).
  const icon = nonce ? '' : '\n<link rel="icon" href="data:,">'
  const violations = nonce
    ? `window.__violations = []
    document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI))`
    : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waymark test page</title>${icon}
<script${nonce ? ` nonce="${attr(nonce)}"` : ''}>
    ${violations}
    ${SNIPPET}
    ${queued}
</script>${head}
<script async src="/waymark.iife.js"${data}></script>
</head><body><h1>Waymark test page</h1>${body}</body></html>`
}

/**
 * A strict Content-Security-Policy header for a {@link testPageHtml} page with `nonce`: scripts
 * from the origin or with the nonce only, styles from the origin only (no `unsafe-inline`, no
 * `unsafe-eval`), and Trusted Types required for every script sink.
 */
export const strictCsp = (nonce) =>
  `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self'; require-trusted-types-for 'script'`

const json = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)))
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const spec = (s) => (typeof s === 'string' ? { css: s } : s)

/** The page every test talks to; `base` resolves paths. */
function wrapPage (raw, base, onClose) {
  const page = {
    /** Navigates to a path (on the context's origin) or URL and waits for its load event. */
    goto: (path) => raw.goto(new URL(path, base).href),
    reload: () => raw.reload(),
    url: () => raw.url(),
    /**
     * Runs `fn(arg)` in the page and returns its result as JSON would carry it (the same in
     * every engine: undefined stays undefined at the top, elements are not returned).
     */
    evaluate: async (fn, arg) => json(await raw.evaluate(fn, arg)),
    /** Polls `fn(arg)` every 50 ms until it returns a truthy value, through navigations. */
    async waitFor (fn, arg, { timeout = 15_000 } = {}) {
      const end = Date.now() + timeout
      let last
      for (;;) {
        try {
          const v = await page.evaluate(fn, arg)
          if (v) return v
          last = v
        } catch (e) { last = e } // mid-navigation: try again
        if (Date.now() > end) throw new Error(`waitFor timed out after ${timeout} ms: ${fn}\nlast: ${last}`)
        await sleep(50)
      }
    },
    /** Waits until the page's URL matches `re`, and its document has loaded. */
    waitForURL: (re, opts) => page.waitFor((src) => new RegExp(src).test(location.href) && document.readyState === 'complete', re.source, opts),
    /** Runs `action` (which loads another document) and waits until that document has loaded. */
    async navigating (action) {
      const mark = `${Date.now()}-${Math.random()}`
      await page.evaluate((m) => { window.__leaving = m }, mark)
      await action()
      await page.waitFor((m) => window.__leaving !== m && document.readyState === 'complete', mark)
    },
    /** history.back() / forward(), then waits for the other document to be there. */
    back: () => traverse(page, -1),
    forward: () => traverse(page, 1),
    sleep,
    press: (key) => raw.press(key),
    /**
     * A real (trusted) click at the middle of the first element matching `s`, once it is
     * visible, has stopped moving and is not covered (as Playwright's own click waits).
     */
    async click (s) {
      const at = await page.waitFor((sp) => {
        const el = window.__t.find(sp)[0]
        return el && window.__t.visible(el) && window.__t.clickPoint(el)
      }, spec(s))
      await raw.click(at.x, at.y)
    },
    focus: (s) => page.evaluate((sp) => window.__t.find(sp)[0].focus(), spec(s)),
    count: (s) => page.evaluate((sp) => window.__t.find(sp).length, spec(s)),
    /** textContent of the first match, or null; `{ shadow: true }`: of its shadow root. */
    text: (s, { shadow } = {}) => page.evaluate(([sp, sh]) => {
      const el = window.__t.find(sp)[0]
      return el ? (sh ? el.shadowRoot : el).textContent : null
    }, [spec(s), !!shadow]),
    visible: (s) => page.evaluate((sp) => window.__t.find(sp).some((el) => window.__t.visible(el)), spec(s)),
    attr: (s, name) => page.evaluate(([sp, n]) => {
      const el = window.__t.find(sp)[0]
      return el ? el.getAttribute(n) : null
    }, [spec(s), name]),
    /** Adds <script src> (same origin, so a strict CSP allows it) and waits for it to load. */
    addScript: (src) => page.evaluate((u) => new Promise((resolve, reject) => {
      const s = document.createElement('script')
      s.src = u
      s.onload = () => resolve()
      s.onerror = () => reject(new Error(`${u} did not load`))
      document.head.append(s)
    }), src),
    close: () => (onClose(), raw.close()),
  }
  return page
}

// Navigates through history, and waits until the other entry is current and loaded. A page
// restored from the back/forward cache fires no load, so "loaded" is the document's state.
const traverse = (page, delta) => page.navigating(() => page.evaluate((d) => history.go(d), delta))

/** Waits until the live instance replaced the stub and its `ready` promise resolved. */
export async function waitForSdk (page, timeout = 15_000) {
  await page.waitFor(() => typeof window.waymark?.profile === 'function', undefined, { timeout })
  await page.evaluate(() => window.waymark.ready.then(() => {}))
}

/** Reloads and waits for the SDK again. */
export async function reload (page) {
  await page.reload()
  await waitForSdk(page)
}

/** Gives the SDK time to write coalesced state to IndexedDB before a reload. */
export const settle = (page, ms = 1000) => page.sleep(ms)

/** Polls `check` (sync or async) every 50 ms until it is truthy or `ms` have passed. */
export async function until (check, ms = 20_000) {
  for (const end = Date.now() + ms; !(await check()) && Date.now() < end;) await sleep(50)
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
