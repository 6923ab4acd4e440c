import { describe, expect, it, vi } from 'vitest'
import { WaymarkOptionError } from '../src/errors'
import type { StageChange, WaymarkEvent } from '../src/types'
import { createWaymark } from '../src/waymark'
import { advanceClock, countTransactions, make, settle, stored, storeRaw } from './helpers'

const HOUR = 3600_000

describe('createWaymark', () => {
  it('throws only for options of the wrong type, naming the option', () => {
    expect(() => createWaymark({ refreshSeconds: 'soon' as never })).toThrow(WaymarkOptionError)
    expect(() => createWaymark({ namespace: 5 as never })).toThrow('option "namespace"')
  })

  it('starts a first visit: a session_start, a page view, and no greeting', async () => {
    const wm = make({ autoPage: true })
    const seen: WaymarkEvent[] = []
    wm.on('event', (e) => seen.push(e))
    await wm.ready
    expect(seen.map((e) => e.name)).toEqual(['session_start', 'page', 'stage:consider'])
    expect(wm.profile()).toMatchObject({ visits: 1, returning: false, userId: null, traits: {} })
    expect(wm.journey()).toMatchObject({ stage: 'consider', counts: { page: 1, session_start: 1 }, cycle: 0 })
    expect(wm.greeting()).toBeNull()
  })

  it('delivers events in the contract format with unique ids', async () => {
    const wm = make()
    await wm.ready
    const seen: WaymarkEvent[] = []
    wm.on('event', (e) => seen.push(e))
    wm.identify('u-1')
    wm.track('product_viewed', { sku: 'A1' })
    const e = seen.find((x) => x.name === 'product_viewed')!
    expect(e).toEqual({
      id: expect.any(String), type: 'track', name: 'product_viewed', props: { sku: 'A1' }, at: expect.any(Number),
      anonymousId: wm.profile().anonymousId, userId: 'u-1', sessionId: expect.any(String), stage: 'evaluate',
    })
    expect(new Set(seen.map((x) => x.id)).size).toBe(seen.length)
  })

  it('applies calls made before ready, in order', async () => {
    const wm = make()
    wm.identify('u-42', { firstName: 'Анна' })
    wm.track('product_viewed')
    wm.track('cart_viewed')
    expect(wm.journey().stage).toBeNull()
    await wm.ready
    expect(wm.profile()).toMatchObject({ userId: 'u-42', traits: { firstName: 'Анна' } })
    expect(wm.journey().stages.map((s) => s.id)).toEqual(['evaluate', 'buy'])
  })
})

describe('journey', () => {
  it('emits a stage change with the stage it left', async () => {
    const wm = make()
    await wm.ready
    const changes: StageChange[] = []
    wm.on('stage', (c) => changes.push(c))
    wm.track('product_viewed')
    wm.track('cart_viewed', { total: 45 })
    wm.page()
    expect(changes.map((c) => [c.previous, c.stage, c.event])).toEqual([
      [null, 'evaluate', 'product_viewed'],
      ['evaluate', 'buy', 'cart_viewed'],
    ])
    expect(wm.journey().stage).toBe('buy')
  })

  it('takes its stages from an inline playbook', async () => {
    const wm = make({ playbook: { stages: [{ id: 'browse', on: ['page'] }, { id: 'lead', on: ['signup'] }] } })
    await wm.ready
    wm.page()
    wm.track('signup')
    expect(wm.journey().stages.map((s) => s.id)).toEqual(['browse', 'lead'])
  })

  it('rejects invalid playbook stages whole, naming the path, and keeps the defaults', async () => {
    const wm = make({ playbook: { stages: [{ id: 'a', on: 'page' }] as never } })
    await wm.ready
    expect(wm.errors).toEqual(['waymark: playbook rejected: stages[0].on: must be an array of event names'])
    wm.track('cart_viewed')
    expect(wm.journey().stage).toBe('buy')
  })

  it('counts loyalty cycles after delivery', async () => {
    const wm = make()
    await wm.ready
    for (const name of ['cart_viewed', 'order_completed', 'order:delivered', 'product_viewed']) wm.track(name)
    expect(wm.journey()).toMatchObject({ stage: 'evaluate', cycle: 1 })
  })

  it('returns copies the page cannot use to change state', async () => {
    const wm = make()
    await wm.ready
    wm.track('cart_viewed')
    wm.journey().counts.cart_viewed = 99
    wm.profile().traits.firstName = 'Mallory'
    expect(wm.journey().counts.cart_viewed).toBe(1)
    expect(wm.profile().traits).toEqual({})
  })
})

describe('visits and persistence', () => {
  it('remembers the visitor across reloads; a reload is not a return', async () => {
    const first = make()
    await first.ready
    first.identify('u-42', { firstName: 'Анна', email: 'anna@example.com' })
    first.track('cart_viewed')
    first.destroy()
    await settle()

    const reload = make()
    await reload.ready
    expect(reload.profile()).toMatchObject({
      anonymousId: first.profile().anonymousId, userId: 'u-42', visits: 1, returning: false,
      traits: { firstName: 'Анна' },
    })
    expect(reload.profile().traits.email).toBeUndefined()
    expect(reload.journey()).toMatchObject({ stage: 'buy', counts: { cart_viewed: 1 } })
    expect(reload.greeting()).toBeNull()
  })

  it('greets a visitor who returns after 30 minutes of inactivity', async () => {
    const first = make({ locale: 'ru' })
    await first.ready
    first.identify('u-42', { firstName: 'Анна' })
    first.destroy()
    await settle()
    advanceClock(31 * 60_000)

    const back = make({ locale: 'ru' })
    await back.ready
    expect(back.profile()).toMatchObject({ visits: 2, returning: true })
    expect(back.greeting()).toMatchObject({ text: 'С возвращением, Анна!', name: 'Анна', returning: true })
  })

  it('starts a new visit when a tab left open goes idle for 30 minutes', async () => {
    const wm = make()
    await wm.ready
    const names: string[] = []
    wm.on('event', (e) => names.push(e.name))
    const session = wm.profile().visits
    advanceClock(HOUR)
    wm.track('product_viewed')
    expect(names).toEqual(['session_start', 'product_viewed', 'stage:evaluate'])
    expect(wm.profile().visits).toBe(session + 1)
  })

  it('writes a burst of 1,000 track calls in a single IndexedDB transaction', async () => {
    const wm = make()
    await wm.ready
    await settle()
    const tx = countTransactions()
    for (let i = 0; i < 1000; i++) wm.track('scroll', { i })
    await settle()
    expect(tx.readwrite).toBe(1)
    expect(((await stored()).visitor as { journey: { counts: Record<string, number> } }).journey.counts.scroll).toBe(1000)
  })

  it('reset forgets user, traits and journey, and mints a new anonymous id', async () => {
    const wm = make()
    await wm.ready
    wm.identify('u-42', { firstName: 'Анна' })
    wm.track('cart_viewed')
    const before = wm.profile().anonymousId
    wm.reset()
    expect(wm.profile()).toMatchObject({ userId: null, traits: {}, visits: 1 })
    expect(wm.profile().anonymousId).not.toBe(before)
    expect(wm.journey()).toMatchObject({ stage: null, stages: [], cycle: 0 })
    await settle()
    const kept = JSON.stringify(await stored())
    expect(kept).not.toContain('u-42')
    expect(kept).not.toContain('Анна')
  })

  it('starts as a new visitor, with a report, when stored state is corrupt', async () => {
    const seed = make()
    await seed.ready
    seed.destroy()
    await settle()
    await storeRaw('visitor', { hello: 'world' })
    const wm = make()
    await wm.ready
    expect(wm.errors).toEqual(['waymark: stored state was unreadable; starting as a new visitor'])
    expect(wm.profile().anonymousId).not.toBe(seed.profile().anonymousId)
  })
})

describe('consent', () => {
  it('pending keeps everything in memory and writes nothing', async () => {
    const wm = make({ consent: 'pending' })
    await wm.ready
    wm.identify('u-42', { firstName: 'Анна' })
    await settle()
    expect(await stored()).toEqual({})
    expect(wm.profile().userId).toBe('u-42')
  })

  it('granted after pending persists what was kept in memory', async () => {
    const wm = make({ consent: 'pending' })
    await wm.ready
    wm.identify('u-42')
    wm.consent('granted')
    await settle()
    expect(JSON.stringify(await stored())).toContain('u-42')
  })

  it('denied wipes what was stored and stores nothing more', async () => {
    const wm = make()
    await wm.ready
    wm.identify('u-42', { firstName: 'Анна' })
    await settle()
    expect(await stored()).not.toEqual({})
    wm.consent('denied')
    wm.track('cart_viewed')
    await settle()
    expect(await stored()).toEqual({})
    expect(wm.journey().stage).toBe('buy') // the page still works, in memory
  })

  it('denied from the start neither reads nor keeps earlier data', async () => {
    const seed = make()
    await seed.ready
    seed.identify('u-42')
    seed.destroy()
    await settle()
    const wm = make({ consent: 'denied' })
    await wm.ready
    expect(wm.profile().userId).toBeNull()
    await settle()
    expect(await stored()).toEqual({})
  })

  it('denied right after createWaymark, before ready, neither reads nor keeps earlier data (the localStorage copy included)', async () => {
    const seed = make({ playbook: { version: 'v1', rules: [] } })
    await seed.ready
    seed.identify('u-42', { firstName: 'Анна' })
    seed.destroy()
    await settle()
    expect(localStorage.getItem('waymark:copy:')).toBe('1') // a returning start reads the copy, not IndexedDB
    const wm = make({ playbook: async () => new Promise(() => {}) })
    const versions: Array<string | null> = []
    wm.on('playbook', (p) => versions.push(p.version))
    wm.consent('denied')
    await wm.ready
    expect(wm.profile()).toMatchObject({ userId: null, visits: 1, traits: {} })
    expect(wm.greeting()).toBeNull()
    expect(versions).toEqual([]) // the cached playbook is device storage too
    expect(wm.errors).toEqual([])
    await settle()
    expect(await stored()).toEqual({})
  })

  it('reports an unknown consent state and keeps the current one', async () => {
    const wm = make()
    await wm.ready
    wm.consent('yes' as never)
    expect(wm.errors[0]).toContain('consent: state must be')
    wm.track('x')
    await settle()
    expect(await stored()).not.toEqual({})
  })
})

describe('sessionMinutes (issue 16)', () => {
  it('ends a visit after that many idle minutes: the second visit greets a returning visitor', async () => {
    const wm = make({ sessionMinutes: 1 })
    await wm.ready
    wm.identify('u-1', { firstName: 'Anna' })
    advanceClock(50_000)
    wm.track('product_viewed')
    expect(wm.profile().visits).toBe(1)
    advanceClock(61_000)
    wm.track('product_viewed')
    expect(wm.profile()).toMatchObject({ visits: 2, returning: true })
    expect(wm.greeting()?.text).toBe('Welcome back, Anna!')
  })
})

describe('tabs and namespaces', () => {
  it('keeps a second tab of the same namespace current', async () => {
    const a = make()
    const b = make()
    await Promise.all([a.ready, b.ready])
    a.identify('u-42', { firstName: 'Анна' })
    a.track('cart_viewed')
    await vi.waitFor(() => expect(b.profile().userId).toBe('u-42'))
    expect(b.journey().stage).toBe('buy')
    expect(b.profile().anonymousId).toBe(a.profile().anonymousId)
  })

  it('tells other tabs when consent is denied', async () => {
    const a = make()
    const b = make()
    await Promise.all([a.ready, b.ready])
    a.consent('denied')
    await settle()
    b.track('cart_viewed')
    await settle()
    expect(await stored()).toEqual({})
  })

  it('a page that starts with consent denied tells the tabs already open (issue 14, item 7)', async () => {
    const open = make()
    await open.ready
    const denied = make({ consent: 'denied' })
    await denied.ready
    await settle()
    open.track('cart_viewed')
    await settle()
    expect(await stored()).toEqual({})
  })

  it('never shares state between namespaces', async () => {
    const shop = make({ namespace: 'shop' })
    const blog = make({ namespace: 'blog' })
    await Promise.all([shop.ready, blog.ready])
    shop.identify('u-42')
    shop.track('cart_viewed')
    await settle()
    expect(blog.profile().userId).toBeNull()
    expect(blog.journey().stage).toBeNull()
    expect(await stored('blog')).not.toHaveProperty('visitor.userId', 'u-42')
  })
})

describe('storage failures', () => {
  it('carries on in memory when IndexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined)
    const wm = make()
    await wm.ready
    wm.identify('u-1', { firstName: 'Ann' })
    wm.track('cart_viewed')
    expect(wm.profile().userId).toBe('u-1')
    expect(wm.journey().stage).toBe('buy')
    expect(wm.errors).toHaveLength(1)
    expect(wm.errors[0]).toMatch(/storage unavailable.*continuing in memory/)
    vi.unstubAllGlobals()
  })

  it('carries on in memory when IndexedDB runs over quota', async () => {
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError')
    })
    const wm = make()
    await wm.ready
    wm.track('cart_viewed')
    await settle()
    expect(wm.journey().stage).toBe('buy')
    expect(wm.errors[0]).toContain('QuotaExceededError')
  })
})

describe('bad input never throws', () => {
  it.each([
    ['a non-string event name', (wm: ReturnType<typeof make>) => wm.track(42 as never), 'track: event name must be'],
    ['an empty event name', (wm: ReturnType<typeof make>) => wm.track(''), 'track: event name must be'],
    ['a stage event', (wm: ReturnType<typeof make>) => wm.track('stage:buy'), 'stage events are recorded by Waymark'],
    ['props that are not an object', (wm: ReturnType<typeof make>) => wm.track('x', 'y' as never), 'track("x"): props must be an object'],
    ['circular props', (wm: ReturnType<typeof make>) => { const p: Record<string, unknown> = {}; p.p = p; wm.track('x', p) }, 'must be JSON-serialisable'],
    ['a bigint prop', (wm: ReturnType<typeof make>) => wm.track('x', { n: 1n }), 'must be JSON-serialisable'],
    ['an object user id', (wm: ReturnType<typeof make>) => wm.identify({} as never), 'identify: userId must be'],
    ['traits that are an array', (wm: ReturnType<typeof make>) => wm.identify('u', [] as never), 'identify: traits must be an object'],
    ['page props that are null', (wm: ReturnType<typeof make>) => wm.page(null as never), 'page: props must be an object'],
    ['an unknown event type for on()', (wm: ReturnType<typeof make>) => wm.on('nope' as never, () => {}), 'on: no event type "nope"'],
    ['a listener that is not a function', (wm: ReturnType<typeof make>) => wm.on('offer', 'x' as never), 'on("offer"): listener must be a function, got "x"'],
    ['a rule id that is not a string', (wm: ReturnType<typeof make>) => wm.explain(42 as never), 'explain: rule id must be a string, got 42'],
  ])('reports %s and leaves state as it was', async (_, call, message) => {
    const wm = make()
    await wm.ready
    const before = [wm.profile(), wm.journey()]
    expect(() => call(wm)).not.toThrow()
    expect(wm.errors).toHaveLength(1)
    expect(wm.errors[0]).toContain(message)
    expect([wm.profile(), wm.journey()]).toEqual(before)
  })

  it('accepts a numeric user id as a string', async () => {
    const wm = make()
    await wm.ready
    wm.identify(42 as never)
    expect(wm.profile().userId).toBe('42')
  })

  it('snapshots props so later mutation by the page changes nothing', async () => {
    const wm = make()
    await wm.ready
    const seen: WaymarkEvent[] = []
    wm.on('event', (e) => seen.push(e))
    const props = { total: 40, fn: () => 1 }
    wm.track('cart_viewed', props)
    props.total = 0
    expect(seen[0].props).toEqual({ total: 40 })
  })

  it('keeps going when a listener throws', async () => {
    const report = vi.fn()
    vi.stubGlobal('reportError', report)
    const wm = make()
    await wm.ready
    wm.on('stage', () => {
      throw new Error('page bug')
    })
    wm.track('cart_viewed')
    expect(report).toHaveBeenCalledWith(new Error('page bug'))
    expect(wm.journey().stage).toBe('buy')
    vi.unstubAllGlobals()
  })

  it('writes an error to the console when nobody listens for it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const wm = createWaymark({ autoPage: false, namespace: 'quiet' })
    await wm.ready
    wm.track('')
    expect(String(warn.mock.calls[0][0])).toContain('track: event name must be')
    wm.destroy()
  })

  it('on() refuses what it cannot call: nothing is registered, and later events throw nothing', async () => {
    const report = vi.fn()
    vi.stubGlobal('reportError', report)
    const wm = make()
    await wm.ready
    const off = wm.on('event', null as never)
    expect(off).toBeTypeOf('function')
    expect(() => off()).not.toThrow()
    wm.track('cart_viewed')
    expect(report).not.toHaveBeenCalled()
    expect(wm.errors).toHaveLength(1)
    vi.unstubAllGlobals()
  })

  it('ignores every call after destroy; order() asks no source and rejects', async () => {
    const asked: string[] = []
    const wm = make({ orders: async (id) => (asked.push(id), { id, status: 'paid' }) })
    await wm.ready
    wm.destroy()
    wm.track('cart_viewed')
    wm.identify('u-1')
    expect(wm.journey().stage).toBeNull()
    expect(wm.on('event', () => {})).toBeTypeOf('function')
    await expect(wm.order('A-1')).rejects.toThrow('order "A-1": the instance is destroyed')
    expect(asked).toEqual([])
  })
})

describe('debug', () => {
  it('logs events and stage changes', async () => {
    const debug = vi.spyOn(console, 'info').mockImplementation(() => {})
    const wm = make({ debug: true })
    await wm.ready
    wm.track('cart_viewed')
    expect(debug.mock.calls.map((c) => c[1])).toContain('stage')
  })
})
