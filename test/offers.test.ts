import { describe, expect, it, vi } from 'vitest'
import type { Offer, Playbook, Rule, WaymarkEvent } from '../src/types'
import { fakeWebLocks, make, settle } from './helpers'

const nudge: Rule = {
  id: 'free-shipping-nudge',
  on: ['cart_viewed'],
  if: { 'event.total': { $gte: 40, $lt: 50 } },
  offer: {
    kind: 'banner', title: '{user.firstName|Friend}, shipping is free from €50', body: 'Only €{event.gap|a little} to go',
    cta: { label: 'Keep shopping', href: '/catalog' }, code: 'SHIP50',
  },
  priority: 10,
  cap: { session: 1 },
}
const withRules = (...rules: Rule[]): Playbook => ({ rules })

async function started(playbook: Playbook, options = {}) {
  const wm = make({ playbook, ...options })
  const offers: Offer[] = []
  const events: WaymarkEvent[] = []
  wm.on('offer', (o) => offers.push(o))
  wm.on('event', (e) => events.push(e))
  await wm.ready
  return { wm, offers, events, named: (n: string) => events.filter((e) => e.name === n) }
}

describe('offers', () => {
  it('fires an offer for a matching cart_viewed, with its texts resolved as plain text', async () => {
    const { wm, offers, named } = await started(withRules(nudge))
    wm.identify('u-1', { firstName: '<img src=x onerror=alert(1)>' })
    wm.track('cart_viewed', { total: 45, gap: 5 })
    expect(offers).toHaveLength(1)
    expect(offers[0]).toMatchObject({
      rule: 'free-shipping-nudge', kind: 'banner', trigger: 'cart_viewed', code: 'SHIP50',
      title: '<img src=x onerror=alert(1)>, shipping is free from €50', body: 'Only €5 to go',
      cta: { label: 'Keep shopping', href: '/catalog' },
    })
    expect(named('offer_shown')).toEqual([expect.objectContaining({ type: 'offer', props: { rule: 'free-shipping-nudge', kind: 'banner' } })])
    expect(offers[0].id).toBe(named('offer_shown')[0].id)
  })

  it("shows each visitor the texts of their language: Russian to ru-RU, English to de (no German given)", async () => {
    const polyglot: Rule = {
      ...nudge,
      offer: {
        ...nudge.offer,
        title: { en: '{user.firstName|Friend}, shipping is free from €50', ru: '{user.firstName|Друг}, доставка бесплатна от 50 €' },
        body: { ru: 'Осталось {event.gap|немного} €', en: 'Only €{event.gap|a little} to go' },
        cta: { label: { en: 'Keep shopping', ru: 'Продолжить покупки' }, href: '/catalog' },
      },
    }
    const ru = await started(withRules(polyglot), { locale: 'ru-RU' })
    ru.wm.track('cart_viewed', { total: 45, gap: 5 })
    expect(ru.offers[0]).toMatchObject({
      title: 'Друг, доставка бесплатна от 50 €', body: 'Осталось 5 €', cta: { label: 'Продолжить покупки', href: '/catalog' }, code: 'SHIP50',
    })
    const de = await started(withRules(polyglot), { locale: 'de', namespace: 'de' })
    de.wm.track('cart_viewed', { total: 45 })
    expect(de.offers[0]).toMatchObject({ title: 'Friend, shipping is free from €50', body: 'Only €a little to go', cta: { label: 'Keep shopping' } })
    // The offer handed to the page carries plain strings only.
    for (const o of [ru.offers[0], de.offers[0]]) expect([typeof o.title, typeof o.body, typeof o.cta!.label]).toEqual(['string', 'string', 'string'])
  })

  it('uses the template fallback when a value is missing', async () => {
    const { wm, offers } = await started(withRules(nudge))
    wm.track('cart_viewed', { total: 45 })
    expect(offers[0]).toMatchObject({ title: 'Friend, shipping is free from €50', body: 'Only €a little to go' })
  })

  it('does not fire when the condition fails, and says which path in explain', async () => {
    const { wm, offers } = await started(withRules(nudge))
    wm.track('cart_viewed', { total: 55 })
    expect(offers).toEqual([])
    expect(wm.explain('free-shipping-nudge')).toEqual({
      rule: 'free-shipping-nudge', fires: false, reason: 'condition not met: event.total', trigger: 'cart_viewed',
    })
  })

  it('respects the session cap, and explain names it', async () => {
    const { wm, offers } = await started(withRules(nudge))
    wm.track('cart_viewed', { total: 45 })
    offers[0].dismiss()
    wm.track('cart_viewed', { total: 45 })
    expect(offers).toHaveLength(1)
    expect(wm.explain('free-shipping-nudge').reason).toBe('cap: 1 of 1 per session')
  })

  it('shares caps with a second tab', async () => {
    const playbook = withRules(nudge)
    const a = await started(playbook)
    const b = await started(playbook)
    a.wm.track('cart_viewed', { total: 45 })
    expect(a.offers).toHaveLength(1)
    await vi.waitFor(() => expect(b.wm.explain('free-shipping-nudge').reason).toBe('cap: 1 of 1 per session'))
    b.wm.track('cart_viewed', { total: 45 })
    expect(b.offers).toEqual([])
  })

  it('keeps caps across a reload', async () => {
    const first = await started(withRules(nudge))
    first.wm.track('cart_viewed', { total: 45 })
    first.wm.destroy()
    await settle()
    const again = await started(withRules(nudge))
    again.wm.track('cart_viewed', { total: 45 })
    expect(again.offers).toEqual([])
  })

  it('shows one overlay at a time until it is dismissed or clicked', async () => {
    const modal: Rule = { id: 'help', on: ['checkout_started'], offer: { kind: 'modal', title: 'Need help?' } }
    const { wm, offers, named } = await started(withRules(nudge, modal))
    wm.track('cart_viewed', { total: 45 })
    wm.track('checkout_started')
    expect(offers.map((o) => o.rule)).toEqual(['free-shipping-nudge'])
    expect(wm.explain('help')).toMatchObject({ fires: false, reason: 'overlay "free-shipping-nudge" is on screen' })
    offers[0].click()
    offers[0].dismiss() // only the first outcome counts
    expect(named('offer_clicked')).toEqual([expect.objectContaining({ props: { rule: 'free-shipping-nudge', offer: offers[0].id } })])
    expect(named('offer_dismissed')).toEqual([])
    wm.track('checkout_started')
    expect(offers.map((o) => o.rule)).toEqual(['free-shipping-nudge', 'help'])
  })

  it('records offer_held_out instead of showing to a visitor outside the rollout', async () => {
    const { wm, offers, named } = await started(withRules({ ...nudge, rollout: 0 }))
    wm.track('cart_viewed', { total: 45 })
    expect(offers).toEqual([])
    expect(named('offer_held_out')).toEqual([expect.objectContaining({ props: { rule: 'free-shipping-nudge' } })])
    expect(wm.explain('free-shipping-nudge').reason).toBe('cap: 1 of 1 per session')
  })

  it('explains a rule outside the rollout, a disabled rule, a schedule and an unknown id', async () => {
    const { wm } = await started(withRules(
      { ...nudge, id: 'held', rollout: 0, if: undefined },
      { ...nudge, id: 'off', enabled: false },
      { ...nudge, id: 'later', from: '2999-01-01T00:00:00Z', if: undefined },
    ))
    expect(wm.explain('held')).toEqual({ rule: 'held', fires: false, reason: 'held out by rollout 0', trigger: null })
    expect(wm.explain('off').reason).toBe('disabled')
    expect(wm.explain('later').reason).toBe('scheduled from 2999-01-01T00:00:00Z')
    expect(wm.explain('nope')).toEqual({ rule: 'nope', fires: false, reason: 'no such rule', trigger: null })
  })

  it('says a rule fires when its last trigger would fire it again', async () => {
    const { wm, offers } = await started(withRules({ ...nudge, cap: undefined }))
    wm.track('cart_viewed', { total: 42 })
    expect(wm.explain('free-shipping-nudge').reason).toBe('overlay "free-shipping-nudge" is on screen')
    offers[0].dismiss()
    expect(wm.explain('free-shipping-nudge')).toEqual({ rule: 'free-shipping-nudge', fires: true, reason: 'fires', trigger: 'cart_viewed' })
  })

  it('fires on stage, session, page and identify triggers', async () => {
    const on = (id: string, trigger: string): Rule => ({ id, on: [trigger], offer: { kind: 'headless', placement: id } })
    const { wm, offers } = await started(
      withRules(on('s', 'session_start'), on('p', 'page'), on('i', 'identify'), on('b', 'stage:buy')),
    )
    wm.page()
    wm.identify('u-1')
    wm.track('cart_viewed')
    expect(offers.map((o) => o.rule)).toEqual(['s', 'p', 'i', 'b'])
  })

  it('reads order.status on order triggers', async () => {
    const { wm, offers } = await started(withRules(
      { id: 'review', on: ['order:delivered'], if: { 'order.status': 'delivered' }, offer: { kind: 'toast', title: 'How was it?' } },
    ))
    wm.track('order:delivered')
    expect(offers.map((o) => o.rule)).toEqual(['review'])
  })

  it('never lets offer events trigger rules, so offers cannot cascade', async () => {
    const { wm, offers } = await started(withRules(
      { ...nudge, cap: undefined },
      { id: 'echo', on: ['offer_shown'], offer: { kind: 'headless' } },
    ))
    wm.track('cart_viewed', { total: 45 })
    expect(offers.map((o) => o.rule)).toEqual(['free-shipping-nudge'])
  })

  it('rejects an invalid playbook whole, naming the path, and fires nothing from it', async () => {
    const bad = withRules(nudge, { ...nudge, id: 'typo', if: { 'event.total': { $gtt: 5 } } })
    const { wm, offers } = await started(bad)
    expect(wm.errors).toEqual(['waymark: playbook rejected: rules[1].if.event.total: unknown operator "$gtt" (rule "typo")'])
    wm.track('cart_viewed', { total: 45 })
    expect(offers).toEqual([])
  })

  it('announces the applied playbook version', async () => {
    const wm = make({ playbook: { version: '2026-11-23.1', rules: [] } })
    const seen: unknown[] = []
    wm.on('playbook', (p) => seen.push(p))
    await wm.ready
    expect(seen).toEqual([{ version: '2026-11-23.1', from: 'inline' }])
  })

  it('logs every decision with its reason in debug mode', async () => {
    const debug = vi.spyOn(console, 'info').mockImplementation(() => {})
    const { wm } = await started(withRules(nudge), { debug: true })
    wm.track('cart_viewed', { total: 12 })
    wm.track('cart_viewed', { total: 45 })
    const lines = debug.mock.calls.filter((c) => c[1] === 'rule').map((c) => c.slice(2))
    expect(lines).toEqual([
      ['free-shipping-nudge', 'condition not met: event.total'],
      ['free-shipping-nudge', 'fires'],
    ])
  })

  it('two tabs deciding at the same moment show a capped offer once (a Web Lock around the cap)', async () => {
    fakeWebLocks()
    const once: Rule = { id: 'once', on: ['x'], offer: { kind: 'banner', title: 'Once' }, cap: { session: 1 } }
    const a = await started(withRules(once))
    const b = await started(withRules(once)) // same namespace: another tab of the same visitor
    expect(b.wm.profile().sessionId).toBe(a.wm.profile().sessionId)
    a.wm.track('x')
    b.wm.track('x')
    await settle(300)
    expect(a.offers.length + b.offers.length).toBe(1)
    expect(a.wm.explain('once').reason).toBe('cap: 1 of 1 per session')
    expect(b.wm.explain('once').reason).toBe('cap: 1 of 1 per session')
    b.wm.track('other') // and the loser's overlay slot is free again
  })

  it('keeps caps and the schedule sane when the device clock jumps 2 days either way', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const start = new Date('2026-11-20T12:00:00').getTime()
    vi.setSystemTime(start)
    const capped: Rule = { id: 'capped', on: ['x'], offer: { kind: 'headless' }, cap: { day: 1, total: 3 }, until: '2026-11-21T00:00:00Z' }
    const { wm, offers } = await started(withRules(capped))
    wm.track('x')
    wm.track('x')
    expect(offers).toHaveLength(1) // once a day
    vi.setSystemTime(start - 2 * 864e5)
    wm.track('x')
    expect(offers).toHaveLength(2) // another calendar day on the device: a new day's cap…
    vi.setSystemTime(start - 3 * 864e5)
    wm.track('x')
    expect(offers).toHaveLength(3)
    vi.setSystemTime(start - 4 * 864e5)
    wm.track('x')
    expect(offers).toHaveLength(3) // …but the total cap holds
    expect(wm.explain('capped').reason).toBe('cap: 3 of 3 per total')
    vi.setSystemTime(start + 2 * 864e5)
    expect(wm.explain('capped').reason).toBe('ended 2026-11-21T00:00:00Z') // the schedule reads the clock it is given
  })

  it('forgets caps on reset, as a new visitor', async () => {
    const { wm, offers } = await started(withRules(nudge))
    wm.track('cart_viewed', { total: 45 })
    offers[0].dismiss()
    wm.reset()
    wm.track('cart_viewed', { total: 45 })
    expect(offers).toHaveLength(2)
  })
})
