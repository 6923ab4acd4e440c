/**
 * The offers an instance currently shows, for `useOffers`: kept per instance from the moment a
 * provider or a hook first meets it, so every component sees the same list, and an offer
 * that fired before a component subscribed is still there.
 */
import type { Offer, Waymark } from '../types'
import type { Store } from './store'

const ENDED = ['offer_clicked', 'offer_dismissed']
/** The list without an instance (during server rendering, before a provider's instance exists). */
export const NO_OFFERS: readonly Offer[] = []

// Made on first use, not at import.
let lists: WeakMap<Waymark, Store<readonly Offer[]>> | undefined

/**
 * The offer list of `wm`: an offer is added as `on('offer')` announces it, removed once it is
 * clicked or dismissed (by the page, an element or another component), and the list empties
 * on a logout (`on('profile')` with reason `reset`, here or in another tab).
 */
export function offersOf(wm: Waymark): Store<readonly Offer[]> {
  lists ||= new WeakMap()
  let store = lists.get(wm)
  if (store) return store
  let list: readonly Offer[] = NO_OFFERS
  const listeners = new Set<() => void>()
  const set = (next: readonly Offer[]): void => {
    if (next === list) return
    list = next
    listeners.forEach((listener) => listener())
  }
  // These stay for the instance's life: `destroy()` removes them with every other listener.
  wm.on('offer', (offer) => set([...list, offer]))
  wm.on('event', (e) => {
    if (e.type !== 'offer' || !ENDED.includes(e.name)) return
    const left = list.filter((offer) => offer.id !== e.props.offer)
    if (left.length !== list.length) set(left)
  })
  wm.on('profile', (change) => void (change.reason === 'reset' && set(NO_OFFERS)))
  store = {
    subscribe(changed) {
      listeners.add(changed)
      return () => void listeners.delete(changed)
    },
    get: () => list,
  }
  lists.set(wm, store)
  return store
}
