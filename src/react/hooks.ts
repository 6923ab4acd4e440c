/**
 * `useGreeting`, `useJourney` and `useOffers`: the instance's greeting, journey and offers as
 * React state, through `useSyncExternalStore`. Each re-renders its component only when its own
 * value changed; on the server and without an instance each gives its empty value.
 */
import { useMemo, useSyncExternalStore } from 'react'
import type { Greeting, Journey, Offer } from '../types'
import { NO_OFFERS, offersOf } from './offers'
import { useWaymark } from './provider'
import { watchStore } from './store'

/** The journey before any stage, and during server rendering. */
const NO_JOURNEY: Journey = { stage: null, stages: [], counts: {}, cycle: 0 }
const noGreeting = (): null => null
const noJourney = (): Journey => NO_JOURNEY
const noOffers = (): readonly Offer[] => NO_OFFERS
const never = (): (() => void) => () => {}

const sameGreeting = (a: Greeting | null, b: Greeting | null): boolean => (a ? a.text : null) === (b ? b.text : null)
const sameJourney = (a: Journey, b: Journey): boolean => {
  const last = (j: Journey) => j.stages[j.stages.length - 1]
  return a.stage === b.stage && a.cycle === b.cycle && a.stages.length === b.stages.length && last(a)?.at === last(b)?.at
}

/**
 * The greeting for a returning visitor (`{ text, name, returning, partOfDay }`), or null on a
 * first visit, without an instance and during server rendering. Re-renders only when the
 * greeting's text changes: it is read again on `on('profile')` (identify, logout, identity
 * restore, another tab), `on('playbook')` (new texts), every event (a new visit makes the
 * visitor a returning one) and `ready`, and an unchanged text re-renders nothing.
 *
 * @example
 * function Hello() {
 *   const greeting = useGreeting()
 *   return greeting ? createElement('p', null, greeting.text) : null // «С возвращением, Анна!»
 * }
 */
export function useGreeting(): Greeting | null {
  const wm = useWaymark()
  const store = useMemo(() => watchStore(wm, null, (w) => w.greeting(), sameGreeting, ['event', 'profile', 'playbook']), [wm])
  return useSyncExternalStore(store.subscribe, store.get, noGreeting)
}

/**
 * The visitor's journey: `stage` (null before the first stage), the `stages` reached with
 * their times, event `counts` and the loop `cycle`. Re-renders when the stage, the stages
 * reached or the cycle change (`on('stage')`, a logout, another tab's state, `ready`); the
 * `counts` are those of that moment, so read `useWaymark()?.journey().counts` where a count
 * must be live. The empty journey without an instance and during server rendering.
 *
 * @example
 * const { stage } = useJourney() // 'evaluate'
 */
export function useJourney(): Journey {
  const wm = useWaymark()
  const store = useMemo(() => watchStore(wm, NO_JOURNEY, (w) => w.journey(), sameJourney, ['stage', 'profile', 'event']), [wm])
  return useSyncExternalStore(store.subscribe, store.get, noJourney)
}

/**
 * The offers shown now, oldest first, as `on('offer')` announced them (headless ones too;
 * render them with text, never markup). One leaves the list when it is clicked or dismissed
 * (`offer.click()`, `offer.dismiss()`, or an element's button), and all leave on a logout
 * (`reset()` here or in another tab). Every component sees the same list. Empty without an
 * instance and during server rendering.
 *
 * @example
 * const offers = useOffers().filter((o) => o.kind === 'headless')
 * return offers.map((o) => createElement('button', { key: o.id, onClick: () => o.click() }, o.title))
 */
export function useOffers(): readonly Offer[] {
  const wm = useWaymark()
  const store = useMemo(() => (wm ? offersOf(wm) : null), [wm])
  return useSyncExternalStore(store ? store.subscribe : never, store ? store.get : noOffers, noOffers)
}
