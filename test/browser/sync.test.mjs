// @vitest-environment node
// Playbook sync in Chromium, Firefox and WebKit against the example server's /playbook.json, which
// /__playbook can make fail, hang, serve garbage or serve another playbook.
import { generateKeyPairSync, sign } from 'node:crypto'
import { beforeEach, expect, test } from 'vitest'
import { forEachEngine, reload, until } from './harness.mjs'

const rule = (id) => ({ id, on: ['cart_viewed'], offer: { kind: 'headless', title: id } })
const V1 = { version: '2026-11-24.1', rules: [rule('sync-v1')] }
const V2 = { version: '2026-11-25.1', rules: [rule('sync-v2')] }
const ATTRS = { playbook: '/playbook.json', 'refresh-seconds': '1', 'auto-page': 'false', namespace: 'sync' }

/** The rules that fire on a cart_viewed now. */
const fires = (page) => page.evaluate(() => {
  const rules = []
  const off = window.waymark.on('offer', (o) => rules.push(o.rule))
  window.waymark.track('cart_viewed')
  off()
  return rules
})
const hasRule = (page, id) => page.waitFor((r) => window.waymark.explain(r).reason !== 'no such rule', id, { timeout: 10_000 })

forEachEngine('playbook sync', { timeout: 60_000 }, (t, engine) => {
  const open = (attrs) => t.context.openTestPage({ attrs })
  /** Waymark's reports reach the console as warnings when the page has no error listener: those from now on. */
  const warnings = async () => {
    const before = (await t.context.reports('console.warn')).length
    return async () => (await t.context.reports('console.warn')).slice(before).filter((m) => m.includes('waymark:'))
  }
  const control = async (body) => (await fetch(t.server.url + '/__playbook', { method: 'POST', body: JSON.stringify(body) })).json()
  const stats = async () => (await (await fetch(t.server.url + '/__playbook')).json()).stats

  beforeEach(() => control({ mode: 'ok', playbook: V1, resetStats: true }))

  test('the cached playbook fires an offer while the endpoint returns 500', async () => {
    const page = await open(ATTRS)
    await hasRule(page, 'sync-v1')
    await control({ mode: 'fail' })
    const seen = await warnings()
    await page.sleep(1100) // the cached copy is now older than refreshSeconds
    await reload(page)
    expect(await fires(page)).toEqual(['sync-v1'])
    await until(async () => (await seen()).length > 0)
    expect((await seen())[0]).toMatch(/playbook not loaded: HTTP 500 \(from http:\/\/127\.0\.0\.1:\d+\/playbook\.json; version "2026-11-24\.1" stays in force; next try in \d+ s\)/)
    expect(await fires(page)).toEqual(['sync-v1'])
    expect((await stats()).failed).toBeGreaterThanOrEqual(1)
    expect(await t.context.reports('pageerror')).toEqual([])
  })

  test('a hanging endpoint does not delay an offer', async () => {
    const page = await open(ATTRS)
    await hasRule(page, 'sync-v1')
    const timed = async () => {
      await page.sleep(1100)
      await reload(page)
      return page.evaluate(() => {
        const offered = window.waymark.explain('sync-v1').fires && performance.now()
        return { ready: performance.now(), offered }
      })
    }
    const ok = await timed()
    await control({ mode: 'hang' })
    const before = (await stats()).requests
    const hung = await timed()
    await until(async () => (await stats()).requests > before, 3000)
    expect((await stats()).requests).toBeGreaterThan(before) // the revalidation is out…
    const answered = await page.evaluate(() => performance.getEntriesByName(location.origin + '/playbook.json').length)
    expect(answered).toBe(0) // …and unanswered
    expect(await fires(page)).toEqual(['sync-v1'])
    expect(hung.offered).toBeGreaterThan(0)
    expect(hung.ready).toBeLessThan(ok.ready + 1000) // the 5 s timeout is not on the path
    console.log(`[sync timings, ${engine}] navigation → ready with the cached playbook: endpoint answering ${ok.ready.toFixed(0)} ms, endpoint hanging ${hung.ready.toFixed(0)} ms`)
  })

  test('a garbage or invalid playbook is rejected and the previous one keeps working', async () => {
    const page = await open({ ...ATTRS, 'refresh-seconds': '300' })
    await hasRule(page, 'sync-v1')
    const seen = await warnings()
    await control({ mode: 'garbage' })
    await page.evaluate(() => window.waymark.refresh())
    await control({ mode: 'invalid' })
    await page.evaluate(() => window.waymark.refresh())
    expect((await seen()).map((m) => m.replace(/ \(from.*/s, ''))).toEqual([
      // The parser's own words follow, and differ by engine.
      expect.stringMatching(/^(Error: )?waymark: playbook rejected: not JSON: \S/),
      expect.stringMatching(/^(Error: )?waymark: playbook rejected: rules\[0\]\.if\.event\.total: unknown operator "\$gtt" \(rule "broken"\)$/),
    ])
    expect(await fires(page)).toEqual(['sync-v1'])
    await control({ mode: 'ok', playbook: V2 })
    await page.evaluate(() => window.waymark.refresh())
    expect(await fires(page)).toEqual(['sync-v2'])
    expect(await t.context.reports('pageerror')).toEqual([])
  })

  test('two tabs: one of them revalidates each interval, and both take a new version', async () => {
    const attrs = { ...ATTRS, 'refresh-seconds': '2' }
    // Each tab notes where every playbook it put in force came from.
    const head = `<script>waymark('on', 'playbook', function (p) { (window.__from = window.__from || []).push(p.from) })</script>`
    const a = await t.context.openTestPage({ attrs, head })
    await hasRule(a, 'sync-v1')
    const b = await t.context.openTestPage({ attrs, head })
    await hasRule(b, 'sync-v1')
    const visible = await Promise.all([a, b].map((p) => p.evaluate(() => document.visibilityState)))
    expect(visible).toEqual(['visible', 'visible']) // both tabs run their timers
    // The second tab started from the cache. Neither the server's count nor the tab's own requests
    // can say so: both tabs' checks are due 2 s after the first tab's fetch, and either may win the
    // lock and fetch while a slow engine is still opening the second tab (seen in Firefox).
    expect((await b.evaluate(() => window.__from))[0]).toBe('cache')
    await control({ resetStats: true })
    await a.sleep(12_000)
    const idle = await stats()
    await control({ playbook: V2 })
    await Promise.all([hasRule(a, 'sync-v2'), hasRule(b, 'sync-v2')])
    const after = await stats()
    console.log(`[sync two tabs, ${engine}] 12 s at refreshSeconds=2: ${idle.requests} requests (${idle.notModified} × 304, ` +
      `${(100 * idle.notModified / idle.requests).toFixed(0)} %), against ${2 * 6} if each tab revalidated on its own; ` +
      `new version: ${after.requests - idle.requests} request(s), ${after.ok - idle.ok} × 200, both tabs updated`)
    expect(idle.requests).toBeGreaterThanOrEqual(4)
    expect(idle.requests).toBeLessThanOrEqual(7)
    expect(idle.notModified).toBe(idle.requests)
    expect(after.ok - idle.ok).toBe(1)
    expect(await fires(b)).toEqual(['sync-v2'])
  })

  test('a signed playbook is accepted with data-public-key; one changed byte or no signature is rejected', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
    const envelope = (doc) => {
      const payload = JSON.stringify(doc)
      return { payload, signature: sign('sha256', Buffer.from(payload), { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64') }
    }
    await control({ playbook: envelope(V1) })
    const page = await open({ ...ATTRS, 'refresh-seconds': '300', 'public-key': spki })
    await hasRule(page, 'sync-v1')
    const seen = await warnings()
    const tampered = envelope(V2)
    tampered.payload = tampered.payload.replace('sync-v2', 'sync-v3')
    await control({ playbook: tampered })
    await page.evaluate(() => window.waymark.refresh())
    await control({ playbook: V2 })
    await page.evaluate(() => window.waymark.refresh())
    expect((await seen()).map((m) => m.replace(/ \(from.*/s, '').replace(/^Error: /, ''))).toEqual([
      'waymark: playbook rejected: signature does not verify with publicKey',
      'waymark: playbook rejected: not signed, and publicKey is set',
    ])
    await control({ playbook: envelope(V2) })
    await page.evaluate(() => window.waymark.refresh())
    expect(await fires(page)).toEqual(['sync-v2'])
    expect(await t.context.reports('pageerror')).toEqual([])
  })
})
