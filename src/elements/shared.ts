/**
 * The elements' page-wide state. It lives on `globalThis` under a registry symbol rather than
 * in this module because a page can hold two copies of this code (the script tag's bundle and
 * an npm import): custom elements are registered once per page, so every copy has to see the
 * instance they are bound to and the offers waiting for a slot.
 */
import type { Offer, Waymark } from '../types'

/** A connected Waymark element: it renders again for the bound instance when asked. */
export interface BoundElement extends HTMLElement {
  rebind(): void
}

/** An offer on screen and the instance that made it; `next`: a live offer waiting behind a preview. */
export interface Shown {
  offer: Offer
  wm: Waymark
  next?: Shown
}

/** The overlay host's interface, whichever copy of the code defined it. */
export interface OverlayHost extends HTMLElement {
  show(offer: Offer, wm: Waymark): void
  /** Removes the overlay on screen, recording nothing. */
  clear(): void
  /** The offer on screen, and the instance that made it. */
  current?: { offer: Offer; wm: Waymark } | null
}

/** What every copy of the elements on the page shares. */
export interface PageState {
  /** The instance the elements show (the last `defineElements` call wins). */
  wm: Waymark | null
  /** Where the stylesheet is served, for browsers without constructable stylesheets. */
  stylesheet?: string
  /** Connected elements, so a new instance can rebind them. */
  elements: Set<BoundElement>
  /** The latest inline offer per placement, until it is clicked or dismissed. */
  inline: Map<string, Shown>
  /** Stops rendering the previous instance's offers. */
  stopOffers?: () => void
  overlay?: OverlayHost
}

const KEY = Symbol.for('waymark.elements')

/** The page's shared state, created on first use (never at import). */
export function page(): PageState {
  const g = globalThis as { [KEY]?: PageState }
  return (g[KEY] ||= { wm: null, elements: new Set(), inline: new Map() })
}
