// @vitest-environment node
// The fallbacks of the README's browser support table, in Chromium, Firefox and WebKit, each
// with the API taken away the way an older browser lacks it. (IndexedDB, BroadcastChannel and
// Web Locks have theirs in script-tag.test.mjs and faults.test.mjs.)
import { beforeEach, expect, test } from 'vitest'
import { collector, forEachEngine, until } from './harness.mjs'

forEachEngine('older browsers', { timeout: 60_000 }, (t) => {
  const { control, storedEvents } = collector(t)
  beforeEach(() => control({ fail: 0, status: 500, delay: 0, resetStats: true }))

  test('without fetch keepalive (Firefox before 133) a navigation right after track still delivers, by beacon', async () => {
    t.context.addInitScript(() => {
      // Such a browser has no keepalive member, and its fetch outlives no page.
      delete Request.prototype.keepalive
      const original = window.fetch
      window.fetch = (url, init) => original(url, init && { ...init, keepalive: false })
    })
    const page = await t.context.openTestPage({ attrs: { collect: '/collect', 'auto-page': 'false', namespace: 'beacon' } })
    expect(await page.evaluate(() => 'keepalive' in new Request('/'))).toBe(false)
    await page.evaluate(() => {
      window.waymark.track('leaving', { by: 'beacon' })
      location.href = '/shop.css' // a page without Waymark: only the page-hide request can carry it
    })
    await until(() => storedEvents('leaving').length > 0, 5000)
    expect(storedEvents('leaving')).toHaveLength(1)
  })

  test('without constructable stylesheets (Safari before 16.4, Firefox before 101) the elements take waymark.css', async () => {
    t.context.addInitScript(() => { delete ShadowRoot.prototype.adoptedStyleSheets })
    await fetch(t.server.url + '/__playbook', {
      method: 'POST',
      body: JSON.stringify({ mode: 'ok', playbook: { version: 'css-1', rules: [{ id: 'm', on: ['show'], offer: { kind: 'modal', title: 'Styled' } }] } }),
    })
    const page = await t.context.openTestPage({ attrs: { playbook: '/playbook.json', 'auto-page': 'false', namespace: 'css' } })
    await page.waitFor(() => window.waymark.explain('m').reason !== 'no such rule')
    await page.evaluate(() => window.waymark.track('show'))
    await expect.poll(() => page.visible({ role: 'dialog', name: 'Styled' })).toBe(true)
    const styled = await page.waitFor(() => {
      const overlay = document.querySelector('waymark-overlay')
      const link = overlay?.shadowRoot.querySelector('link[rel="stylesheet"]')
      const backdrop = window.__t.find({ css: '[part~="backdrop"]', within: { css: 'waymark-overlay' } })[0]
      return link && link.sheet && backdrop && getComputedStyle(backdrop).position === 'fixed' && new URL(link.href).pathname
    })
    expect(styled).toBe('/waymark.css')
    expect(await t.context.errors()).toEqual([])
  })
})
