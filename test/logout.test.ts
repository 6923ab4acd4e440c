/**
 * Issue 14, items 1–3: a logout (`reset()`) holds in every tab, for orders, personalised
 * content and whatever the device clock does.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Order, WaymarkEvent, WaymarkEventMap, WaymarkOptions } from '../src/types'
import { make, settle, stored } from './helpers'

/** An orders API whose answers wait until `release()`; every request is recorded. */
function slowOrders(status = 'shipped') {
  const api = { requests: [] as string[], waiting: [] as Array<() => void>, release: () => api.waiting.splice(0).forEach((go) => go()) }
  vi.stubGlobal('fetch', vi.fn(async (url: string) => {
    api.requests.push(url)
    const id = decodeURIComponent(url.split('/').pop()!)
    await new Promise<void>((go) => api.waiting.push(go))
    return Response.json({ id, status, address: 'Тверская 1, кв. 5' })
  }))
  return api
}

const orderKeys = async () => Object.keys(await stored()).filter((k) => k.startsWith('order,'))

/** An instance, with its events and profile changes recorded. */
async function tab(options: WaymarkOptions = {}) {
  const wm = make({ orders: '/api/orders/{id}', ...options })
  const events: WaymarkEvent[] = []
  const profiles: Array<WaymarkEventMap['profile']> = []
  wm.on('event', (e) => events.push(e))
  wm.on('profile', (p) => profiles.push(p))
  await wm.ready
  return { wm, events, profiles }
}

afterEach(() => vi.unstubAllGlobals())

describe('reset() and the previous user’s orders (item 1)', () => {
  it('an answer that arrives after reset() is neither stored, recorded nor announced', async () => {
    const api = slowOrders()
    const { wm, events } = await tab()
    const changes: unknown[] = []
    wm.on('order', (c) => changes.push(c))
    const asked = wm.order('A-1').catch((e: Error) => e.message)
    await vi.waitFor(() => expect(api.requests).toHaveLength(1))
    wm.reset()
    api.release()
    expect(await asked).toBe('waymark: order "A-1": forgotten by reset()')
    await settle()
    expect(changes).toEqual([])
    expect(events.filter((e) => e.name === 'order_status')).toEqual([])
    expect(wm.journey().counts['order:shipped']).toBeUndefined()
    expect(await orderKeys()).toEqual([])
    expect(wm.errors).toEqual([]) // not a failure to report: the page asked for the logout
  })

  it('a watched order is polled no more after reset()', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const api = slowOrders()
    const { wm } = await tab()
    const stop = wm.watchOrder('A-1')
    await vi.waitFor(() => expect(api.requests).toHaveLength(1))
    api.release()
    await vi.waitFor(async () => expect(await orderKeys()).toEqual(['order,A-1']))
    wm.reset()
    await vi.advanceTimersByTimeAsync(10 * 60_000)
    api.release()
    expect(api.requests).toHaveLength(1)
    stop() // the widget's own stop afterwards is harmless
    expect(await orderKeys()).toEqual([])
  })

  it('another open tab forgets the order too: order() asks again instead of answering from memory', async () => {
    const api = slowOrders()
    const a = await tab()
    const b = await tab()
    const first = b.wm.order('A-1')
    await vi.waitFor(() => expect(api.requests).toHaveLength(1))
    api.release()
    await first
    await settle()
    a.wm.reset()
    await settle()
    let answered = false
    const again = b.wm.order('A-1').then(() => (answered = true))
    await vi.waitFor(() => expect(api.requests).toHaveLength(2))
    await settle()
    expect(answered).toBe(false) // not from memory: the previous user's copy is gone
    api.release()
    await again
  })
})

describe('reset() in another tab (items 2 and 3)', () => {
  it('the other tab adopts the logout: greeting gone, profile event "reset"', async () => {
    const a = await tab()
    const b = await tab()
    await settle() // both tabs open and settled, as in the reports
    a.wm.identify('u-42', { firstName: 'Anna' })
    await vi.waitFor(() => expect(b.wm.profile().traits.firstName).toBe('Anna'))
    expect(b.profiles.at(-1)).toMatchObject({ reason: 'tab', profile: { userId: 'u-42' } })
    a.wm.reset()
    await vi.waitFor(() => expect(b.wm.profile().userId).toBeNull())
    expect(b.profiles.at(-1)).toMatchObject({ reason: 'reset', profile: { userId: null, traits: {} } })
    expect(a.profiles.map((p) => p.reason).slice(-2)).toEqual(['identify', 'reset'])
  })

  it('a logout holds when the device clock is set back 2 hours (item 3)', async () => {
    const a = await tab()
    const b = await tab()
    await settle() // both tabs open and settled, as in the reports
    a.wm.identify('u-42', { firstName: 'Anna' })
    await vi.waitFor(() => expect(b.wm.profile().userId).toBe('u-42'))
    await settle()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() - 2 * 3600_000)
    a.wm.reset()
    await settle()
    b.wm.track('product_viewed')
    await settle()
    a.wm.track('cart_viewed')
    await settle()
    for (const t of [a, b]) expect(t.wm.profile()).toMatchObject({ userId: null, traits: {} })
    expect(a.wm.profile().anonymousId).toBe(b.wm.profile().anonymousId)
    expect(await stored()).toMatchObject({ visitor: { userId: null, traits: {} } })
    // …and on the next page too.
    const next = await tab()
    expect(next.wm.profile().userId).toBeNull()
  })
})
