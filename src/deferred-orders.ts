/**
 * The orders as the instance holds them: their code (requests, the device's copies, polling)
 * is a part loaded on the first `order()` or `watchOrder()`, so a page that shows no order
 * never loads it. Calls wait for it, in order. A logout (`forget`) before it has loaded still
 * deletes the device's copies, and calls waiting from before it end as the loaded orders' own
 * would: with a quiet "forgotten by reset()". After destroy(), calls reject at once, asking nothing.
 */
import { OrderError } from './errors'
import { forgetOrders } from './order-store'
import type { Orders, OrdersDeps } from './orders'

/** Loads the orders module (a dynamic import, or the split script tag's part). */
export type OrdersLoader = () => Promise<{ createOrders(d: OrdersDeps): Orders }>

/** {@link Orders} whose code loads on first use. */
export function deferOrders(load: OrdersLoader, d: OrdersDeps): Orders {
  let orders: Orders | undefined
  let loading: Promise<Orders> | undefined
  let stopped = false
  let gen = 0 // bumped by forget(): calls waiting from before it belonged to the previous user
  const quiet = new WeakSet<object>()
  const use = (): Promise<Orders> =>
    orders ? Promise.resolve(orders) : (loading ||= load().then((m) => {
      orders = m.createOrders(d)
      if (stopped) orders.stop() // destroyed while it loaded
      return orders
    }, (e: Error) => {
      loading = undefined // the next call tries again
      throw new OrderError(`waymark: orders unavailable: ${e.message}`)
    }))
  const then = <T>(id: string, fn: (o: Orders) => T | Promise<T>): Promise<T> => {
    const g = gen
    return (stopped ? Promise.reject(new OrderError(`waymark: order ${JSON.stringify(id)}: the instance is destroyed`)) : use()).then((o) => {
      if (g == gen) return fn(o)
      const e = new OrderError(`waymark: order ${JSON.stringify(id)}: forgotten by reset()`)
      quiet.add(e)
      throw e
    })
  }
  return {
    get: (id) => then(id, (o) => o.get(id)),
    watch(id) {
      let off: (() => void) | undefined
      let done = false
      then(id, (o) => void (done || stopped || (off = o.watch(id)))).catch((e: Error) => done || quiet.has(e) || d.fail(e.message.replace(/^waymark: /, '')))
      return () => void ((done = true), off && off())
    },
    forget() {
      gen++
      if (orders) orders.forget()
      else forgetOrders(d.storage)
    },
    stop() {
      stopped = true
      if (orders) orders.stop()
    },
  }
}
