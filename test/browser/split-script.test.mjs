// @vitest-environment node
// The split script tag (dist/script/: waymark.js, then its parts waymark-sync.js and
// waymark-elements.js from the same folder) in Chromium, Firefox and WebKit: under a
// nonce-only strict CSP with Trusted Types, with a part that arrives late, with a part that is
// missing, loaded twice, and on a page with no use for the elements until one is added.
//
// Trusted Types: the loader makes its `waymark` policy only where `window.trustedTypes`
// exists. With the engines this suite was written against, Chromium and WebKit (Playwright's,
// "Version/60.5") have it and Firefox 140 does not: there the parts load from plain URLs,
// which is fine, as it enforces nothing either. Nothing here requires Trusted Types; where
// they are enforced, zero violations with `trusted-types waymark` proves the policy was used.
//
// A late or missing part needs JavaScript served under our control, which the test origin
// (it serves HTML only) cannot do: a small static server of this file serves copies of
// dist/script/ from folders of its own, on another port, as a CDN would.
import { createServer } from 'node:http'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest'
import { ROOT, SNIPPET, forEachEngine, reload, settle, waitForSdk } from './harness.mjs'

const MINUTE = 60_000
const NONCE = 'sp1itN0nce'
const CSP = `default-src 'self'; script-src 'nonce-${NONCE}'; style-src 'self'; require-trusted-types-for 'script'; trusted-types waymark`
const PLAYBOOK = {
  version: 'split-1',
  rules: [{ id: 'split-toast', on: ['split_shown'], offer: { kind: 'toast', title: 'Привет, {user.firstName|друг}!', body: 'Тост из отдельной части' } }],
}
// A playbook whose offers the page renders itself: no use for the elements part.
const HEADLESS = { version: 'split-h', rules: [{ id: 'split-own', on: ['split_shown'], offer: { kind: 'headless', data: { n: 1 } } }] }
const TOAST = { css: '[part~="toast"]', within: { css: 'waymark-overlay' } }
const GREETING = '<waymark-greeting first-visit-text="Здравствуйте"></waymark-greeting>'

const js = (v) => JSON.stringify(v).replace(/</g, '\\u003c')
/**
 * A page with the snippet, queued calls and the split script tag. `src`: the first file;
 * `nonce`: on both scripts; `listen`: also queue listeners that note offers (`__offers`) and
 * errors (`__errors`); `__violations` collects CSP violations; `__tt` notes Trusted Types.
 */
function splitPage ({ src = '/script/waymark.js', nonce, calls = [], attrs = {}, body = '' }) {
  const n = nonce ? ` nonce="${nonce}"` : ''
  const data = Object.entries(attrs).map(([k, v]) => ` data-${k}="${v}"`).join('')
  return `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Split script tag</title>
<script${n}>
  window.__violations = []; window.__offers = []; window.__errors = []; window.__tt = typeof window.trustedTypes
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI))
  ${SNIPPET}
  waymark('on', 'offer', (o) => window.__offers.push(o.rule))
  waymark('on', 'error', (e) => window.__errors.push(String(e && e.message || e)))
  ${calls.map((args) => `waymark(${args.map(js).join(', ')});`).join('\n  ')}
</script>
<script async${n} src="${src}"${data}></script>
</head><body><h1>Split script tag</h1>${body}</body></html>`
}

// Paths of the resources the page loaded (the parts carry ?v=<build id>).
const loaded = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname))

// The static server: /<folder>/<file> is dist/script/<file> for a folder starting with "slow"
// (whose waymark-elements.js waits until released) and only waymark.js for "lonely"; 404 else.
// The files are read once, so a build running meanwhile cannot mix two builds' files.
const DIST = join(ROOT, 'dist', 'script')
const gates = new Map() // folder -> { promise, release }
let cdn
beforeAll(async () => {
  const files = Object.fromEntries(readdirSync(DIST).map((f) => [f, readFileSync(join(DIST, f))]))
  const server = createServer(async (req, res) => {
    const [, folder, file] = new URL(req.url, 'http://x').pathname.split('/')
    const known = /^waymark(-[a-z]+)?\.(js|css)$/.test(file || '')
    if (!known || !(folder.startsWith('slow') || (folder.startsWith('lonely') && file === 'waymark.js'))) return void res.writeHead(404).end()
    if (file === 'waymark-elements.js') await gates.get(folder)?.promise
    const type = file.endsWith('.css') ? 'text/css' : 'text/javascript'
    res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(files[file])
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  cdn = { url: `http://127.0.0.1:${server.address().port}`, close: () => new Promise((r) => server.close(r)) }
})
afterAll(async () => {
  for (const g of gates.values()) g.release()
  await cdn?.close()
})
let folders = 0
/** A new folder of the static server whose elements part is held until `release()`. */
function slowFolder () {
  const folder = `slow${++folders}`
  let release
  const promise = new Promise((r) => { release = r })
  gates.set(folder, { promise, release })
  return { src: `${cdn.url}/${folder}/waymark.js`, release }
}

forEachEngine('split script tag', { timeout: 90_000 }, (t) => {
  const open = (html, headers) => t.context.openTestPage({ html, headers })

  beforeEach(async () => {
    await fetch(t.server.url + '/__playbook', { method: 'POST', body: JSON.stringify({ mode: 'ok', playbook: PLAYBOOK, resetStats: true }) })
  })

  test('under a nonce-only strict CSP with Trusted Types, the parts load with the copied nonce: the queued offer and the greeting render, zero violations', async () => {
    const html = splitPage({
      nonce: NONCE,
      attrs: { playbook: '/playbook.json', locale: 'ru', 'auto-page': 'false' },
      calls: [['identify', 'u-42', { firstName: 'Анна' }], ['track', 'split_shown']],
      body: GREETING,
    })
    const page = await open(html, { 'Content-Security-Policy': CSP })
    await expect.poll(() => page.text(TOAST), { timeout: 10_000 }).toContain('Привет, Анна!')
    expect(await page.visible(TOAST)).toBe(true)
    expect(await page.text('waymark-greeting', { shadow: true })).toBe('Здравствуйте')
    // 'self' is not in script-src: only the nonce the first file copied lets its parts run.
    const paths = await loaded(page)
    expect(paths).toEqual(expect.arrayContaining(['/script/waymark.js', '/script/waymark-sync.js', '/script/waymark-elements.js']))
    expect(paths.filter((p) => p.startsWith('/script/waymark-'))).toHaveLength(2) // each part once
    expect(await page.evaluate(() => window.__offers)).toEqual(['split-toast'])
    expect(await page.evaluate(() => window.__errors)).toEqual([])
    // Where the engine has Trusted Types (__tt 'object'), a part URL set without the `waymark`
    // policy (or through one of another name) would have been a violation.
    expect(['object', 'undefined']).toContain(await page.evaluate(() => window.__tt))

    // A return visit (31 minutes on): the greeting, from the stored state and playbook.
    await settle(page)
    t.context.shiftClock(31 * MINUTE)
    await reload(page)
    await expect.poll(() => page.text('waymark-greeting', { shadow: true }), { timeout: 10_000 }).toBe('С возвращением, Анна!')
    await page.evaluate(() => window.waymark.flush())
    expect(await page.evaluate(() => window.__violations)).toEqual([])
    expect(await t.context.errors()).toEqual([])
  })

  test('a preview link under the strict CSP loads the preview part with the copied nonce and shows the offer; the panel alone, or no link, never loads it', async () => {
    const html = splitPage({ nonce: NONCE, attrs: { playbook: '/playbook.json', locale: 'ru', 'auto-page': 'false', preview: '' } })
    const headers = { 'Content-Security-Policy': CSP }
    const linked = await t.context.openTestPage({ prefix: '/__preview/', path: '/__preview/page?waymark-preview=split-toast', html, headers })
    await expect.poll(() => linked.text(TOAST), { timeout: 10_000 }).toContain('Привет, друг!')
    expect(await linked.text({ css: '[part~="preview"]', within: { css: 'waymark-overlay' } })).toBe('Предпросмотр')
    expect((await loaded(linked)).filter((p) => p.endsWith('/waymark-preview.js'))).toEqual(['/script/waymark-preview.js'])
    expect(await linked.evaluate(() => window.__violations)).toEqual([])
    expect(await linked.evaluate(() => window.__errors)).toEqual([])
    for (const query of ['?waymark-debug', '']) {
      const page = await t.context.openTestPage({ prefix: `/__plain${query ? 'debug' : ''}/`, path: `/__plain${query ? 'debug' : ''}/page${query}`, html, headers })
      await page.evaluate(() => window.waymark.refresh())
      await page.sleep(300) // the part would have been asked for by now
      expect((await loaded(page)).filter((p) => p.endsWith('/waymark-preview.js'))).toEqual([])
      expect(await page.evaluate(() => window.__offers)).toEqual([])
    }
    expect(await t.context.errors()).toEqual([])
  })

  test('the parts ready does not wait for are asked for after it: sync and identity on a first visit, sync and places on a return visit with a check due', async () => {
    // A playbook with a place: applied from the device's copy at a return visit's start, it
    // asks for the places part then. No permission is granted: the part only looks. Its toast
    // asks for the elements part, which has come after ready since it became a part.
    const WITH_PLACE = { ...PLAYBOOK, places: [{ id: 'split-store', lat: 55.7652, lng: 37.6056, radius: 150 }] }
    await fetch(t.server.url + '/__playbook', { method: 'POST', body: JSON.stringify({ mode: 'ok', playbook: WITH_PLACE, resetStats: true }) })
    // Notes each part's script element as it is added, and whether ready had resolved by then:
    // its handler is attached as the script tag sets window.waymark, before anything resolves.
    const html = `<!doctype html>
<html lang="ru"><head><meta charset="utf-8"><title>Parts after ready</title>
<script>
  window.__adds = []; window.__from = []
  let wm
  Object.defineProperty(window, 'waymark', { configurable: true, get: () => wm, set (v) {
    wm = v
    v.on('playbook', (p) => window.__from.push(p.from))
    v.ready.then(() => { window.__ready = true })
  } })
  const append = Element.prototype.append
  Element.prototype.append = function (...nodes) {
    for (const n of nodes) {
      const part = n instanceof HTMLScriptElement && /waymark-([a-z]+)\.js/.exec(n.src)
      if (part) window.__adds.push(part[1] + (window.__ready ? ' after ready' : ' before ready'))
    }
    return append.apply(this, nodes)
  }
</script>
<script src="/script/waymark.js" data-playbook="/playbook.json" data-identity="/identity" data-namespace="parts-after-ready" data-auto-page="false"></script>
</head><body><h1>Parts after ready</h1></body></html>`
    const page = await open(html)
    await expect.poll(() => page.evaluate(() => window.__from), { timeout: 10_000 }).toEqual(['network'])
    await expect.poll(() => page.evaluate(() => window.__adds.slice().sort())).toEqual(['elements after ready', 'identity after ready', 'places after ready', 'sync after ready'])
    expect(await page.evaluate(() => window.waymark.explain('split-toast').reason)).not.toBe('no such rule')

    // 31 minutes on, the stored copy is in force at ready, and checked after it.
    await settle(page)
    t.context.shiftClock(31 * MINUTE)
    await reload(page)
    await expect.poll(() => page.evaluate(() => window.__adds.slice().sort()), { timeout: 10_000 }).toEqual(['elements after ready', 'places after ready', 'sync after ready'])
    expect(await page.evaluate(() => window.__from)).toEqual(['cache'])
    expect((await loaded(page)).filter((p) => p.startsWith('/script/waymark-sync'))).toHaveLength(1)
    expect(await t.context.errors()).toEqual([])
  })

  test('an offer decided before the elements part arrives is shown once it does, exactly once', async () => {
    const { src, release } = slowFolder()
    t.context.serve('/__slow/', splitPage({
      src,
      attrs: { playbook: '/playbook.json', locale: 'ru', 'auto-page': 'false' },
      calls: [['identify', 'u-42', { firstName: 'Анна' }], ['track', 'split_shown']],
    }))
    // Where the elements are asked for before the load event (Chromium), that part still loading
    // holds it: the navigation may only end after release.
    const page = await t.context.newPage()
    const navigated = page.goto('/__slow/page').catch((e) => e)
    // Decided (the sync part is there, the playbook applied) while the elements are held back.
    await page.waitFor(() => window.__offers.includes('split-toast'))
    expect(await page.evaluate(() => [!!customElements.get('waymark-overlay'), document.querySelectorAll('waymark-overlay').length])).toEqual([false, 0])
    release()
    expect(await navigated).not.toBeInstanceOf(Error)
    await expect.poll(() => page.text(TOAST), { timeout: 10_000 }).toContain('Привет, Анна!')
    await page.sleep(500) // a second copy would have come by now
    expect(await page.count(TOAST)).toBe(1)
    expect(await page.evaluate(() => window.__offers)).toEqual(['split-toast'])
    expect(await page.evaluate(() => window.waymark.journey().counts.offer_shown)).toBe(1)
    expect(await t.context.errors()).toEqual([])
  })

  test('a first file without its parts beside it: on("error") says the playbook sync did not load, ready resolves, track works, the page is not broken', async () => {
    const page = await open(splitPage({
      src: `${cdn.url}/lonely/waymark.js`,
      attrs: { playbook: '/playbook.json', locale: 'ru', 'auto-page': 'false' },
      calls: [['track', 'before_ready']],
      body: `<button id="still">still works</button>${GREETING}`, // a use for the elements part
    }))
    const errors = await page.waitFor(() => window.__errors.length && window.__errors)
    expect(errors).toEqual([expect.stringMatching(/^waymark: playbook sync did not load: part "sync" unavailable: .*\/lonely\/waymark-sync\.js\?v=\S+ did not load$/)])
    await page.evaluate(() => window.waymark.track('after_ready'))
    expect((await page.evaluate(() => window.waymark.journey())).counts).toMatchObject({ before_ready: 1, after_ready: 1 })
    // Decided with the default stages, no rule known; nothing shown.
    expect(await page.evaluate(() => window.waymark.explain('split-toast').reason)).toBe('no such rule')
    expect(await page.evaluate(() => window.__offers)).toEqual([])
    await page.evaluate(() => document.getElementById('still').addEventListener('click', () => { window.__clicked = true }))
    await page.click('#still')
    expect(await page.evaluate(() => window.__clicked)).toBe(true)
    // The elements part is missing too: said once on the console, never thrown at the page.
    await expect.poll(() => t.context.reports('console.error')).toHaveLength(1)
    const reports = await t.context.errors()
    expect(reports).toEqual([expect.stringMatching(/^console\.error: .*part "elements" unavailable: .*\/lonely\/waymark-elements\.js\?v=\S+ did not load/)])
  })

  test('loading the split script twice keeps the first instance, and each part loads once', async () => {
    const page = await open(splitPage({ attrs: { playbook: '/playbook.json', locale: 'ru', 'auto-page': 'false' } }))
    await page.waitFor(() => !!customElements.get('waymark-overlay'))
    const first = await page.evaluate(() => { window.waymark.__first = true; return window.waymark.profile().anonymousId })
    await page.addScript('/script/waymark.js?again')
    await page.sleep(300)
    expect(await page.evaluate(() => window.waymark.__first)).toBe(true)
    expect(await page.evaluate(() => window.waymark.profile().anonymousId)).toBe(first)
    await page.evaluate(() => window.waymark.track('split_shown'))
    await expect.poll(() => page.count(TOAST)).toBe(1)
    await page.sleep(300)
    expect(await page.count(TOAST)).toBe(1)
    expect(await page.count({ css: 'waymark-overlay' })).toBe(1)
    const parts = (await loaded(page)).filter((p) => p.startsWith('/script/waymark-'))
    expect(parts.sort()).toEqual(['/script/waymark-elements.js', '/script/waymark-sync.js'])
    expect(await t.context.errors()).toEqual([])
  })

  test('a page with a headless playbook and no element never loads the elements part; an element added later loads it and renders', async () => {
    await fetch(t.server.url + '/__playbook', { method: 'POST', body: JSON.stringify({ mode: 'ok', playbook: HEADLESS, resetStats: true }) })
    const page = await open(splitPage({ attrs: { playbook: '/playbook.json', locale: 'ru', 'auto-page': 'false' }, calls: [['track', 'split_shown']] }))
    await page.waitFor(() => window.__offers.includes('split-own'))
    await page.sleep(500) // the part would have been asked for by now
    const parts = async () => (await loaded(page)).filter((p) => p.startsWith('/script/waymark-')).sort()
    expect(await parts()).toEqual(['/script/waymark-sync.js'])
    expect(await page.evaluate(() => !!customElements.get('waymark-greeting'))).toBe(false)
    // A framework renders a greeting later, inside a block of its own.
    await page.evaluate(() => {
      const greeting = document.createElement('waymark-greeting')
      greeting.setAttribute('first-visit-text', 'Здравствуйте')
      document.body.append(Object.assign(document.createElement('div'), { id: 'later' }))
      document.getElementById('later').append(greeting)
    })
    await expect.poll(() => page.text('waymark-greeting', { shadow: true }), { timeout: 10_000 }).toBe('Здравствуйте')
    expect(await parts()).toEqual(['/script/waymark-elements.js', '/script/waymark-sync.js'])
    expect(await page.evaluate(() => window.__errors)).toEqual([])
    expect(await t.context.errors()).toEqual([])
  })
})
