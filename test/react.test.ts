// @vitest-environment jsdom
// waymark/react in a DOM (issue 16, item 7): the provider, the hooks, and how often they render.
// Written with createElement, so no JSX transform is involved.
import { act, createElement as h, StrictMode, type ReactNode } from 'react'
import { createRoot, hydrateRoot, type Root } from 'react-dom/client'
import { renderToString } from 'react-dom/server'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { useGreeting, useJourney, useOffers, useWaymark, WaymarkProvider } from '../src/react/index'
import type { Greeting, Journey, Offer, Playbook, Waymark } from '../src/types'
import { advanceClock, make, settle } from './helpers'

// The instances the provider makes from options, in order.
const made = vi.hoisted(() => [] as Waymark[])
vi.mock('../src/index', async (importOriginal) => {
  const core = await importOriginal<typeof import('../src/index')>()
  return {
    ...core,
    createWaymark: (...args: Parameters<typeof core.createWaymark>) => {
      const wm = core.createWaymark(...args)
      made.push(wm)
      return wm
    },
  }
})

const PLAYBOOK: Playbook = {
  rules: [
    { id: 'tip', on: ['cart_viewed'], offer: { kind: 'headless', title: 'Free shipping from €50', data: { gap: 5 } } },
    { id: 'welcome', on: ['coupon_asked'], offer: { kind: 'headless', title: 'WELCOME10' } },
  ],
}

beforeAll(() => {
  ;(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true
})

let root: Root | undefined
let host: HTMLElement | undefined
afterEach(() => {
  if (root) act(() => root!.unmount())
  host?.remove()
  root = host = undefined
})

/** Renders `node` into a fresh container and lets the provider's and hooks' effects run. */
async function render(node: ReactNode): Promise<HTMLElement> {
  host = document.body.appendChild(document.createElement('div'))
  root = createRoot(host)
  await act(async () => root!.render(node))
  return host
}

/** A component that records what each hook gave it, render by render. */
function probe() {
  const seen = { greeting: [] as Array<Greeting | null>, journey: [] as Journey[], offers: [] as Array<readonly Offer[]>, wm: [] as Array<Waymark | null> }
  const Greet = () => {
    const g = useGreeting()
    seen.greeting.push(g)
    return h('p', { id: 'greeting' }, g ? g.text : '')
  }
  const Stage = () => {
    const j = useJourney()
    seen.journey.push(j)
    return h('p', { id: 'stage' }, j.stage || '')
  }
  const Offers = () => {
    const offers = useOffers()
    seen.offers.push(offers)
    return h('ul', null, offers.map((o) => h('li', { key: o.id }, o.title)))
  }
  const Who = () => {
    seen.wm.push(useWaymark())
    return null
  }
  return { seen, tree: [h(Greet, { key: 'g' }), h(Stage, { key: 's' }), h(Offers, { key: 'o' }), h(Who, { key: 'w' })] }
}

/** An instance whose visitor is on a second visit: a first one identified as Anna, 31 minutes earlier. */
async function returning(options = {}) {
  const first = make({ locale: 'en', ...options })
  await first.ready
  first.identify('u-42', { firstName: 'Anna' })
  first.destroy()
  await settle()
  advanceClock(31 * 60_000)
  return make({ locale: 'en', ...options })
}

const text = (el: HTMLElement, id: string) => el.querySelector(`#${id}`)!.textContent

describe('WaymarkProvider and useWaymark', () => {
  it('provides the given instance; outside a provider there is none', async () => {
    const wm = make()
    const { seen, tree } = probe()
    await render(h(WaymarkProvider, { waymark: wm }, ...tree))
    expect(seen.wm.at(-1)).toBe(wm)
    const outside = probe()
    act(() => root!.render(h('div', null, ...outside.tree)))
    expect(outside.seen.wm.at(-1)).toBeNull()
    expect(outside.seen.greeting.at(-1)).toBeNull()
    expect(outside.seen.journey.at(-1)).toEqual({ stage: null, stages: [], counts: {}, cycle: 0 })
    expect(outside.seen.offers.at(-1)).toEqual([])
  })

  it('with options, makes its instance after mounting and destroys it on unmount', async () => {
    const { seen, tree } = probe()
    await render(h(WaymarkProvider, { options: { autoPage: false, playbook: PLAYBOOK } }, ...tree))
    expect(seen.wm[0]).toBeNull() // the first render has none: nothing is made while rendering
    const wm = seen.wm.at(-1)!
    expect(typeof wm.track).toBe('function')
    await act(() => wm.ready)
    act(() => wm.track('cart_viewed'))
    expect(seen.offers.at(-1)!.map((o) => o.rule)).toEqual(['tip'])
    const events: string[] = []
    wm.on('event', (e) => events.push(e.name))
    act(() => root!.unmount())
    root = undefined
    wm.track('after_unmount')
    expect(events).toEqual([]) // destroyed: listeners gone, calls ignored
  })

  it('in Strict Mode, leaves exactly one live instance (the extra mount makes and destroys one)', async () => {
    made.length = 0
    const { seen, tree } = probe()
    await render(h(StrictMode, null, h(WaymarkProvider, { options: { autoPage: false } }, ...tree)))
    expect(made).toHaveLength(2)
    await act(() => Promise.all(made.map((wm) => wm.ready)))
    const heard = made.map((wm) => {
      let heard = false
      const off = wm.on('event', () => (heard = true))
      wm.track('ping')
      off()
      return heard
    })
    expect(heard).toEqual([false, true])
    expect(seen.wm.at(-1)).toBe(made[1])
    act(() => made[1].track('product_viewed'))
    expect(seen.journey.at(-1)!.stage).toBe('evaluate')
  })
})

describe('useGreeting', () => {
  it('greets a returning visitor once the stored state is loaded', async () => {
    const wm = await returning()
    const { tree } = probe()
    const el = await render(h(WaymarkProvider, { waymark: wm }, ...tree))
    await act(() => wm.ready)
    expect(text(el, 'greeting')).toBe('Welcome back, Anna!')
  })

  it('re-renders only when the greeting text changes, not on unrelated events', async () => {
    let version = 0
    const wm = await returning({ playbook: async () => ({ version: `v${++version}` }) })
    await wm.ready
    const { seen, tree } = probe()
    const el = await render(h(WaymarkProvider, { waymark: wm }, ...tree))
    const before = seen.greeting.length
    expect(seen.greeting.at(-1)!.text).toBe('Welcome back, Anna!')
    const heard: string[] = []
    for (const type of ['event', 'profile', 'playbook'] as const) wm.on(type, () => heard.push(type))
    act(() => {
      for (let i = 0; i < 20; i++) wm.track('scroll', { i })
      wm.page({ section: 'catalogue' })
      wm.identify(null, { plan: 'gold' }) // a profile event, same greeting
    })
    await act(async () => {
      await wm.refresh() // a playbook event, same texts
      await settle(10)
    })
    expect(heard.filter((t) => t === 'profile')).toHaveLength(1)
    expect(heard.filter((t) => t === 'playbook').length).toBeGreaterThan(0)
    expect(heard.filter((t) => t === 'event').length).toBeGreaterThan(20)
    expect(seen.greeting.length).toBe(before)
    act(() => wm.identify('u-42', { firstName: 'Анна' }))
    expect(text(el, 'greeting')).toBe('Welcome back, Анна!')
    expect(seen.greeting.length).toBe(before + 1)
    act(() => wm.reset())
    expect(text(el, 'greeting')).toBe('') // a new visitor: a first visit
    expect(seen.greeting.at(-1)).toBeNull()
  })

  it('follows new texts from a playbook', async () => {
    let texts = { en: { 'greeting.returning': 'Hi again, {name}!' } }
    const wm = await returning({ playbook: async () => ({ texts }) })
    const { tree } = probe()
    const el = await render(h(WaymarkProvider, { waymark: wm }, ...tree))
    await act(() => wm.ready)
    await act(() => wm.refresh())
    expect(text(el, 'greeting')).toBe('Hi again, Anna!')
    texts = { en: { 'greeting.returning': 'Good to see you, {name}!' } }
    await act(async () => {
      await wm.refresh()
      await settle(10)
    })
    expect(text(el, 'greeting')).toBe('Good to see you, Anna!')
  })
})

describe('useJourney', () => {
  it('re-renders when the stage changes, not on every event', async () => {
    const wm = make()
    await wm.ready
    const { seen, tree } = probe()
    const el = await render(h(WaymarkProvider, { waymark: wm }, ...tree))
    expect(text(el, 'stage')).toBe('')
    act(() => wm.track('product_viewed'))
    expect(text(el, 'stage')).toBe('evaluate')
    expect(seen.journey.at(-1)).toMatchObject({ stage: 'evaluate', counts: { product_viewed: 1 } })
    const renders = seen.journey.length
    act(() => {
      for (let i = 0; i < 10; i++) wm.track('product_viewed', { i })
    })
    expect(seen.journey.length).toBe(renders)
    act(() => wm.track('cart_viewed'))
    expect(text(el, 'stage')).toBe('buy')
    expect(seen.journey.at(-1)!.stages.map((s) => s.id)).toEqual(['evaluate', 'buy'])
    act(() => wm.reset())
    expect(text(el, 'stage')).toBe('')
  })
})

describe('useOffers', () => {
  it('adds each offer shown and removes it once clicked or dismissed', async () => {
    const wm = make({ playbook: PLAYBOOK })
    await wm.ready
    const { seen, tree } = probe()
    const el = await render(h(WaymarkProvider, { waymark: wm }, ...tree))
    expect(seen.offers.at(-1)).toEqual([])
    act(() => wm.track('cart_viewed'))
    act(() => wm.track('coupon_asked'))
    const [tip, welcome] = seen.offers.at(-1)!
    expect([tip.rule, welcome.rule]).toEqual(['tip', 'welcome'])
    expect(tip).toMatchObject({ kind: 'headless', title: 'Free shipping from €50', data: { gap: 5 } })
    expect([...el.querySelectorAll('li')].map((li) => li.textContent)).toEqual(['Free shipping from €50', 'WELCOME10'])
    act(() => tip.click())
    expect(seen.offers.at(-1)!.map((o) => o.rule)).toEqual(['welcome'])
    act(() => welcome.dismiss())
    expect(seen.offers.at(-1)).toEqual([])
    expect(el.querySelectorAll('li')).toHaveLength(0)
  })

  it('empties on a logout, and keeps offers that fired before a component subscribed', async () => {
    const wm = make({ playbook: PLAYBOOK })
    await wm.ready
    await render(h(WaymarkProvider, { waymark: wm })) // the provider alone: it starts collecting
    act(() => wm.track('cart_viewed'))
    const { seen, tree } = probe()
    act(() => root!.render(h(WaymarkProvider, { waymark: wm }, ...tree)))
    expect(seen.offers.at(-1)!.map((o) => o.rule)).toEqual(['tip'])
    act(() => wm.reset())
    expect(seen.offers.at(-1)).toEqual([])
  })

  it('gives every component the same list, and re-renders none of them on unrelated events', async () => {
    const wm = make({ playbook: PLAYBOOK })
    await wm.ready
    const a = probe()
    const b = probe()
    await render(h(WaymarkProvider, { waymark: wm }, a.tree[2], h('div', { key: 'b' }, b.tree[2])))
    act(() => wm.track('cart_viewed'))
    expect(a.seen.offers.at(-1)).toBe(b.seen.offers.at(-1))
    const renders = a.seen.offers.length
    act(() => wm.track('product_viewed'))
    expect(a.seen.offers.length).toBe(renders)
  })
})

describe('hydration', () => {
  it('hydrates server markup without a mismatch, then shows the visitor', async () => {
    const wm = await returning()
    await wm.ready
    const { tree } = probe()
    const app = (instance: Waymark | null) => h(WaymarkProvider, { waymark: instance }, ...tree)
    host = document.body.appendChild(document.createElement('div'))
    host.append(document.createRange().createContextualFragment(renderToString(app(null)))) // what a server without an instance sends
    expect(text(host, 'greeting')).toBe('')
    const errors = vi.spyOn(console, 'error')
    await act(async () => {
      root = hydrateRoot(host!, app(wm))
    })
    expect(errors).not.toHaveBeenCalled()
    expect(text(host, 'greeting')).toBe('Welcome back, Anna!')
  })
})
