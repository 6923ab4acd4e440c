/**
 * `<waymark-order-status order-id="A-1001">`: the order's steps, ETA, carrier and tracking
 * link; loading, unknown-order and error states; updates live and announces each change
 * politely to screen readers. Keeps the order current (`watchOrder`) only while it is
 * connected and, where IntersectionObserver exists, on screen.
 */
import type { Order, OrderError, Waymark } from '../types'
import type { Base } from './base'
import { h, named } from './dom'
import { orderView, statusName } from './order-steps'
import { tx } from './texts'

/** Defines the order status element's class on the given base. */
export function orderStatusElement(Base: Base) {
  return class WaymarkOrderStatus extends Base {
    static observedAttributes = ['order-id']
    /** What is shown; `data-state` is loading, shown, unknown or error. */
    readonly box = this.root.appendChild(h('div', named('order')))
    /** Announces changes; present from the start, as a live region must be to be heard. */
    readonly live = this.root.appendChild(h('p', { role: 'status', 'aria-live': 'polite', class: 'vh' }))

    /** Shows a state with its nodes. */
    show(state: string, ...nodes: Node[]): void {
      this.box.setAttribute('data-state', state)
      this.box.setAttribute('aria-busy', String(state === 'loading'))
      this.box.replaceChildren(...nodes)
    }

    bind(wm: Waymark): (() => void) | void {
      const id = (this.getAttribute('order-id') || '').trim()
      this.live.textContent = ''
      const message = (key: string) => h('p', { part: 'status', class: 'message' }, tx(wm, key, { id }))
      if (!id) return this.show('empty')
      let bound = true
      let shown: string | null = null
      const render = (order: Order) => {
        // The first render is not news; a new status afterwards is.
        if (shown !== null && shown !== order.status)
          this.live.textContent = tx(wm, 'order.announce', { id, status: statusName(wm, order.status) })
        shown = order.status
        this.show('shown', ...orderView(wm, order))
      }

      this.show('loading', message('order.loading'))
      // The executor runs now, and turns a throwing order() into a rejection.
      new Promise<Order>((resolve) => resolve(wm.order(id))).then(
        // A change that arrived meanwhile is at least as fresh: it stays.
        (order) => void (bound && shown === null && render(order)),
        (e: OrderError) => {
          if (bound && shown === null) {
            const unknown = e && e.status === 404
            this.show(unknown ? 'unknown' : 'error', message(unknown ? 'order.unknown' : 'order.error'))
          }
        },
      )
      const offs = [
        wm.on('order', (change) => {
          if (bound && change && change.order && change.order.id === id) render(change.order)
        }),
        // A logout (here or in another tab): the order was the previous user's. The widget
        // clears and asks nothing more until it is bound again (a new order-id, a new page).
        wm.on('profile', (change) => void (change && change.reason === 'reset' && (this.show('empty'), unbind()))),
      ]

      let stop: (() => void) | undefined
      const watch = (on: boolean) => {
        if (on && !stop) {
          const s = wm.watchOrder(id)
          stop = typeof s === 'function' ? s : () => {}
        } else if (!on && stop) {
          stop()
          stop = undefined
        }
      }
      // Poll only while someone can see it.
      let io: IntersectionObserver | undefined
      if (typeof IntersectionObserver === 'function') {
        io = new IntersectionObserver((entries) => watch(entries[entries.length - 1].isIntersecting))
        io.observe(this)
      } else watch(true)

      const unbind = () => {
        bound = false
        offs.forEach((off) => off())
        if (io) io.disconnect()
        watch(false)
      }
      return unbind
    }
  }
}
