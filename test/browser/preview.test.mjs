// @vitest-environment node
// Preview links and the debug panel (issue 15, part 3) on the demo storefront, which turns
// `preview` on: `?waymark-preview=<rule-id>` shows that rule's offer with its "Preview" mark
// within a second and delivers nothing for it; `?waymark-debug` opens the panel with the
// playbook in force and each rule's reason. A page without `data-preview` ignores both.
import { expect, test } from 'vitest'
import { collector, forEachEngine, strictCsp, testPageHtml, waitForSdk } from './harness.mjs'

// Runs first in every page: a stub that notes when the preview's offer was emitted (the
// elements, listening since the SDK started, have drawn it by then), in ms since navigation.
function notePreview () {
  window.waymark = function () { (window.waymark.q = window.waymark.q || []).push(arguments) }
  window.waymark('on', 'offer', function (o) { if (o.preview) window.__preview = { rule: o.rule, kind: o.kind, at: performance.now() } })
}

const MARK = { css: '[part~="preview"]', within: { css: 'waymark-overlay' } }

forEachEngine('preview links and the debug panel', { timeout: 60_000 }, (t) => {
  const open = async (path) => {
    const page = await t.context.newPage()
    await page.goto(path)
    await waitForSdk(page)
    return page
  }

  test('an inline offer shows in its slot, or as a toast on a page where its slot is not shown; the mark in Russian', async () => {
    t.context.addInitScript(() => localStorage.setItem('northbean-lang', 'ru'))
    const inSlot = await open('/?waymark-preview=catalogue-welcome')
    const slot = { css: '[part~="preview"]', within: { css: 'waymark-slot[name="catalogue-top"]' } }
    await expect.poll(() => inSlot.text(slot), { timeout: 5_000 }).toBe('Предпросмотр')
    expect(await inSlot.visible(slot)).toBe(true)
    expect(await inSlot.count({ css: '[part~="toast"]', within: { css: 'waymark-overlay' } })).toBe(0)
    const elsewhere = await open('/cart?waymark-preview=catalogue-welcome')
    await expect.poll(() => elsewhere.visible({ role: 'status', within: { css: 'waymark-overlay' } }), { timeout: 5_000 }).toBe(true)
    expect(await elsewhere.text(MARK)).toBe('Предпросмотр')
    expect(await elsewhere.text({ css: '[part~="toast"]', within: { css: 'waymark-overlay' } })).toContain('HELLO10')
    expect(await t.context.errors()).toEqual([])
  })

  test('?waymark-preview shows the rule’s offer with its mark within a second, whatever its condition; nothing of it is delivered', async () => {
    t.context.addInitScript(notePreview)
    const page = await open('/?waymark-preview=tasting-set') // a modal for one product's page, by condition
    const dialog = { role: 'dialog', name: 'taste before you choose' }
    await expect.poll(() => page.visible(dialog), { timeout: 5_000 }).toBe(true)
    expect(await page.text(MARK)).toBe('Preview')
    expect(await page.visible(MARK)).toBe(true)
    const noted = await page.evaluate(() => window.__preview)
    expect(noted).toMatchObject({ rule: 'tasting-set', kind: 'modal' })
    expect(noted.at).toBeLessThan(1_000)
    // It closes like any offer, and records nothing.
    await page.click({ role: 'button', name: 'Close', within: dialog })
    await expect.poll(() => page.count(dialog)).toBe(0)
    expect(await page.evaluate(() => window.waymark.explain('tasting-set').reason)).toMatch(/^condition not met: /)
    await page.evaluate(() => window.waymark.flush())
    const { storedEvents } = collector(t)
    expect(storedEvents('page').length).toBeGreaterThan(0) // the collector does get the page's events
    const offerEvents = ['offer_shown', 'offer_clicked', 'offer_dismissed', 'offer_held_out'].flatMap((n) => storedEvents(n))
    expect(offerEvents.filter((e) => e.props.rule === 'tasting-set')).toEqual([])
    expect(await t.context.errors()).toEqual([])
  })

  test('?waymark-debug opens the panel: the version and where it came from, the latest triggers, each rule’s reason; it follows the visitor, axe-clean, and Escape closes it', async () => {
    const { version, rules } = await (await fetch(t.server.url + '/playbook.json')).json()
    const page = await open('/?waymark-debug')
    const panel = { css: '[part~="debug"]', within: { css: 'waymark-debug' } }
    const part = (name) => ({ css: `[part~="${name}"]`, within: { css: 'waymark-debug' } })
    await expect.poll(() => page.text(part('debug-playbook')), { timeout: 5_000 }).toBe(`Playbook ${version} from network`)
    expect(await page.visible(panel)).toBe(true)
    const lines = (name) => page.evaluate((css) => [...document.querySelector('waymark-debug').shadowRoot.querySelectorAll(css)].map((li) => li.textContent), `[part~="${name}"] li`)
    expect((await lines('debug-rules')).map((l) => l.split(':')[0])).toEqual(rules.map((r) => r.id))
    expect(await lines('debug-rules')).toContainEqual(expect.stringMatching(/^tasting-set: condition not met: /))
    await expect.poll(() => lines('debug-triggers')).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d page$/))

    // A step on the site shows up in it (the shop's own link, followed by its one-page router).
    await page.evaluate(() => document.querySelector('#product-grid a[href^="/product/"]').click())
    await expect.poll(async () => (await lines('debug-triggers'))[0]).toMatch(/^\d\d:\d\d:\d\d (product_viewed|stage:evaluate)$/)
    expect(await lines('debug-triggers')).toContainEqual(expect.stringMatching(/ product_viewed$/))

    await page.addScript('/__t/axe.js')
    const serious = await page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] })
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .flatMap((v) => v.nodes.map((n) => `${v.id}: ${JSON.stringify(n.target)}`)).filter((s) => s.includes('waymark-debug'))
    })
    expect(serious).toEqual([])

    await page.focus({ role: 'button', name: 'Close', within: { css: 'waymark-debug' } })
    await page.press('Escape')
    await expect.poll(() => page.count({ css: 'waymark-debug' })).toBe(0)
    expect(await t.context.errors()).toEqual([])
  })

  test('under a strict CSP with Trusted Types: the preview and the panel, styled, with zero violations', async () => {
    const nonce = 'n0nc3'
    const html = testPageHtml({ nonce, attrs: { playbook: '/playbook.json', preview: '', locale: 'en' } })
    const csp = strictCsp(nonce)
    const page = await t.context.openTestPage({ prefix: '/__csp/', path: '/__csp/page?waymark-preview=catalogue-welcome&waymark-debug', html, headers: { 'Content-Security-Policy': csp } })
    await expect.poll(() => page.text(MARK), { timeout: 5_000 }).toBe('Preview') // no slot on the page: a toast
    await expect.poll(() => page.text({ css: '[part~="debug-rules"]', within: { css: 'waymark-debug' } })).toContain('catalogue-welcome: ')
    expect(await page.evaluate(() => getComputedStyle(window.__t.find({ css: '[part~="debug"]', within: { css: 'waymark-debug' } })[0]).position)).toBe('fixed')
    expect(await page.evaluate(() => window.__violations)).toEqual([])
    expect(await t.context.errors()).toEqual([])
  })

  test('a page without data-preview ignores both parameters', async () => {
    t.context.addInitScript(notePreview)
    const page = await t.context.openTestPage({
      prefix: '/__test/plain/',
      path: '/__test/plain/page?waymark-preview=tasting-set&waymark-debug',
      attrs: { playbook: '/playbook.json', locale: 'en' },
    })
    await page.waitFor(() => window.waymark.explain('tasting-set').reason !== 'no such rule')
    await page.sleep(1_000)
    expect(await page.evaluate(() => window.__preview ?? null)).toBeNull()
    expect(await page.count({ css: 'waymark-debug' })).toBe(0)
    expect(await page.count({ role: 'dialog' })).toBe(0)
    expect(await t.context.errors()).toEqual([])
  })
})
