// @vitest-environment node
// The elements in a real Chromium, through the script tag (which always includes and
// registers them): greeting, live order status, every offer kind, the modal's keyboard
// behaviour, hostile text, a strict CSP with Trusted Types, and axe-core.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, describe, expect, test } from 'vitest'
import { ROOT, SNIPPET, hasChromium, openTestPage, reload, settle, useBrowserSuite, watchErrors, waitForSdk } from './harness.mjs'

const MINUTE = 60_000
const show = (kind, extra = {}) => ({ id: `show-${kind}`, on: [`show_${kind}`], offer: { kind, title: `A ${kind}`, body: `The ${kind}'s body`, cta: { label: 'Go', href: '/catalog' }, ...extra } })
const PLAYBOOK = {
  version: 'elements-1',
  rules: [
    show('banner'),
    { ...show('banner'), id: 'show-banner-bottom', on: ['show_banner_bottom'], offer: { ...show('banner').offer, placement: 'bottom' } },
    show('toast', { code: 'SHIP50' }),
    show('modal', { code: 'BF20' }),
    { ...show('inline'), offer: { ...show('inline').offer, placement: 'test-slot' } },
    {
      id: 'hostile', on: ['show_hostile'],
      offer: { kind: 'toast', title: '{user.firstName|x}', body: '<b>not bold</b>', cta: { label: 'x', href: 'javascript:alert(1)' } },
    },
  ].map((r) => ({ ...r, offer: { ...r.offer } })),
}
// The hostile rule's href would not validate; it is replaced by a safe one, and the unsafe
// link case is covered by the unit tests (the validator already refuses it in playbooks).
PLAYBOOK.rules[5].offer.cta = { label: 'x' }

const BODY = `<button id="before">before</button>
<waymark-greeting first-visit-text="Hello, new visitor"></waymark-greeting>
<waymark-slot name="test-slot"></waymark-slot>
<waymark-order-status order-id="T-1"></waymark-order-status>`
const ATTRS = { playbook: '/playbook.json', orders: '/api/orders/{id}', 'auto-page': 'false', namespace: 'elements', locale: 'en' }

describe.skipIf(!hasChromium())('elements in Chromium', { timeout: 90_000 }, () => {
  const t = useBrowserSuite({ locale: 'en-US' })
  const post = (path, body) => fetch(t.server.url + path, { method: 'POST', body: JSON.stringify(body) })
  const open = (opts = {}) => openTestPage(t.context, t.server.url, { attrs: ATTRS, body: BODY, ...opts })
  const ready = (page) => page.waitForFunction(() => window.waymark.explain('show-modal').reason !== 'no such rule')
  const track = (page, name) => page.evaluate((n) => window.waymark.track(n), name)

  beforeEach(async () => {
    await post('/__playbook', { mode: 'ok', playbook: PLAYBOOK, resetStats: true })
    await post('/__orders', { id: 'T-1', status: 'packed' })
  })

  test('the greeting: the first-visit text, then «С возвращением, Анна!» on a return, a hostile name as text', async () => {
    const { page, pageErrors } = await open({ attrs: { ...ATTRS, locale: 'ru' }, calls: [['identify', 'u-1', { firstName: 'Анна' }]] })
    const greeting = page.locator('waymark-greeting')
    await expect.poll(() => greeting.textContent()).toBe('')
    expect(await greeting.evaluate((el) => el.shadowRoot.textContent)).toBe('Hello, new visitor')
    await settle(page)
    await page.clock.install({ time: Date.now() + 31 * MINUTE })
    await reload(page)
    await expect.poll(() => page.locator('waymark-greeting').evaluate((el) => el.shadowRoot.textContent)).toBe('С возвращением, Анна!')
    await page.evaluate(() => window.waymark.identify(null, { firstName: '<img src=x onerror="window.__xss=1">' }))
    await expect.poll(() => page.locator('waymark-greeting').evaluate((el) => el.shadowRoot.textContent))
      .toBe('С возвращением, <img src=x onerror="window.__xss=1">!')
    expect(await page.evaluate(() => [window.__xss, document.querySelector('waymark-greeting').shadowRoot.querySelector('img')])).toEqual([undefined, null])
    expect(pageErrors).toEqual([])
  })

  test('the order status from the example server, and its live change', async () => {
    const { page } = await open()
    const widget = page.locator('waymark-order-status')
    await expect.poll(() => widget.locator('[aria-current="step"]').textContent(), { timeout: 10_000 }).toMatch(/Packed/)
    await post('/__orders', { id: 'T-1', status: 'shipped' })
    // Watched while on screen: polled every 15 s at first.
    await expect.poll(() => widget.locator('[aria-current="step"]').textContent(), { timeout: 25_000 }).toMatch(/Shipped/)
    expect(await widget.getByRole('status').textContent()).toMatch(/T-1.*Shipped/)
    expect(await widget.getByRole('link').getAttribute('href')).toBe('https://tracking.example/T-1')
  })

  test('banner (top and bottom), toast with a promo code, inline offer; each click or close is recorded', async () => {
    const { page, pageErrors } = await open()
    await ready(page)
    await track(page, 'show_banner')
    const banner = page.getByRole('region', { name: 'A banner' })
    await expect.poll(() => banner.isVisible()).toBe(true)
    expect(await banner.evaluate((el) => el.classList.contains('top'))).toBe(true)
    await banner.getByRole('button', { name: 'Close' }).click()
    await track(page, 'show_banner_bottom')
    await expect.poll(() => page.getByRole('region', { name: 'A banner' }).evaluate((el) => el.classList.contains('bottom'))).toBe(true)
    await page.getByRole('region', { name: 'A banner' }).getByRole('button', { name: 'Close' }).click()
    await track(page, 'show_toast')
    const toast = page.getByRole('status').filter({ hasText: 'A toast' })
    expect(await toast.getByText('SHIP50').isVisible()).toBe(true)
    await toast.getByRole('button', { name: 'Close' }).click()
    await track(page, 'show_inline')
    const inline = page.locator('waymark-slot[name="test-slot"]')
    await expect.poll(() => inline.getByText('A inline').isVisible()).toBe(true)
    // Keep the page (the link would navigate); the offer's own click handler still runs.
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault(), true))
    await inline.getByRole('link', { name: 'Go' }).click()
    expect(await page.evaluate(() => {
      const { offer_dismissed: dismissed, offer_clicked: clicked, offer_shown: shown } = window.waymark.journey().counts
      return { shown, dismissed, clicked }
    })).toEqual({ shown: 4, dismissed: 3, clicked: 1 })
    expect(await inline.getByText('A inline').count()).toBe(0) // a clicked inline offer goes
    expect(pageErrors).toEqual([])
  })

  test('the modal: focus moves in, Tab stays inside, Escape closes it and gives focus back', async () => {
    const { page } = await open()
    await ready(page)
    await page.focus('#before')
    await track(page, 'show_modal')
    const dialog = page.getByRole('dialog', { name: 'A modal' })
    await expect.poll(() => dialog.isVisible()).toBe(true)
    const inside = () => page.evaluate(() => {
      let el = document.activeElement
      while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement
      return !!el && !!el.closest('[role="dialog"]')
    })
    expect(await inside()).toBe(true)
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press(i % 3 ? 'Tab' : 'Shift+Tab')
      expect(await inside()).toBe(true)
    }
    await page.keyboard.press('Escape')
    await expect.poll(() => dialog.count()).toBe(0)
    expect(await page.evaluate(() => document.activeElement.id)).toBe('before')
    expect(await page.evaluate(() => window.waymark.journey().counts.offer_dismissed)).toBe(1)
  })

  test('offer texts are plain text', async () => {
    const { page } = await open({ calls: [['identify', 'u-1', { firstName: '<img src=x onerror="window.__xss=1">' }]] })
    await ready(page)
    await track(page, 'show_hostile')
    const toast = page.getByRole('status').filter({ hasText: '<b>not bold</b>' })
    await expect.poll(() => toast.count()).toBe(1)
    expect(await toast.textContent()).toContain('<img src=x onerror="window.__xss=1">')
    expect(await page.evaluate(() => window.__xss)).toBeUndefined()
  })

  test('a strict CSP with Trusted Types: every element works, with zero violations', async () => {
    const nonce = 'n0nc3'
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>CSP</title>
<script nonce="${nonce}">
  window.__violations = []
  document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI))
  ${SNIPPET}
  waymark('identify', 'u-1', { firstName: 'Анна' })
</script>
<script async src="/waymark.iife.js" data-playbook="/playbook.json" data-orders="/api/orders/{id}" data-collect="/collect" data-namespace="csp" data-locale="en"></script>
</head><body>${BODY}</body></html>`
    const page = await t.context.newPage()
    const { pageErrors } = watchErrors(page)
    const csp = `default-src 'self'; script-src 'self' 'nonce-${nonce}'; style-src 'self'; require-trusted-types-for 'script'`
    await page.route(`${t.server.url}/__csp`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', headers: { 'Content-Security-Policy': csp }, body: html }))
    await page.goto(t.server.url + '/__csp')
    await waitForSdk(page)
    await ready(page)
    for (const name of ['show_inline', 'show_modal']) await track(page, name)
    await expect.poll(() => page.getByRole('dialog', { name: 'A modal' }).isVisible()).toBe(true)
    await expect.poll(() => page.locator('waymark-order-status [aria-current="step"]').count(), { timeout: 10_000 }).toBe(1)
    // Styled: the constructable stylesheet applies (a modal's backdrop is positioned fixed).
    expect(await page.locator('waymark-overlay').evaluate((el) => getComputedStyle(el.shadowRoot.querySelector('[part~="backdrop"]')).position)).toBe('fixed')
    await page.evaluate(() => window.waymark.flush())
    expect(await page.evaluate(() => window.__violations)).toEqual([])
    expect(pageErrors).toEqual([])
  })

  test('axe-core finds no serious or critical problem with every element showing', async () => {
    const { page } = await open({ calls: [['identify', 'u-1', { firstName: 'Anna' }]] })
    await ready(page)
    await track(page, 'show_inline')
    await track(page, 'show_toast')
    await expect.poll(() => page.locator('waymark-order-status [aria-current="step"]').count(), { timeout: 10_000 }).toBe(1)
    await page.addScriptTag({ content: readFileSync(join(ROOT, 'node_modules/axe-core/axe.min.js'), 'utf8') })
    // Checked once shown: during their 0.2 s fade-in overlays are translucent, and axe (rightly)
    // measures the contrast of what is on screen at that moment.
    const settled = () => page.locator('waymark-overlay').evaluate((el) => Promise.all(el.shadowRoot.getAnimations().map((a) => a.finished)))
    const check = () => page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] })
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    })
    await settled()
    expect(await check()).toEqual([])
    await page.getByRole('status').filter({ hasText: 'A toast' }).getByRole('button', { name: 'Close' }).click()
    await track(page, 'show_modal')
    await expect.poll(() => page.getByRole('dialog').count()).toBe(1)
    await settled()
    expect(await check()).toEqual([])
  })
})
