// @vitest-environment node
// The rules engine in Chromium, Firefox and WebKit: an inline playbook through the IIFE's createWaymark.
import { expect, test } from 'vitest'
import { forEachEngine } from './harness.mjs'

const playbook = {
  version: 'bench-1',
  rules: [{
    id: 'free-shipping-nudge',
    on: ['cart_viewed'],
    if: { 'event.total': { $gte: 40, $lt: 50 }, 'page.path': { $regex: '^/__test' } },
    offer: { kind: 'banner', title: '{user.firstName|Friend}, shipping is free from €50', cta: { label: 'Keep shopping', href: '/catalog' } },
    cap: { session: 1 },
  }],
}

forEachEngine('rules engine', { timeout: 60_000 }, (t) => {
  const open = () => t.context.openTestPage({ attrs: { 'auto-page': 'false' } })

  test('a cart_viewed event produces an offer event, once per session', async () => {
    const page = await open()
    const result = await page.evaluate(async (pb) => {
      const wm = window.waymark.createWaymark({ playbook: pb, namespace: 'offers', autoPage: false })
      const offers = []
      const names = []
      wm.on('offer', (o) => offers.push({ rule: o.rule, title: o.title, kind: o.kind }))
      wm.on('event', (e) => names.push(e.name))
      await wm.ready
      wm.identify('u-42', { firstName: 'Анна' })
      wm.track('cart_viewed', { total: 30 })
      wm.track('cart_viewed', { total: 45 })
      wm.track('cart_viewed', { total: 45 })
      // A capped offer is shown once the namespace's tabs agree on its count: a few ms later.
      await new Promise((r) => setTimeout(r, 200))
      return { offers, names, explain: wm.explain('free-shipping-nudge') }
    }, playbook)
    expect(result.offers).toEqual([{ rule: 'free-shipping-nudge', kind: 'banner', title: 'Анна, shipping is free from €50' }])
    expect(result.names.filter((n) => n === 'offer_shown')).toHaveLength(1)
    expect(result.explain).toMatchObject({ fires: false, reason: 'cap: 1 of 1 per session', trigger: 'cart_viewed' })
    expect(await t.context.errors()).toEqual([])
  })

  test('two tabs deciding at the same moment show an offer capped at 1 per session once', async () => {
    const rule = { id: 'once', on: ['race'], offer: { kind: 'headless', title: 'Once' }, cap: { session: 1 } }
    const tabs = [await open(), await open()]
    const create = (page) => page.evaluate(async (pb) => {
      window.wm2 = window.waymark.createWaymark({ playbook: pb, namespace: 'race', autoPage: false })
      window.shown = 0
      window.wm2.on('offer', () => window.shown++)
      await window.wm2.ready
    }, { rules: [rule] })
    await create(tabs[0])
    await create(tabs[1])
    await tabs[0].sleep(300) // the second tab has the first one's session
    await Promise.all(tabs.map((page) => page.evaluate(() => window.wm2.track('race'))))
    await tabs[0].sleep(500)
    const shown = await Promise.all(tabs.map((page) => page.evaluate(() => window.shown)))
    expect(shown[0] + shown[1]).toBe(1)
  })
})
