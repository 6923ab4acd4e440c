// @vitest-environment node
// The elements in Chromium, Firefox and WebKit, through the script tag (which always includes
// and registers them): greeting, live order status, every offer kind, the modal's keyboard
// behaviour, hostile text, a strict CSP with Trusted Types, and axe-core.
import { beforeEach, expect, test } from 'vitest'
import { forEachEngine, reload, settle, strictCsp, testPageHtml, waitForSdk } from './harness.mjs'

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
const CURRENT_STEP = { css: '[aria-current="step"]', within: { css: 'waymark-order-status' } }

forEachEngine('elements', { timeout: 90_000 }, (t) => {
  const post = (path, body) => fetch(t.server.url + path, { method: 'POST', body: JSON.stringify(body) })
  const open = (opts = {}) => t.context.openTestPage({ attrs: ATTRS, body: BODY, ...opts })
  const ready = (page) => page.waitFor(() => window.waymark.explain('show-modal').reason !== 'no such rule')
  const track = (page, name) => page.evaluate((n) => window.waymark.track(n), name)
  const greetingText = (page) => page.text('waymark-greeting', { shadow: true })

  beforeEach(async () => {
    await post('/__playbook', { mode: 'ok', playbook: PLAYBOOK, resetStats: true })
    await post('/__orders', { id: 'T-1', status: 'packed' })
  })

  test('the greeting: the first-visit text, then «С возвращением, Анна!» on a return, a hostile name as text', async () => {
    const page = await open({ attrs: { ...ATTRS, locale: 'ru' }, calls: [['identify', 'u-1', { firstName: 'Анна' }]] })
    await expect.poll(() => page.text('waymark-greeting')).toBe('') // nothing in the light DOM
    expect(await greetingText(page)).toBe('Hello, new visitor')
    await settle(page)
    t.context.shiftClock(31 * MINUTE)
    await reload(page)
    await expect.poll(() => greetingText(page)).toBe('С возвращением, Анна!')
    await page.evaluate(() => window.waymark.identify(null, { firstName: '<img src=x onerror="window.__xss=1">' }))
    await expect.poll(() => greetingText(page)).toBe('С возвращением, <img src=x onerror="window.__xss=1">!')
    expect(await page.evaluate(() => [window.__xss, document.querySelector('waymark-greeting').shadowRoot.querySelector('img')])).toEqual([null, null])
    expect(await t.context.errors()).toEqual([])
  })

  test('the order status from the example server, and its live change', async () => {
    const page = await open()
    await expect.poll(() => page.text(CURRENT_STEP), { timeout: 10_000 }).toMatch(/Packed/)
    await post('/__orders', { id: 'T-1', status: 'shipped' })
    // Watched while on screen: polled every 15 s at first.
    await expect.poll(() => page.text(CURRENT_STEP), { timeout: 25_000 }).toMatch(/Shipped/)
    const within = { css: 'waymark-order-status' }
    expect(await page.text({ role: 'status', within })).toMatch(/T-1.*Shipped/)
    expect(await page.attr({ role: 'link', within }, 'href')).toBe('https://tracking.example/T-1')
  })

  test('a logout in one tab clears the other: greeting, order widget and the offers made for that user (issue 14, items 1 and 2)', async () => {
    const a = await open({ calls: [['identify', 'u-1', { firstName: 'Anna' }]] })
    await settle(a)
    t.context.shiftClock(31 * MINUTE)
    await reload(a)
    const b = await open()
    for (const page of [a, b]) {
      await expect.poll(() => greetingText(page)).toBe('Welcome back, Anna!')
      await expect.poll(() => page.text(CURRENT_STEP), { timeout: 10_000 }).toMatch(/Packed/)
    }
    await ready(b)
    await track(b, 'show_banner')
    await expect.poll(() => b.visible({ role: 'region', name: 'A banner' })).toBe(true)
    await a.evaluate(() => window.waymark.reset())
    const widget = (page) => page.evaluate(() => document.querySelector('waymark-order-status').shadowRoot.querySelector('[part~="order"]').getAttribute('data-state'))
    for (const page of [a, b]) {
      await expect.poll(() => greetingText(page)).toBe('Hello, new visitor')
      await expect.poll(() => widget(page)).toBe('empty')
    }
    expect(await b.count({ role: 'region', name: 'A banner' })).toBe(0)
    expect(await b.evaluate(() => window.waymark.profile().userId)).toBe(null)
    expect(await t.context.errors()).toEqual([])
  })

  test('banner (top and bottom), toast with a promo code, inline offer; each click or close is recorded', async () => {
    const page = await open()
    await ready(page)
    await track(page, 'show_banner')
    const banner = { role: 'region', name: 'A banner' }
    await expect.poll(() => page.visible(banner)).toBe(true)
    expect(await page.evaluate((b) => window.__t.find(b)[0].classList.contains('top'), banner)).toBe(true)
    await page.click({ role: 'button', name: 'Close', within: banner })
    await track(page, 'show_banner_bottom')
    await expect.poll(() => page.evaluate((b) => window.__t.find(b)[0]?.classList.contains('bottom'), banner)).toBe(true)
    await page.click({ role: 'button', name: 'Close', within: banner })
    await track(page, 'show_toast')
    const toast = { role: 'status', text: 'A toast' }
    await expect.poll(() => page.visible({ text: 'SHIP50', css: '*', within: toast })).toBe(true)
    await page.click({ role: 'button', name: 'Close', within: toast })
    await track(page, 'show_inline')
    const inline = { css: 'waymark-slot[name="test-slot"]' }
    await expect.poll(() => page.visible({ role: 'link', name: 'Go', within: inline })).toBe(true)
    // Keep the page (the link would navigate); the offer's own click handler still runs.
    await page.evaluate(() => document.addEventListener('click', (e) => e.preventDefault(), true))
    await page.click({ role: 'link', name: 'Go', within: inline })
    await expect.poll(() => page.evaluate(() => {
      const { offer_dismissed: dismissed, offer_clicked: clicked, offer_shown: shown } = window.waymark.journey().counts
      return { shown, dismissed, clicked }
    })).toEqual({ shown: 4, dismissed: 3, clicked: 1 })
    expect(await page.count({ text: 'A inline', css: '*', within: inline })).toBe(0) // a clicked inline offer goes
    expect(await t.context.errors()).toEqual([])
  })

  test('banners keep off the page’s navigation: in the page’s in-flow host a top banner pushes the page down; --waymark-banner-top insets a fixed one', async () => {
    /** The banner's box and position, and the boxes of the page's header and content, once the banner stopped moving. */
    const layout = (page) => page.evaluate(async () => {
      const root = document.querySelector('waymark-overlay').shadowRoot
      await Promise.all(root.getAnimations().map((a) => a.finished))
      const banner = root.querySelector('[part~="banner"]')
      const box = (el) => el && (({ top, bottom, height }) => ({ top: Math.round(top), bottom: Math.round(bottom), height: Math.round(height) }))(el.getBoundingClientRect())
      return {
        banner: box(banner), position: banner && getComputedStyle(banner).position, hosts: document.querySelectorAll('waymark-overlay').length,
        header: box(document.getElementById('site-header')), content: box(document.getElementById('content')),
      }
    })
    const header = '<header id="site-header"><nav><a href="/catalog">Catalogue</a> <a href="/cart">Cart</a></nav></header>'
    const inFlow = await open({ body: `${header}<waymark-overlay in-flow></waymark-overlay><main id="content"><p>The page</p></main>${BODY}` })
    await ready(inFlow)
    const before = await inFlow.evaluate(() => Math.round(document.getElementById('content').getBoundingClientRect().top))
    await track(inFlow, 'show_banner')
    await expect.poll(() => inFlow.visible({ role: 'region', name: 'A banner' })).toBe(true)
    const flowing = await layout(inFlow)
    expect(flowing).toMatchObject({ position: 'relative', hosts: 1 })
    expect(flowing.banner.height).toBeGreaterThan(20)
    expect(flowing.banner.top).toBeGreaterThanOrEqual(flowing.header.bottom) // the header stays in sight
    expect(flowing.content.top).toBeGreaterThanOrEqual(before + flowing.banner.height - 1) // pushed down, not covered
    expect(flowing.content.top).toBeGreaterThanOrEqual(flowing.banner.bottom)
    await inFlow.click({ role: 'button', name: 'Close', within: { role: 'region', name: 'A banner' } })
    await expect.poll(() => inFlow.evaluate(() => Math.round(document.getElementById('content').getBoundingClientRect().top))).toBe(before)
    await track(inFlow, 'show_banner_bottom') // a bottom banner still floats at the bottom
    await expect.poll(() => inFlow.visible({ role: 'region', name: 'A banner' })).toBe(true)
    expect((await layout(inFlow)).position).toBe('fixed')

    const inset = await open({ body: `<style>waymark-overlay { --waymark-banner-top: 48px }</style>${header}<main id="content"><p>The page</p></main>${BODY}` })
    await ready(inset)
    await track(inset, 'show_banner')
    await expect.poll(() => inset.visible({ role: 'region', name: 'A banner' })).toBe(true)
    const fixed = await layout(inset)
    expect(fixed).toMatchObject({ position: 'fixed', hosts: 1 })
    expect(fixed.banner.top).toBe(48)
    expect(await t.context.errors()).toEqual([])
  })

  test('the modal: focus moves in, Tab stays inside, Escape closes it and gives focus back', async () => {
    const page = await open()
    await ready(page)
    await page.focus('#before')
    await track(page, 'show_modal')
    const dialog = { role: 'dialog', name: 'A modal' }
    await expect.poll(() => page.visible(dialog)).toBe(true)
    const inside = () => page.evaluate(() => !!window.__t.active()?.closest('[role="dialog"]'))
    await expect.poll(inside).toBe(true)
    for (let i = 0; i < 8; i++) {
      await page.press(i % 3 ? 'Tab' : 'Shift+Tab')
      expect(await inside()).toBe(true)
    }
    await page.press('Escape')
    await expect.poll(() => page.count(dialog)).toBe(0)
    expect(await page.evaluate(() => document.activeElement.id)).toBe('before')
    expect(await page.evaluate(() => window.waymark.journey().counts.offer_dismissed)).toBe(1)
  })

  test('offer texts are plain text', async () => {
    const page = await open({ calls: [['identify', 'u-1', { firstName: '<img src=x onerror="window.__xss=1">' }]] })
    await ready(page)
    await track(page, 'show_hostile')
    const toast = { role: 'status', text: '<b>not bold</b>' }
    await expect.poll(() => page.count(toast)).toBe(1)
    expect(await page.text(toast)).toContain('<img src=x onerror="window.__xss=1">')
    expect(await page.evaluate(() => window.__xss)).toBeUndefined()
  })

  test('a strict CSP with Trusted Types: every element works, with zero violations', async () => {
    const nonce = 'n0nc3'
    const html = testPageHtml({
      nonce,
      calls: [['identify', 'u-1', { firstName: 'Анна' }]],
      attrs: { playbook: '/playbook.json', orders: '/api/orders/{id}', collect: '/collect', namespace: 'csp', locale: 'en' },
      body: BODY,
    })
    const csp = strictCsp(nonce)
    const page = await t.context.openTestPage({ path: '/__csp', html, headers: { 'Content-Security-Policy': csp } })
    await ready(page)
    for (const name of ['show_inline', 'show_modal']) await track(page, name)
    await expect.poll(() => page.visible({ role: 'dialog', name: 'A modal' })).toBe(true)
    await expect.poll(() => page.count(CURRENT_STEP), { timeout: 10_000 }).toBe(1)
    // Styled: the constructable stylesheet applies (a modal's backdrop is positioned fixed).
    expect(await page.evaluate(() => getComputedStyle(window.__t.find({ css: '[part~="backdrop"]', within: { css: 'waymark-overlay' } })[0]).position)).toBe('fixed')
    await page.evaluate(() => window.waymark.flush())
    expect(await page.evaluate(() => window.__violations)).toEqual([])
    expect(await t.context.errors()).toEqual([])
  })

  test('axe-core finds no serious or critical problem with every element showing', async () => {
    const page = await open({ calls: [['identify', 'u-1', { firstName: 'Anna' }]] })
    await ready(page)
    await track(page, 'show_inline')
    await track(page, 'show_toast')
    await expect.poll(() => page.count(CURRENT_STEP), { timeout: 10_000 }).toBe(1)
    await page.addScript('/__t/axe.js')
    // Checked once shown: during their 0.2 s fade-in overlays are translucent, and axe (rightly)
    // measures the contrast of what is on screen at that moment.
    const settled = () => page.evaluate(() => Promise.all(document.querySelector('waymark-overlay').shadowRoot.getAnimations().map((a) => a.finished)).then(() => {}))
    const check = () => page.evaluate(async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] })
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    })
    await settled()
    expect(await check()).toEqual([])
    await page.click({ role: 'button', name: 'Close', within: { role: 'status', text: 'A toast' } })
    await track(page, 'show_modal')
    await expect.poll(() => page.count({ role: 'dialog' })).toBe(1)
    await settled()
    expect(await check()).toEqual([])
  })
})
