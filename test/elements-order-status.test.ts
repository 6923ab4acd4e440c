import { describe, expect, it, vi } from 'vitest'
import type { Order, OrderError } from '../src/types'
import { mount, settle, setup, shadow, type StubOptions } from './elements-stub'

const order = (o: Partial<Order> = {}): Order => ({ id: 'A-1001', status: 'shipped', ...o })
const failing = (status?: number) => () => Promise.reject(Object.assign(new Error('nope'), { status }) as OrderError)

/** Mounts an order status for A-1001 whose order() resolves with `o`, and lets it render. */
async function shown(o: Order, options: StubOptions = {}) {
  const wm = setup({ order: () => Promise.resolve(o), ...options })
  const el = mount('waymark-order-status', { 'order-id': o.id })
  await settle()
  return { wm, el, root: shadow(el) }
}

const q = (root: ShadowRoot, part: string) => root.querySelector<HTMLElement>(`[part~="${part}"]`)
const steps = (root: ShadowRoot) => Array.from(root.querySelectorAll('li')).map((li) => `${li.textContent}:${li.className.split(' ')[1]}`)
const state = (root: ShadowRoot) => q(root, 'order')!.getAttribute('data-state')
const live = (root: ShadowRoot) => root.querySelector('[role="status"][aria-live="polite"]')!.textContent

describe('<waymark-order-status>', () => {
  it('shows a loading state until the order arrives', () => {
    const wm = setup()
    const root = shadow(mount('waymark-order-status', { 'order-id': 'A-1001' }))
    expect(wm.order).toHaveBeenCalledTimes(1)
    expect(wm.order).toHaveBeenCalledWith('A-1001')
    expect(state(root)).toBe('loading')
    expect(q(root, 'order')!.getAttribute('aria-busy')).toBe('true')
    expect(q(root, 'status')!.textContent).toBe('Loading the order…')
  })

  it('shows the steps with the current one marked done/current/upcoming and aria-current', async () => {
    const { root } = await shown(order({ status: 'shipped' }))
    expect(state(root)).toBe('shown')
    expect(steps(root)).toEqual([
      'Placed:done', 'Paid:done', 'Packed:done', 'Shipped:current', 'Out for delivery:upcoming', 'Delivered:upcoming',
    ])
    const current = root.querySelectorAll('[aria-current]')
    expect(current).toHaveLength(1)
    expect(current[0].getAttribute('aria-current')).toBe('step')
    expect(current[0].textContent).toBe('Shipped')
    expect(current[0].getAttribute('part')).toBe('step step-current')
    expect(root.querySelector('ol')!.getAttribute('aria-label')).toBe('Order progress')
  })

  it('ends a cancelled order after placed, and a returned one after the whole course', async () => {
    expect(steps((await shown(order({ status: 'cancelled' }))).root)).toEqual(['Placed:done', 'Cancelled:current'])
    expect(steps((await shown(order({ status: 'returned' }))).root)).toEqual([
      'Placed:done', 'Paid:done', 'Packed:done', 'Shipped:done', 'Out for delivery:done', 'Delivered:done', 'Returned:current',
    ])
  })

  it('names the steps in Russian', async () => {
    const { root } = await shown(order({ status: 'out_for_delivery' }), { locale: 'ru' })
    expect(steps(root)).toEqual([
      'Оформлен:done', 'Оплачен:done', 'Собран:done', 'Отправлен:done', 'Передан курьеру:current', 'Доставлен:upcoming',
    ])
  })

  it('formats the ETA as weekday, day and month in English and Russian, with the days left', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date(2026, 10, 24, 10))
    const en = await shown(order({ eta: '2026-11-27' }))
    expect(q(en.root, 'eta')!.textContent).toBe('Estimated delivery Friday, November 27')
    expect(q(en.root, 'eta-days')!.textContent).toBe('Arrives in 3 days')
    const ru = await shown(order({ eta: '2026-11-27' }), { locale: 'ru-RU' })
    expect(q(ru.root, 'eta')!.textContent).toBe('Ожидаемая доставка: пятница, 27 ноября')
    expect(q(ru.root, 'eta-days')!.textContent).toBe('Приедет через 3 дня')
  })

  it('omits an invalid or absent ETA, and any ETA once the order is delivered', async () => {
    for (const o of [order({ eta: 'soon' }), order({}), order({ eta: '2099-01-01', status: 'delivered' })])
      expect(q((await shown(o)).root, 'eta')).toBeNull()
  })

  it('shows the carrier as text, and a tracking link only for http(s) URLs', async () => {
    const a = await shown(order({ carrier: '<b>DHL</b>', trackingUrl: 'https://track.example/A-1001' }))
    expect(q(a.root, 'carrier')!.textContent).toBe('Carrier: <b>DHL</b>')
    expect(a.root.querySelector('b')).toBeNull()
    const link = q(a.root, 'tracking') as HTMLAnchorElement
    expect(link.tagName).toBe('A')
    expect(link.href).toBe('https://track.example/A-1001')
    expect(link.rel).toBe('noopener noreferrer')
    expect(link.textContent).toBe('Track the parcel')

    const relative = await shown(order({ trackingUrl: '/track/A-1001' }))
    expect((q(relative.root, 'tracking') as HTMLAnchorElement).getAttribute('rel')).toBeNull()

    for (const trackingUrl of ['javascript:alert(1)', ' JaVaScRiPt:alert(1)', 'data:text/html,x', 'http://[bad'])
      expect((await shown(order({ trackingUrl }))).root.querySelector('a')).toBeNull()
  })

  it('says an unknown order (404) and a failure apart', async () => {
    setup({ order: failing(404) })
    const unknown = shadow(mount('waymark-order-status', { 'order-id': 'A-404' }))
    await settle()
    expect(state(unknown)).toBe('unknown')
    expect(q(unknown, 'status')!.textContent).toBe('We could not find order A-404')
    setup({ order: failing(503) })
    const error = shadow(mount('waymark-order-status', { 'order-id': 'A-1001' }))
    await settle()
    expect(state(error)).toBe('error')
    expect(q(error, 'status')!.textContent).toBe('The order status could not be loaded')
  })

  it('re-renders on a change of its order and announces it politely, not the first render', async () => {
    const { wm, root } = await shown(order({ status: 'packed' }))
    expect(live(root)).toBe('')
    wm.emit('order', { order: order({ id: 'B-2', status: 'delivered' }), previous: 'packed' })
    expect(steps(root)[2]).toBe('Packed:current')
    wm.emit('order', { order: order({ status: 'shipped' }), previous: 'packed' })
    expect(steps(root)[3]).toBe('Shipped:current')
    expect(live(root)).toBe('Order A-1001: Shipped')
    const region = root.querySelector('[aria-live]')!
    expect(region.getAttribute('role')).toBe('status')
    expect(region.classList.contains('vh')).toBe(true)
  })

  it('keeps a change that arrived before order() answered', async () => {
    let answer = (_: Order) => {}
    const wm = setup({ order: () => new Promise((r) => (answer = r)) })
    const root = shadow(mount('waymark-order-status', { 'order-id': 'A-1001' }))
    await settle()
    wm.emit('order', { order: order({ status: 'delivered' }), previous: 'shipped' })
    answer(order({ status: 'shipped' }))
    await settle()
    expect(root.querySelector('[aria-current]')!.textContent).toBe('Delivered')
  })

  it('watches the order while connected and stops when disconnected', () => {
    const wm = setup()
    const el = mount('waymark-order-status', { 'order-id': 'A-1001' })
    expect(wm.watchOrder).toHaveBeenCalledWith('A-1001')
    expect(wm.stops[0]).not.toHaveBeenCalled()
    el.remove()
    expect(wm.stops[0]).toHaveBeenCalledTimes(1)
  })

  it('watches only while on screen where IntersectionObserver exists', () => {
    let report = (_: Array<{ isIntersecting: boolean }>) => {}
    const disconnect = vi.fn()
    vi.stubGlobal('IntersectionObserver', class {
      constructor(cb: typeof report) { report = cb }
      observe() {}
      disconnect = disconnect
    })
    const wm = setup()
    const el = mount('waymark-order-status', { 'order-id': 'A-1001' })
    expect(wm.watchOrder).not.toHaveBeenCalled()
    report([{ isIntersecting: true }])
    expect(wm.watchOrder).toHaveBeenCalledTimes(1)
    report([{ isIntersecting: false }])
    expect(wm.stops[0]).toHaveBeenCalledTimes(1)
    report([{ isIntersecting: true }])
    expect(wm.watchOrder).toHaveBeenCalledTimes(2)
    el.remove()
    expect(wm.stops[1]).toHaveBeenCalledTimes(1)
    expect(disconnect).toHaveBeenCalled()
  })

  it('follows a change of the order-id attribute', async () => {
    const wm = setup({ order: (id) => Promise.resolve(order({ id, status: id === 'B-2' ? 'paid' : 'shipped' })) })
    const el = mount('waymark-order-status', { 'order-id': 'A-1001' })
    await settle()
    el.setAttribute('order-id', 'B-2')
    expect(wm.stops[0]).toHaveBeenCalled()
    expect(wm.watchOrder).toHaveBeenLastCalledWith('B-2')
    await settle()
    expect(shadow(el).querySelector('[aria-current]')!.textContent).toBe('Paid')
    expect(live(shadow(el))).toBe('')
    wm.emit('order', { order: order({ status: 'delivered' }), previous: 'shipped' })
    expect(shadow(el).querySelector('[aria-current]')!.textContent).toBe('Paid')
  })

  it('clears on a logout, here or in another tab, and asks nothing more (issue 14, item 1)', async () => {
    const { wm, root } = await shown(order({ status: 'shipped', address: 'Тверская 1' } as Partial<Order>))
    expect(wm.watchOrder).toHaveBeenCalledTimes(1)
    wm.emit('profile', { profile: {} as never, reason: 'tab' })
    expect(state(root)).toBe('shown')
    wm.emit('profile', { profile: {} as never, reason: 'reset' })
    expect(state(root)).toBe('empty')
    expect(root.textContent).not.toContain('Тверская')
    expect(wm.stops[0]).toHaveBeenCalled()
    wm.emit('order', { order: order({ status: 'delivered' }), previous: 'shipped' })
    expect(state(root)).toBe('empty')
    expect(wm.order).toHaveBeenCalledTimes(1)
  })
})
