/**
 * Orders: where their status comes from (a URL template or a function), the device's copy
 * (so a widget renders at once on reload), and polling while something shows an order.
 * A status the device has not seen before is handed to the instance, which announces it
 * (`on('order')`, an `order_status` event, `order:<status>` triggers).
 */
import { promisifyRequest } from 'idb-keyval'
import { isName } from './input'
import { describe, isObj } from './is'
import { FINAL, STATUSES } from './order-statuses'
import type { Storage } from './storage'
import { withTimeout } from './timeout'
import type { ConsentState, Order, OrderChange, OrderError, OrderStatus } from './types'
import { hidden, onShown } from './visibility'

/** First poll interval while an order is watched; doubles while nothing changes. */
export const POLL_MS = 15_000
/** Longest poll interval. */
export const MAX_POLL_MS = 5 * 60_000
/** A copy fetched this recently is taken as current by a poll. */
export const FRESH_MS = 2000
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
// An error about one order, named in the message.
const failed = (id: string, why: string, status?: number): OrderError => orderError(`order ${JSON.stringify(id)}${why}`, status)

const key = (id: string): IDBValidKey => ['order', id]

/** Accepts a source's answer only if it is an order: a known status, JSON data. */
function toOrder(id: string, raw: unknown): Order {
  if (!isObj(raw) || !STATUSES.includes(raw.status as OrderStatus))
    throw failed(id, `: the orders source answered ${isObj(raw) ? `status ${JSON.stringify(raw.status)}` : typeof raw}, not an order`)
  return { ...JSON.parse(JSON.stringify(raw)), id }
}

/** Creates the orders of an instance. */
export function createOrders(d: OrdersDeps): Orders {
  const known = new Map<string, Order>()
  const inflight = new Map<string, Promise<Order>>()
  // `seen`: the status this watch last saw, so its cadence follows its own polls only.
  const watched = new Map<string, { count: number; delay: number; due: number; seen?: string; timer?: ReturnType<typeof setTimeout> }>()
  const fetchedAt = new Map<string, number>()
  let stopped = false

  const fetchOrder = async (id: string): Promise<Order> => {
    const { source } = d
    if (!source) throw orderError('no orders source: set the "orders" option')
    const answer = async (signal: AbortSignal): Promise<unknown> => {
      if (typeof source == 'function') return source(id)
      const url = source.replace(/\{id\}/g, encodeURIComponent(id))
      const res = await fetch(url, { headers: { Accept: 'application/json' }, signal })
      if (res.status == 404) throw failed(id, ' not found', 404)
      if (!res.ok) throw failed(id, `: HTTP ${res.status}`, res.status)
      return res.json()
    }
    return toOrder(id, await withTimeout(ORDER_TIMEOUT_MS, answer, (why) => failed(id, `: ${why}`)))
  }

  // The device's copy: read unless consent is denied, written only with consent.
  const stored = async (id: string): Promise<Order | undefined> => {
    if (d.consent() == 'denied') return
    const raw = await d.storage.tx('readonly', (os) => promisifyRequest(os.get(key(id))).catch(() => undefined))
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
    fetchedAt.set(order.id, Date.now())
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

  const tell = (e: Error): void => d.fail(String(e.message).replace(/^waymark: /, ''))
  const report = (e: unknown): void => {
    if ((e as OrderError).status != 404 && !stopped) tell(e as Error)
  }

  const poll = (id: string): void => {
    const w = watched.get(id)
    if (!w || stopped) return
    clearTimeout(w.timer)
    if (hidden()) return // becoming visible polls again
    const last = known.get(id)
    if (last && FINAL.includes(last.status)) return // nothing changes any more
    // A copy fetched a moment ago (the widget's own order() as it appeared) is not fetched
    // again. Whether the status changed is judged against this watch's last poll, not against
    // whatever another request brought in meanwhile: else the first poll after such a request
    // saw "no change" and doubled the interval (WebKit, where that request often finished first).
    const before = w.seen
    const fresh = last && Date.now() - fetchedAt.get(id)! < FRESH_MS
    ;(fresh ? Promise.resolve(last) : refresh(id)).then((o) => ((w.seen = o.status), o.status != before), report).then((changed) => {
      w.delay = changed ? POLL_MS : Math.min(w.delay * 2, MAX_POLL_MS) // a failure backs off too
      if (watched.get(id) !== w) return
      // ±10 % so that many visitors' widgets do not poll in step.
      const wait = Math.round(w.delay * (0.9 + Math.random() / 5))
      w.due = Date.now() + wait
      w.timer = setTimeout(() => poll(id), wait)
    })
  }

  const unlisten = onShown(() => {
    for (const [id, w] of watched) if (Date.now() >= w.due) poll(id)
  })

  // An id the page passed in: a bad one is reported, and never reaches storage or a URL.
  // `.` and `..` are refused too: in a URL template they would be path steps (`/orders/../x`),
  // which no encoding prevents (URL parsers read `%2e%2e` as `..` as well).
  const badId = (id: unknown, method: string): OrderError | undefined => {
    if (isName(id) && id != '.' && id != '..') return
    const e = orderError(`${method}: id must be a string of 1 to 200 characters, not "." or "..", got ${describe(id)}`)
    tell(e)
    return e
  }

  return {
    async get(id) {
      const bad = badId(id, 'order')
      if (bad) throw bad
      const copy = known.get(id) || (await stored(id))
      if (!copy) return refresh(id).catch((e) => Promise.reject((report(e), e)))
      if (!known.has(id)) known.set(id, copy)
      if (!FINAL.includes(copy.status) && !watched.has(id)) refresh(id).catch(report) // cached first, then fresh
      return copy
    },
    watch(id) {
      if (badId(id, 'watchOrder')) return () => {}
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
      fetchedAt.clear()
      void d.storage.tx('readwrite', (os) => os.delete(IDBKeyRange.bound(['order'], ['order', []])))
    },
    stop() {
      stopped = true
      for (const w of watched.values()) clearTimeout(w.timer)
      watched.clear()
      unlisten()
    },
  }
}
