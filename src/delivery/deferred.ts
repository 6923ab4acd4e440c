/**
 * Delivery as the instance holds it: its code (the queue's sending, batching, retries, page
 * hide, the cross-tab lease) is a part. With `collect` set it starts loading as the instance is
 * made, and `ready` waits for it (it loads while the stored state is read), so every event is
 * recorded with it in place. Without `collect` it loads only for a logout, which must still
 * take an earlier configuration's queued events off the device. Calls made while it loads
 * run on it, in order, once it has; without `collect`, those before the logout are not kept
 * (it would do nothing with them).
 */
import type { Delivery, DeliveryDeps } from './types'

/** Loads the delivery module (a dynamic import, or the split script tag's part). */
export type DeliveryLoader = () => Promise<{ createDelivery(d: DeliveryDeps): Delivery }>

/** A {@link Delivery} whose code loads in the background, with `loaded` to wait for it. */
export function deferDelivery(load: DeliveryLoader, d: DeliveryDeps): Delivery & { loaded: Promise<void> } {
  let delivery: Delivery | undefined
  let loading: Promise<void> | undefined
  let failed = false
  const waiting: Array<(x: Delivery) => void> = []
  const ensure = (): Promise<void> =>
    (loading ||= load().then(
      (m) => {
        delivery = m.createDelivery(d)
        for (const fn of waiting.splice(0)) fn(delivery)
      },
      // Without its code no event can be queued or sent: say so once; decisions go on.
      (e: Error) => {
        failed = true
        waiting.length = 0
        d.fail(`delivery did not load, events are not sent: ${e.message}`)
      },
    ))
  // Kept for the delivery only while it is loading: not loading (no collect, no logout yet),
  // there is nothing it would do with them, and a failed load never runs them.
  const call = (fn: (x: Delivery) => void): void => void (delivery ? fn(delivery) : loading && !failed && waiting.push(fn))
  return {
    loaded: d.collect === undefined ? Promise.resolve() : ensure(),
    // Every recorded event passes here: straight through once loaded, no closure made for it.
    push: (event, memory) => (delivery ? delivery.push(event, memory) : call((x) => x.push(event, memory))),
    flush: () => (loading || Promise.resolve()).then(() => delivery?.flush()),
    consent: (state) => call((x) => x.consent(state)),
    heard: (news) => call((x) => x.heard(news)),
    reset() {
      void ensure()
      call((x) => x.reset())
    },
    start: () => call((x) => x.start()),
    stop: () => call((x) => x.stop()),
  }
}
