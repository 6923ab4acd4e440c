// @vitest-environment node
// The script-tag install (dist/waymark.iife.js) in Chromium, Firefox and WebKit. Every test
// gets a fresh context (its own storage and origin), so IndexedDB starts empty.
import { expect, test } from 'vitest'
import { forEachEngine, reload, settle, waitForSdk } from './harness.mjs'

const MINUTE = 60_000
const journey = (page) => page.evaluate(() => window.waymark.journey())
const profile = (page) => page.evaluate(() => window.waymark.profile())

forEachEngine('script tag', { timeout: 60_000 }, (t) => {
  const open = (opts) => t.context.openTestPage(opts)

  test('calls queued before the script loads are replayed in order', async () => {
    const page = await open({
      attrs: { 'auto-page': 'false' },
      calls: [
        ['identify', 'u-42', { firstName: 'Анна' }],
        ['track', 'product_viewed', { id: 'espresso-roast' }],
        ['track', 'cart_viewed', { total: 42 }],
        ['track', 'custom_step'],
        ['track', 'custom_step'],
      ],
    })
    const p = await profile(page)
    expect(p.userId).toBe('u-42')
    expect(p.traits.firstName).toBe('Анна')
    const j = await journey(page)
    expect(j.counts).toMatchObject({ product_viewed: 1, cart_viewed: 1, custom_step: 2 })
    // Replayed out of order, cart_viewed would come first and product_viewed could not move
    // the visitor back to evaluate: the stage history shows the order.
    expect(j.stages.map((s) => s.id)).toEqual(['evaluate', 'buy'])
    expect(j.stage).toBe('buy')
    expect(await page.evaluate(() => typeof window.waymark === 'function' && typeof window.waymark.track)).toBe('function')
    expect(await t.context.errors()).toEqual([])
  })

  test('a queued reset is replayed in its place between two identifies', async () => {
    const page = await open({
      attrs: { 'auto-page': 'false' },
      calls: [
        ['identify', 'u-1', { firstName: 'Old' }],
        ['track', 'product_viewed'],
        ['reset'],
        ['identify', 'u-42', { firstName: 'Анна' }],
        ['track', 'cart_viewed', { total: 10 }],
      ],
    })
    const p = await profile(page)
    expect(p.userId).toBe('u-42')
    expect(p.traits.firstName).toBe('Анна')
    const j = await journey(page)
    expect(j.counts.product_viewed ?? 0).toBe(0) // forgotten by the reset
    expect(j.counts.cart_viewed).toBe(1)
    expect(j.stage).toBe('buy')
  })

  test('both call styles work after load: waymark("track", …) and waymark.track(…)', async () => {
    const page = await open()
    const names = await page.evaluate(async () => {
      const seen = []
      window.waymark.on('event', (ev) => seen.push(ev.name))
      window.waymark('track', 'style_a', { n: 1 })
      window.waymark.track('style_b', { n: 2 })
      window.waymark('track', 'style_a')
      window.waymark('identify', 'u-7', { firstName: 'Bo' })
      await new Promise((r) => setTimeout(r, 50))
      return seen
    })
    expect(names).toEqual(expect.arrayContaining(['style_a', 'style_b']))
    expect(names.filter((n) => n === 'style_a')).toHaveLength(2)
    expect((await journey(page)).counts).toMatchObject({ style_a: 2, style_b: 1 })
    expect((await profile(page)).userId).toBe('u-7')
    expect(await t.context.errors()).toEqual([])
  })

  test('identify sets userId and firstName; a trait outside storeTraits is not persisted across reload', async () => {
    const page = await open()
    await page.evaluate(() => window.waymark.identify('u-42', { firstName: 'Анна', email: 'anna@example.com' }))
    const before = await profile(page)
    expect(before.userId).toBe('u-42')
    expect(before.traits).toMatchObject({ firstName: 'Анна', email: 'anna@example.com' })

    await settle(page)
    await reload(page)
    const after = await profile(page)
    expect(after.userId).toBe('u-42')
    expect(after.anonymousId).toBe(before.anonymousId)
    expect(after.traits.firstName).toBe('Анна')
    expect(after.traits.email).toBeUndefined()
    expect(await t.context.errors()).toEqual([])
  })

  test('state survives a reload, which is not a return; after 31 idle minutes the visitor is greeted back', async () => {
    const page = await open({ attrs: { locale: 'ru' }, calls: [['identify', 'u-42', { firstName: 'Анна' }]] })
    await page.evaluate(() => window.waymark.track('product_viewed', { id: 'espresso-roast' }))
    const first = await profile(page)
    expect(first.visits).toBe(1)
    expect(first.returning).toBe(false)
    expect(await page.evaluate(() => window.waymark.greeting())).toBeNull()

    // A plain reload: same visit, same visitor, counts kept.
    await settle(page)
    await reload(page)
    const again = await profile(page)
    expect(again.anonymousId).toBe(first.anonymousId)
    expect(again.visits).toBe(1)
    expect(again.returning).toBe(false)
    expect(await page.evaluate(() => window.waymark.greeting())).toBeNull()
    expect((await journey(page)).counts.product_viewed).toBe(1)

    // 31 minutes later (the page's clock moved on): a new visit.
    await settle(page)
    t.context.shiftClock(31 * MINUTE)
    await reload(page)
    const later = await profile(page)
    expect(later.anonymousId).toBe(first.anonymousId)
    expect(later.userId).toBe('u-42')
    expect(later.visits).toBe(2)
    expect(later.returning).toBe(true)
    expect((await journey(page)).counts.product_viewed).toBe(1)
    const greeting = await page.evaluate(() => window.waymark.greeting())
    expect(greeting).toMatchObject({ text: 'С возвращением, Анна!', name: 'Анна', returning: true })
    expect(['morning', 'afternoon', 'evening', 'night']).toContain(greeting.partOfDay)
    expect(await t.context.errors()).toEqual([])
  })

  test('stages only move forward and a stage listener receives each change', async () => {
    const page = await open()
    await expect.poll(async () => (await journey(page)).stage).toBe('consider') // the automatic page view
    await page.evaluate(() => {
      window.__stages = []
      window.waymark.on('stage', (s) => window.__stages.push(s))
    })
    await page.evaluate(() => window.waymark.track('product_viewed', { id: 'yirgacheffe' }))
    await expect.poll(async () => (await journey(page)).stage).toBe('evaluate')
    await page.evaluate(() => window.waymark.track('cart_viewed', { total: 12.5 }))
    await expect.poll(async () => (await journey(page)).stage).toBe('buy')

    // Earlier triggers never send a buyer back.
    await page.evaluate(() => { window.waymark.page(); window.waymark.track('product_viewed') })
    await page.sleep(100)
    const j = await journey(page)
    expect(j.stage).toBe('buy')
    expect(j.stages.map((s) => s.id)).toEqual(['consider', 'evaluate', 'buy'])
    expect(j.cycle).toBe(0)

    const changes = await page.evaluate(() => window.__stages)
    expect(changes.map((c) => c.stage)).toEqual(['evaluate', 'buy'])
    expect(changes[0]).toMatchObject({ stage: 'evaluate', previous: 'consider', event: 'product_viewed' })
    expect(changes[1]).toMatchObject({ stage: 'buy', previous: 'evaluate', event: 'cart_viewed' })
    expect(await t.context.errors()).toEqual([])
  })

  test('SPA navigation with history.pushState and back (popstate) records page views', async () => {
    const page = await open()
    await expect.poll(async () => (await journey(page)).counts.page).toBe(1)
    await page.evaluate(() => history.pushState({}, '', 'next'))
    await expect.poll(async () => (await journey(page)).counts.page).toBe(2)
    await page.evaluate(() => history.back())
    await page.waitForURL(/\/page$/)
    await expect.poll(async () => (await journey(page)).counts.page).toBe(3)
    expect(await t.context.errors()).toEqual([])
  })

  test('data-auto-page="false" records no page view on start', async () => {
    const page = await open({ attrs: { 'auto-page': 'false' } })
    await page.evaluate(() => history.pushState({}, '', 'next'))
    await page.sleep(200)
    const j = await journey(page)
    expect(j.counts.page ?? 0).toBe(0)
    expect(j.stage).toBeNull()
  })

  test('a second tab of the same namespace stays current; another namespace shares nothing', async () => {
    const a = await open({ attrs: { 'auto-page': 'false' } })
    const b = await open({ attrs: { 'auto-page': 'false' } })
    const other = await open({ attrs: { 'auto-page': 'false', namespace: 'other' } })
    await a.evaluate(() => { window.waymark.identify('u-42', { firstName: 'Анна' }); window.waymark.track('product_viewed') })
    await expect.poll(async () => (await profile(b)).userId).toBe('u-42')
    expect((await journey(b)).stage).toBe('evaluate')
    await b.evaluate(() => window.waymark.track('cart_viewed'))
    await expect.poll(async () => (await journey(a)).stage).toBe('buy')
    expect((await profile(a)).anonymousId).toBe((await profile(b)).anonymousId)
    expect(await profile(other)).toMatchObject({ userId: null })
    expect((await journey(other)).stage).toBeNull()
  })

  const brokenStorage = {
    'indexedDB.open throws a SecurityError': () => {
      const deny = () => { throw new DOMException('The operation is insecure.', 'SecurityError') }
      IDBFactory.prototype.open = deny
      IDBFactory.prototype.deleteDatabase = deny
    },
    'window.indexedDB is undefined': () => {
      Object.defineProperty(window, 'indexedDB', { value: undefined, configurable: true })
    },
  }
  test.each(Object.keys(brokenStorage))('works from memory when IndexedDB is unusable (%s)', async (name) => {
    t.context.addInitScript(brokenStorage[name])
    const page = await open({ calls: [['identify', 'u-42', { firstName: 'Анна' }]] })
    // The init script really took effect.
    expect(await page.evaluate(() => {
      try { return window.indexedDB ? (indexedDB.open('probe'), 'opened') : 'absent' } catch (e) { return e.name }
    })).toBe(name.startsWith('window') ? 'absent' : 'SecurityError')
    await page.evaluate(() => {
      window.waymark.track('product_viewed', { id: 'espresso-roast' })
      window.waymark('track', 'cart_viewed', { total: 24 })
    })
    const j = await journey(page)
    expect(j.counts).toMatchObject({ product_viewed: 1, cart_viewed: 1 })
    expect(j.stage).toBe('buy')
    const p = await profile(page)
    expect(typeof p.anonymousId).toBe('string')
    expect(p.anonymousId.length).toBeGreaterThan(0)
    expect(p.userId).toBe('u-42')
    expect(p.traits.firstName).toBe('Анна')
    await page.sleep(300) // let any late storage failure surface
    expect(await t.context.reports('pageerror')).toEqual([])
  })

  test('the demo storefront loads and runs with no console or page errors', async () => {
    const page = await t.context.newPage()
    await page.goto('/')
    await waitForSdk(page)
    await expect.poll(() => page.text('#wm-greeting')).not.toBe('Loading the SDK…')
    await expect.poll(async () => (await journey(page)).stage).toBe('consider')

    await page.click({ role: 'link', name: 'View product' })
    await page.waitForURL(/\/product\/espresso-roast$/)
    await expect.poll(async () => (await journey(page)).stage).toBe('evaluate')
    await expect.poll(() => page.text('#wm-journey')).toContain('"stage": "evaluate"')
    await expect.poll(async () => (await journey(page)).counts.page).toBe(2) // the SPA navigation was recorded

    await page.click({ role: 'button', name: 'Add to cart / view cart' })
    await page.waitForURL(/\/cart$/)
    await expect.poll(async () => (await journey(page)).stage).toBe('buy')

    await page.click({ role: 'button', name: 'Identify as Анна' })
    await expect.poll(async () => (await profile(page)).userId).toBe('u-42')
    await expect.poll(() => page.text('#wm-profile')).toContain('Анна')

    await page.click({ role: 'button', name: 'Place order' })
    await page.waitForURL(/\/order\/A-\d+$/)
    await expect.poll(async () => (await journey(page)).counts.order_completed).toBe(1)
    expect(await page.text('#order-note')).toBe('Thank you for your order! The status below updates by itself.') // placed here
    // The playbook's toast for a new order, in the page's overlay host (below the header).
    await expect.poll(() => page.visible({ role: 'status', text: 'Анна, your beans go into the roaster tonight', within: { css: 'waymark-overlay[in-flow]' } })).toBe(true)

    await page.click({ role: 'button', name: 'Log out' })
    await expect.poll(async () => (await profile(page)).userId).toBeNull()

    await page.sleep(500)
    expect(await t.context.errors()).toEqual([])
  })

  test('the demo storefront within a minute: the start-up events, readable times, a new visit that greets Анна back, thanks only for an order placed here', async () => {
    const page = await t.context.newPage()
    const headerGreeting = () => page.text('waymark-greeting', { shadow: true })
    await page.goto('/')
    await waitForSdk(page)
    // The panel lists the events from the very first one, each with its time of day.
    const events = () => page.evaluate(() => [...document.querySelectorAll('#wm-events li')].map((li) => li.textContent).reverse())
    await expect.poll(events).toContainEqual(expect.stringMatching(/^\d\d:\d\d:\d\d page → consider$/))
    expect((await events())[0]).toMatch(/^\d\d:\d\d:\d\d session_start → –$/)
    expect(await page.text('#wm-profile')).toMatch(/"firstSeen": "\d+ \w+ 20\d\d, \d\d:\d\d:\d\d"/) // not epoch milliseconds
    expect(await page.text('#wm-journey')).toMatch(/"at": "\d+ \w+ 20\d\d, \d\d:\d\d:\d\d"/)

    // The header links the demo server's sample order, which this visitor did not place: no thanks.
    await page.click({ role: 'link', name: 'Sample order' })
    await page.waitForURL(/\/order\/A-1001$/)
    expect(await page.text('#order-note')).toBe('The status below updates by itself.')

    // "Start a new visit": one load with a tiny data-session-minutes, then the usual page, greeting Анна back.
    await page.click({ role: 'button', name: 'Identify as Анна' })
    await expect.poll(async () => (await profile(page)).userId).toBe('u-42')
    expect(await headerGreeting()).toBe('Welcome to Northbean!')
    await settle(page)
    const started = Date.now()
    await page.click({ role: 'button', name: 'Start a new visit' })
    await page.waitFor(() => /\d/.test(document.getElementById('new-visit-note')?.textContent ?? ''))
    await waitForSdk(page)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(await page.text('#new-visit-note')).toBe('Visit 2 started: Waymark greets you back.')
    expect(await page.evaluate(() => sessionStorage.getItem('northbean-new-visit'))).toBeNull()
    expect(await page.evaluate(() => document.querySelector('script[src$="/script/waymark.js"]').hasAttribute('data-session-minutes'))).toBe(false)
    expect(await profile(page)).toMatchObject({ visits: 2, returning: true, userId: 'u-42' })
    await expect.poll(headerGreeting).toBe('Welcome back, Анна!')
    expect(await page.url()).toMatch(/\/order\/A-1001$/) // back where the visitor was
    // The new visit lasts: a step later, still visit 2.
    await page.click({ role: 'link', name: 'Catalogue' })
    await expect.poll(async () => (await journey(page)).counts.page).toBeGreaterThanOrEqual(3)
    expect((await profile(page)).visits).toBe(2)

    await page.sleep(300)
    expect(await t.context.errors()).toEqual([])
  })

  test('the demo storefront switches to Russian and back; the choice is remembered and the SDK follows it', async () => {
    const page = await t.context.newPage() // the browser speaks en-US
    const state = () => page.evaluate(() => ({
      lang: document.documentElement.lang,
      locale: window.waymark.locale,
      pressed: [...document.querySelectorAll('.lang-switch button')].map((b) => `${b.textContent}:${b.getAttribute('aria-pressed')}`),
      stored: localStorage.getItem('northbean-lang'),
    }))
    const nav = () => page.text({ role: 'navigation' })
    const headerGreeting = () => page.text('waymark-greeting', { shadow: true })
    /** Presses a language button from the keyboard and waits for the reloaded page's SDK. */
    const switchTo = async (name) => {
      await page.focus({ role: 'button', name, exact: true })
      await page.navigating(() => page.press('Enter'))
      await waitForSdk(page)
    }

    await page.goto('/')
    await waitForSdk(page)
    expect(await state()).toEqual({ lang: 'en', locale: 'en', pressed: ['EN:true', 'RU:false'], stored: null })
    expect(await nav()).toMatch(/Catalogue\s+Cart/)
    await expect.poll(headerGreeting).toBe('Welcome to Northbean!')
    await page.click({ role: 'button', name: 'Identify as Анна' })
    await expect.poll(async () => (await profile(page)).userId).toBe('u-42')
    await settle(page)

    await switchTo('RU')
    expect(await state()).toEqual({ lang: 'ru', locale: 'ru', pressed: ['EN:false', 'RU:true'], stored: 'ru' })
    expect(await nav()).toMatch(/Каталог\s+Корзина/)
    expect(await page.evaluate(() => [...document.querySelectorAll('h1')].find((h) => window.__t.visible(h)).textContent)).toBe('Свежая обжарка с доставкой')
    await expect.poll(headerGreeting).toBe('Добро пожаловать в Northbean!') // still the first visit

    // Back after 31 idle minutes: the language is remembered, and Waymark greets in it.
    await settle(page)
    t.context.shiftClock(31 * MINUTE)
    await reload(page)
    expect(await state()).toMatchObject({ lang: 'ru', locale: 'ru', stored: 'ru' })
    expect(await page.evaluate(() => window.waymark.greeting()?.text)).toBe('С возвращением, Анна!')
    await expect.poll(headerGreeting).toBe('С возвращением, Анна!')
    await expect.poll(() => page.text('#wm-greeting')).toBe('С возвращением, Анна!')

    await switchTo('EN')
    expect(await state()).toEqual({ lang: 'en', locale: 'en', pressed: ['EN:true', 'RU:false'], stored: 'en' })
    expect(await nav()).toMatch(/Catalogue\s+Cart/)
    expect(await page.evaluate(() => window.waymark.greeting()?.text)).toBe('Welcome back, Анна!')
    await expect.poll(headerGreeting).toBe('Welcome back, Анна!')

    await page.sleep(300)
    expect(await t.context.errors()).toEqual([])
  })
})
