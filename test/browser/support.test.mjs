// @vitest-environment node
// A fallback of the README's browser support table, in Chromium, Firefox and WebKit, with the
// API taken away the way an older browser lacks it. (IndexedDB, BroadcastChannel, Web Locks and
// fetch keepalive have theirs in script-tag.test.mjs, faults.test.mjs and delivery.test.mjs.)
import { expect, test } from 'vitest'
import { forEachEngine } from './harness.mjs'

forEachEngine('older browsers', { timeout: 60_000 }, (t) => {
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
