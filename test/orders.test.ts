import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { OrderError } from '../src/errors'
import { MAX_POLL_MS, POLL_MS } from '../src/orders'
import type { Offer, Order, OrderChange, WaymarkEvent, WaymarkOptions } from '../src/types'
import { advance, flush, make, stored } from './helpers'

/** An orders API: the status per id is switchable; every request is recorded. */
function fakeOrders(statuses: Record<string, string>) {
  const api = { statuses, requests: [] as string[], hang: false, status: 200 }
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    api.requests.push(url)
    if (api.hang) return new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))
    if (api.status !== 200) return new Response('down', { status: api.status })
    const id = decodeURIComponent(url.split('/').pop()!)
    if (!(id in api.statuses)) return new Response('{"error":"not found"}', { status: 404 })
    return Response.json({ id, status: api.statuses[id], eta: '2026-11-27T12:00:00Z', carrier: 'Demo Post' })
  }))
  return api
}

async function started(options: WaymarkOptions = {}) {
  const wm = make({ orders: '/api/orders/{id}', ...options })
  const changes: OrderChange[] = []
  const events: WaymarkEvent[] = []
  wm.on('order', (c) => changes.push(c))
  wm.on('event', (e) => events.push(e))
  await wm.ready
  return { wm, changes, events }
}

const storedOrders = async () => Object.keys(await stored()).filter((k) => k.startsWith('order,'))

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] }) // delivery waits on performance.now()
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('order(id)', () => {
  it('fetches from the URL template, stores a copy, and announces the status it had not seen', async () => {
    const api = fakeOrders({ 'A 1/2': 'shipped' })
    const { wm, changes, events } = await started()
    const order = await wm.order('A 1/2')
    expect(api.requests).toEqual(['/api/orders/A%201%2F2'])
    expect(order).toEqual({ id: 'A 1/2', status: 'shipped', eta: '2026-11-27T12:00:00Z', carrier: 'Demo Post' })
    expect(changes).toEqual([{ order, previous: null }])
    expect(events.find((e) => e.name === 'order_status')).toMatchObject({ type: 'order', props: { order: 'A 1/2', status: 'shipped', previous: null } })
    expect(wm.journey().counts['order:shipped']).toBe(1)
    await advance(200)
    expect(await storedOrders()).toEqual(['order,A 1/2'])
  })

  it('resolves at once with the device copy on the next visit, then announces a newer status', async () => {
    const api = fakeOrders({ 'A-1': 'shipped' })
    await (await started()).wm.order('A-1')
    await advance(200)
    api.statuses['A-1'] = 'out_for_delivery'
    api.hang = true
    const { wm, changes } = await started()
    expect(await wm.order('A-1')).toMatchObject({ status: 'shipped' }) // while the request hangs
    api.hang = false
    await wm.order('A-1')
    await advance(10_000)
    expect(changes).toEqual([])
    await wm.order('A-1') // the hung request timed out; this one goes through
    await flush()
    expect(changes).toEqual([{ order: expect.objectContaining({ status: 'out_for_delivery' }), previous: 'shipped' }])
  })

  it('rejects an unknown order with status 404 without reporting it, and reports other failures', async () => {
    const api = fakeOrders({})
    const { wm } = await started()
    const missing = await wm.order('nope').catch((e: OrderError) => e)
    expect(missing).toMatchObject({ name: 'OrderError', status: 404, message: 'waymark: order "nope" not found' })
    expect(wm.errors).toEqual([])
    api.status = 503
    const down = await wm.order('nope').catch((e: OrderError) => e)
    expect(down).toMatchObject({ status: 503 })
    expect(wm.errors).toEqual(['waymark: order "nope": HTTP 503'])
  })

  it('refuses an answer that is not an order, and a bad id', async () => {
    fakeOrders({ 'A-1': 'lost' })
    const { wm } = await started()
    await expect(wm.order('A-1')).rejects.toThrow('order "A-1": the orders source answered status "lost", which is not a Waymark status; map it with the orderStatuses option')
    await expect(wm.order('' as string)).rejects.toThrow('order: id must be a string of 1 to 200 characters')
    expect(wm.errors).toHaveLength(2)
  })

  it('an id cannot step out of its path segment: "." and ".." are refused, other ids are encoded whole', async () => {
    const api = fakeOrders({ 'a/../b': 'paid' })
    const { wm } = await started({ orders: '/api/v1/orders/{id}/status' })
    for (const id of ['..', '.']) await expect(wm.order(id)).rejects.toThrow(`order: id must be a string of 1 to 200 characters, not "." or "..", got "${id}"`)
    expect(api.requests).toEqual([])
    await wm.order('a/../b').catch(() => {})
    expect(api.requests).toEqual(['/api/v1/orders/a%2F..%2Fb/status'])
  })

  it('gives up on a source that does not answer within 10 s', async () => {
    const api = fakeOrders({ 'A-1': 'paid' })
    api.hang = true
    const { wm } = await started()
    const result = wm.order('A-1').catch((e: Error) => e.message)
    await advance(11_000)
    expect(await result).toBe('waymark: order "A-1": no answer within 10 s')
  })

  it('takes a function source (any backend)', async () => {
    const source = vi.fn(async (id: string) => ({ id, status: 'packed' }) as Order)
    const { wm, changes } = await started({ orders: source })
    expect(await wm.order('B-7')).toEqual({ id: 'B-7', status: 'packed' })
    expect(source).toHaveBeenCalledWith('B-7')
    expect(changes).toHaveLength(1)
  })

  it('order:<status> triggers rules (post-purchase offers) and order:delivered moves the journey to enjoy', async () => {
    fakeOrders({ 'A-1': 'delivered' })
    const { wm } = await started({
      playbook: { rules: [{ id: 'review', on: ['order:delivered'], if: { 'order.status': 'delivered' }, offer: { kind: 'toast', title: 'How is it?' } }] },
    })
    const offers: Offer[] = []
    wm.on('offer', (o) => offers.push(o))
    await wm.order('A-1')
    expect(offers.map((o) => [o.rule, o.trigger])).toEqual([['review', 'order:delivered']])
    expect(wm.journey().stage).toBe('enjoy')
  })
})

describe('watchOrder(id)', () => {
  it('polls every 15 s while shown, changed or not (a change shows within 20 s), and stops at a final status (issue 16)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1) // the longest jitter: 16.5 s
    const api = fakeOrders({ 'A-1': 'paid' })
    const { wm, changes } = await started()
    const stop = wm.watchOrder('A-1')
    await advance(0)
    expect(api.requests).toHaveLength(1)
    for (let i = 2; i <= 5; i++) {
      await advance(16_500)
      expect(api.requests).toHaveLength(i) // unchanged: the pace holds, no doubling
    }
    api.statuses['A-1'] = 'shipped'
    await advance(16_500)
    expect(changes.map((c) => c.order.status)).toEqual(['paid', 'shipped']) // within 20 s of the change
    api.statuses['A-1'] = 'delivered'
    await advance(16_500)
    await advance(10 * MAX_POLL_MS, 5000)
    expect(api.requests).toHaveLength(7) // delivered is final
    stop()
  })

  it('backs off while the source fails, and keeps the pace again once it answers', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5) // no jitter
    const api = fakeOrders({ 'A-1': 'paid' })
    const { wm } = await started()
    const stop = wm.watchOrder('A-1')
    await advance(0)
    api.status = 503
    await advance(POLL_MS) // fails: next in 30 s
    expect(api.requests).toHaveLength(2)
    await advance(2 * POLL_MS - 1000)
    expect(api.requests).toHaveLength(2)
    await advance(1000) // fails again: next in 60 s
    api.status = 200
    await advance(4 * POLL_MS)
    expect(api.requests).toHaveLength(4)
    await advance(POLL_MS)
    expect(api.requests).toHaveLength(5) // answered: back to 15 s
    stop()
  })

  it('a watch begun right after order() fetched the order polls it 15 s later, not 30 (the widget in WebKit)', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const api = fakeOrders({ 'A-1': 'paid' })
    const { wm } = await started()
    await wm.order('A-1') // the widget asks first, and the answer is in before its watch starts
    const stop = wm.watchOrder('A-1')
    await advance(0)
    expect(api.requests).toHaveLength(1) // that copy is a moment old: not fetched again
    api.statuses['A-1'] = 'shipped'
    await advance(POLL_MS)
    expect(api.requests).toHaveLength(2)
    expect((await wm.order('A-1')).status).toBe('shipped')
    stop()
  })

  it('pauses while the tab is hidden and polls again when it is shown', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    let state = 'visible'
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => state as DocumentVisibilityState)
    const api = fakeOrders({ 'A-1': 'paid' })
    const { wm } = await started()
    wm.watchOrder('A-1')
    await advance(0)
    state = 'hidden'
    await advance(10 * POLL_MS, 1000)
    expect(api.requests).toHaveLength(1)
    state = 'visible'
    document.dispatchEvent(new Event('visibilitychange'))
    await flush()
    expect(api.requests).toHaveLength(2)
  })

  it('shares one poller between watchers, and stops when the last one stops', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5)
    const api = fakeOrders({ 'A-1': 'paid' })
    const { wm } = await started()
    const stopA = wm.watchOrder('A-1')
    const stopB = wm.watchOrder('A-1')
    await advance(0)
    expect(api.requests).toHaveLength(1)
    stopA()
    stopA()
    await advance(POLL_MS)
    expect(api.requests).toHaveLength(2)
    stopB()
    await advance(MAX_POLL_MS * 2, 5000)
    expect(api.requests).toHaveLength(2)
  })
})

describe('a backend\'s own statuses and OrderError (issue 16)', () => {
  it('orderStatuses maps a backend\'s statuses onto Waymark\'s steps; an unmapped one names the option', async () => {
    const api = fakeOrders({ 'A-1': 'in_transit', 'A-2': 'lost_in_space' })
    const { wm, changes } = await started({ orderStatuses: { in_transit: 'shipped', ready: 'packed' } })
    expect(await wm.order('A-1')).toMatchObject({ id: 'A-1', status: 'shipped' })
    expect(changes.map((c) => c.order.status)).toEqual(['shipped'])
    expect(wm.journey().counts['order:shipped']).toBe(1)
    const e = await wm.order('A-2').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(OrderError)
    expect((e as Error).message).toBe('waymark: order "A-2": the orders source answered status "lost_in_space", which is not a Waymark status; map it with the orderStatuses option')
    expect(api.requests).toHaveLength(2)
  })

  it('order() rejects with an OrderError instance (instanceof works), status 404 for an unknown order', async () => {
    fakeOrders({})
    const { wm } = await started()
    const e = await wm.order('nope').catch((x: unknown) => x)
    expect(e).toBeInstanceOf(OrderError)
    expect(e).toBeInstanceOf(Error)
    expect(e).toMatchObject({ name: 'OrderError', status: 404 })
  })
})

describe('order(id) on a watched order (issue 14, item 18)', () => {
  it('revalidates at every call, one request in flight per order, and the polls count from it', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.5) // no jitter
    const api = fakeOrders({ 'A-1': 'paid' })
    const { wm, changes } = await started()
    const stop = wm.watchOrder('A-1')
    await advance(0)
    expect(api.requests).toHaveLength(1)
    await advance(10_000) // the next poll is due at 15 s
    api.statuses['A-1'] = 'shipped'
    expect((await wm.order('A-1')).status).toBe('paid') // cached first…
    await Promise.all([wm.order('A-1'), wm.order('A-1')])
    await advance(0)
    expect(api.requests).toHaveLength(2) // …then fresh, once for the three calls
    expect(changes.map((c) => c.order.status)).toEqual(['paid', 'shipped'])
    await advance(POLL_MS - 1000)
    expect(api.requests).toHaveLength(2) // not at the old 15 s mark: the schedule restarted
    await advance(1000)
    expect(api.requests).toHaveLength(3)
    stop()
  })
})

describe('orders and privacy', () => {
  it('reset() forgets the orders on the device', async () => {
    fakeOrders({ 'A-1': 'paid' })
    const { wm } = await started()
    await wm.order('A-1')
    await advance(200)
    expect(await storedOrders()).toHaveLength(1)
    wm.reset()
    await advance(200)
    expect(await storedOrders()).toEqual([])
  })

  it('stores no copy while consent is pending', async () => {
    fakeOrders({ 'A-1': 'paid' })
    const { wm } = await started({ consent: 'pending' })
    await wm.order('A-1')
    await advance(200)
    expect(await stored()).toEqual({})
  })
})

describe('text(key, params) and locale', () => {
  it('looks a text up in the playbook, then the built-in texts, filling placeholders', async () => {
    const { wm } = await started({ locale: 'ru-RU', playbook: { texts: { ru: { 'order.eta': 'Привезём {date}' } } } })
    expect(wm.locale).toBe('ru-RU')
    expect(wm.text('order.eta', { date: '27 ноября' })).toBe('Привезём 27 ноября')
    expect(wm.text('greeting.returning', { name: 'Анна' })).toBe('С возвращением, Анна!')
    expect(wm.text('no.such.key')).toBeUndefined()
  })
})
