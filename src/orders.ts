/**
 * Orders: where their status comes from (a URL template or a function), the device's copy
 * (so a widget renders at once on reload), and polling while something shows an order.
 * A status the device has not seen before is handed to the instance, which announces it
 * (`on('order')`, an `order_status` event, `order:<status>` triggers).
 */
import { isObj } from './is'
import type { Storage } from './storage'
import type { ConsentState, Order, OrderChange, OrderError, OrderStatus } from './types'

/** Every status, in the order an order normally moves through them. */
export const STATUSES: OrderStatus[] = ['placed', 'paid', 'packed', 'shipped', 'out_for_delivery', 'delivered', 'cancelled', 'returned']
/** Statuses after which nothing changes: polling stops there. */
export const FINAL: OrderStatus[] = ['delivered', 'cancelled', 'returned']
/** First poll interval while an order is watched; doubles while nothing changes. */
export const POLL_MS = 15_000
/** Longest poll interval. */
export const MAX_POLL_MS = 5 * 60_000
/** A request (or an orders function) that takes longer is abandoned. */
export const ORDER_TIMEOUT_MS = 10_000

/** What the orders need from the instance. */
export interface OrdersDeps {
  source: string | ((id: string) => Promise<Order>) | undefined
  storage: Storage
  consent(): ConsentState
  /** A status this device had not seen for the order. */
  changed(change: OrderChange): void
  fail(message: string): void
  log(...args: unknown[]): void
}

/** The orders of one instance. */
export interface Orders {
  get(id: string): Promise<Order>
  watch(id: string): () => void
  /** Forgets every order, in memory and on the device (logout, consent denied). */
  forget(): void
  stop(): void
}

const orderError = (message: string, status?: number): OrderError =>
  Object.assign(new Error(`waymark: ${message}`), { name: 'OrderError', status })

const key = (id: string): IDBValidKey => ['order', id]

/** Accepts a source's answer only if it is an order: a known status, JSON data. */
function toOrder(id: string, raw: unknown): Order {
  if (!isObj(raw) || !STATUSES.includes(raw.status as OrderStatus))
    throw orderError(`order ${JSON.stringify(id)}: the orders source answered ${isObj(raw) ? `status ${JSON.stringify(raw.status)}` : typeof raw}, not an order`)
  return { ...JSON.parse(JSON.stringify(raw)), id }
}

/** Creates the orders of an instance. */
export function createOrders(d: OrdersDeps): Orders {
  const known = new Map<string, Order>()
  const inflight = new Map<string, Promise<Order>>()
  const watched = new Map<string, { count: number; delay: number; due: number; timer?: ReturnType<typeof setTimeout> }>()
  const hidden = (): boolean => typeof document == 'object' && document.visibilityState == 'hidden'
  let stopped = false

  const fetchOrder = async (id: string): Promise<Order> => {
    const { source } = d
    if (!source) throw orderError('no orders source: set the "orders" option')
    const ctrl = new AbortController()
    const timer = setTimeout(() => ctrl.abort(), ORDER_TIMEOUT_MS)
    const timeout = new Promise<never>((_, reject) =>
      ctrl.signal.addEventListener('abort', () => reject(orderError(`order ${JSON.stringify(id)}: no answer within ${ORDER_TIMEOUT_MS / 1000} s`))),
    )
    try {
      if (typeof source == 'function') return toOrder(id, await Promise.race([source(id), timeout]))
      const res = await Promise.race([
        fetch(source.replace(/\{id\}/g, encodeURIComponent(id)), { headers: { Accept: 'application/json' }, signal: ctrl.signal }),
        timeout,
      ])
      if (res.status == 404) throw orderError(`order ${JSON.stringify(id)} not found`, 404)
      if (!res.ok) throw orderError(`order ${JSON.stringify(id)}: HTTP ${res.status}`, res.status)
      return toOrder(id, await Promise.race([res.json(), timeout]))
    } finally {
      clearTimeout(timer)
    }
  }

  // The device's copy: read unless consent is denied, written only with consent.
  const stored = async (id: string): Promise<Order | undefined> => {
    if (d.consent() == 'denied') return
    const raw = await d.storage.tx('readonly', (os) => new Promise<unknown>((resolve) => {
      const req = os.get(key(id))
      req.onsuccess = () => resolve(req.result)
      req.onerror = () => resolve(undefined)
    }))
    try {
      return raw === undefined ? undefined : toOrder(id, raw)
    } catch {
      return undefined // a corrupt or foreign value: fetch afresh
    }
  }

  // Takes a fresh copy: remembered, stored, and announced if its status is new here.
  const accept = (order: Order): Order => {
    const before = known.get(order.id)
    known.set(order.id, order)
    if (d.consent() == 'granted') d.storage.set(key(order.id), order)
    if (!before || before.status != order.status) d.changed({ order, previous: before ? before.status : null })
    return order
  }

  // One request per order at a time, whoever asks.
  const refresh = (id: string): Promise<Order> => {
    let p = inflight.get(id)
    if (!p) {
      p = fetchOrder(id).then((o) => (stopped ? o : accept(o)))
      inflight.set(id, p)
      const done = (): void => void inflight.delete(id)
      p.then(done, done)
    }
    return p
  }

  const report = (e: unknown): void => {
    if ((e as OrderError).status != 404 && !stopped) d.fail(String((e as Error).message).replace(/^waymark: /, ''))
  }

  const poll = (id: string): void => {
    const w = watched.get(id)
    if (!w || stopped) return
    clearTimeout(w.timer)
    if (hidden()) return // becoming visible polls again
    const last = known.get(id)
    if (last && FINAL.includes(last.status)) return // nothing changes any more
    const before = last && last.status
    refresh(id).then(
      (o) => (w.delay = o.status == before ? Math.min(w.delay * 2, MAX_POLL_MS) : POLL_MS),
      (e) => (report(e), (w.delay = Math.min(w.delay * 2, MAX_POLL_MS))),
    ).then(() => {
      if (watched.get(id) !== w) return
      // ±10 % so that many visitors' widgets do not poll in step.
      const wait = Math.round(w.delay * (0.9 + Math.random() / 5))
      w.due = Date.now() + wait
      w.timer = setTimeout(() => poll(id), wait)
    })
  }

  const onVisible = (): void => {
    if (!hidden()) for (const [id, w] of watched) if (Date.now() >= w.due) poll(id)
  }
  if (typeof document == 'object') document.addEventListener('visibilitychange', onVisible)

  return {
    async get(id) {
      if (typeof id != 'string' || !id || id.length > 200) {
        const e = orderError(`order: id must be a string of 1 to 200 characters, got ${JSON.stringify(id)}`)
        d.fail(e.message.replace(/^waymark: /, ''))
        throw e
      }
      const copy = known.get(id) || (await stored(id))
      if (!copy) return refresh(id).catch((e) => Promise.reject((report(e), e)))
      if (!known.has(id)) known.set(id, copy)
      if (!FINAL.includes(copy.status) && !watched.has(id)) refresh(id).catch(report) // cached first, then fresh
      return copy
    },
    watch(id) {
      let w = watched.get(id)
      if (!w) watched.set(id, (w = { count: 0, delay: POLL_MS, due: 0 }))
      if (!w.count++) {
        // The copy may be fresh from get(); poll once that has had its go.
        void (known.has(id) ? Promise.resolve() : stored(id).then((o) => o && !known.has(id) && known.set(id, o))).then(() => poll(id))
      }
      let done = false
      return () => {
        if (done) return
        done = true
        if (--w!.count) return
        clearTimeout(w!.timer)
        watched.delete(id)
      }
    },
    forget() {
      known.clear()
      void d.storage.tx('readwrite', (os) => os.delete(IDBKeyRange.bound(['order'], ['order', []])))
    },
    stop() {
      stopped = true
      for (const w of watched.values()) clearTimeout(w.timer)
      watched.clear()
      if (typeof document == 'object') document.removeEventListener('visibilitychange', onVisible)
    },
  }
}
