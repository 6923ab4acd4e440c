/**
 * Orders: where their status comes from (a URL template or a function), the device's copy
 * (so a widget renders at once on reload), and polling while something shows an order.
 * A status the device has not seen before is handed to the instance, which announces it
 * (`on('order')`, an `order_status` event, `order:<status>` triggers).
 */
import { promisifyRequest } from 'idb-keyval'
import { isName } from './input'
import { describe, has, isObj } from './is'
import { FINAL, STATUSES } from './order-statuses'
import type { Storage } from './storage'
import { withTimeout } from './timeout'
import { OrderError } from './errors'
import { forgetOrders, orderKey } from './order-store'
import type { ConsentState, Order, OrderChange, OrderStatus } from './types'
import { hidden, onShown } from './visibility'

/**
 * Poll interval while an order is watched on a visible page (±10 %): a change shows within
 * 20 s. Polls pause while the tab is hidden and stop at a final status.
 */
export const POLL_MS = 15_000
/** Failed polls back off, doubling up to this. */
export const MAX_POLL_MS = 5 * 60_000
/** A copy fetched this recently is taken as current by a poll. */
export const FRESH_MS = 2000
/** A request (or an orders function) that takes longer is abandoned. */
export const ORDER_TIMEOUT_MS = 10_000

/** What the orders need from the instance. */
export interface OrdersDeps {
  source: string | ((id: string) => Promise<Order>) | undefined
  /** A backend's own statuses mapped onto Waymark's (the `orderStatuses` option). */
  statuses?: Record<string, OrderStatus>
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
  /**
   * Forgets every order, in memory and on the device (logout, consent denied): watches end,
   * and answers still on their way are dropped.
   */
  forget(): void
  stop(): void
}

const orderError = (message: string, status?: number): OrderError => new OrderError(`waymark: ${message}`, status)
// An error about one order, named in the message.
const failed = (id: string, why: string, status?: number): OrderError => orderError(`order ${JSON.stringify(id)}${why}`, status)

const key = orderKey

/**
 * Accepts a source's answer only if it is an order: JSON data with a known status, or one
 * that `map` (the `orderStatuses` option) turns into a known status.
 */
function toOrder(id: string, raw: unknown, map: Record<string, OrderStatus> = {}): Order {
  const status = isObj(raw) && has(map, String(raw.status)) ? map[String(raw.status)] : isObj(raw) && raw.status
  if (!STATUSES.includes(status as OrderStatus))
    throw failed(id, isObj(raw)
      ? `: the orders source answered status ${JSON.stringify(raw.status)}, which is not a Waymark status; map it with the orderStatuses option`
      : `: the orders source answered ${typeof raw}, not an order`)
  return { ...JSON.parse(JSON.stringify(raw)), id, status }
}

/** Creates the orders of an instance. */
export function createOrders(d: OrdersDeps): Orders {
  const known = new Map<string, Order>()
  const inflight = new Map<string, Promise<Order>>()
  const watched = new Map<string, { count: number; delay: number; due: number; run: number; timer?: ReturnType<typeof setTimeout> }>()
  const fetchedAt = new Map<string, number>()
  let stopped = false
  // Bumped by forget() (logout): what was asked before belongs to the previous user.
  let gen = 0
  const quiet = new WeakSet<object>()
  const gone = (id: string): OrderError => {
    const e = failed(id, ': forgotten by reset()')
    quiet.add(e)
    return e
  }

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
    return toOrder(id, await withTimeout(ORDER_TIMEOUT_MS, answer, (why) => failed(id, `: ${why}`)), d.statuses)
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

  // One request per order at a time, whoever asks. An answer that arrives after a logout
  // (`forget`) belonged to the previous user: it is neither kept, stored nor announced.
  const refresh = (id: string): Promise<Order> => {
    let p = inflight.get(id)
    if (!p) {
      const g = gen
      p = fetchOrder(id).then((o) => (g != gen ? Promise.reject(gone(id)) : stopped ? o : accept(o)))
      inflight.set(id, p)
      const done = (): void => void (inflight.get(id) === p && inflight.delete(id))
      p.then(done, done)
    }
    return p
  }

  const tell = (e: Error): void => d.fail(String(e.message).replace(/^waymark: /, ''))
  const report = (e: unknown): void => {
    if ((e as OrderError).status != 404 && !stopped && !quiet.has(e as object)) tell(e as Error)
  }

  // `asked`: an order() call revalidates now, whatever the schedule, and the schedule
  // restarts from that request.
  const poll = (id: string, asked?: boolean): void => {
    const w = watched.get(id)
    if (!w || stopped) return
    clearTimeout(w.timer)
    const last = known.get(id)
    if (!asked && (hidden() || (last && FINAL.includes(last.status)))) return // becoming visible polls again; a final status changes no more
    // A copy fetched a moment ago (the widget's own order() as it appeared) is not fetched again.
    const fresh = !asked && last && Date.now() - fetchedAt.get(id)! < FRESH_MS
    const run = ++w.run // only the latest poll schedules the next: one timer per watch
    ;(fresh ? Promise.resolve() : refresh(id)).then(() => true, (e) => (report(e), false)).then((ok) => {
      if (watched.get(id) !== w || w.run != run) return
      // A live widget polls at a steady pace; an unreachable source is asked less and less often.
      w.delay = ok ? POLL_MS : Math.min(w.delay * 2, MAX_POLL_MS)
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
      const g = gen
      const copy = known.get(id) || (await stored(id))
      if (g != gen) throw gone(id) // logged out while reading the device's copy
      if (!copy) return refresh(id).catch((e) => Promise.reject((report(e), e)))
      if (!known.has(id)) known.set(id, copy)
      // Cached first, then fresh: every call asks (one request per order in flight); a
      // watched order's polls then count from this request.
      if (watched.has(id)) poll(id, true)
      else refresh(id).catch(report)
      return copy
    },
    watch(id) {
      if (badId(id, 'watchOrder')) return () => {}
      let w = watched.get(id)
      if (!w) watched.set(id, (w = { count: 0, delay: POLL_MS, due: 0, run: 0 }))
      if (!w.count++) {
        // The copy may be fresh from get(); poll once that has had its go.
        void (known.has(id) ? Promise.resolve() : stored(id).then((o) => o && !known.has(id) && known.set(id, o))).then(() => poll(id))
      }
      let done = false
      return () => {
        if (done) return
        done = true
        if (--w!.count || watched.get(id) !== w) return // forget() ended it already
        clearTimeout(w!.timer)
        watched.delete(id)
      }
    },
    forget() {
      gen++
      for (const w of watched.values()) clearTimeout(w.timer)
      watched.clear()
      inflight.clear()
      known.clear()
      fetchedAt.clear()
      forgetOrders(d.storage)
    },
    stop() {
      stopped = true
      for (const w of watched.values()) clearTimeout(w.timer)
      watched.clear()
      unlisten()
    },
  }
}
