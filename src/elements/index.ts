/**
 * `waymark/elements`: the custom elements (`<waymark-greeting>`, `<waymark-order-status>`,
 * `<waymark-slot>`, and `<waymark-debug>` for `?waymark-debug`) and the renderer of overlay offers. Importing it has no effect and
 * touches no browser global, so it is safe under Node; `defineElements` does the work.
 */
import type { Waymark } from '../types'
import { createBase, type Base } from './base'
import { debugElement, openDebug } from './debug'
import { greetingElement } from './greeting'
import { startOffers } from './offers'
import { orderStatusElement } from './order-status'
import { overlayElement } from './overlay'
import { page } from './shared'
import { slotElement } from './slot'

/** Options of {@link defineElements}. */
export interface DefineElementsOptions {
  /**
   * URL of the served `waymark.css` (from `dist/`), linked into each shadow root where the
   * browser lacks constructable stylesheets. Without it such browsers show the elements unstyled.
   */
  stylesheet?: string
}

const ELEMENTS: Array<[string, (base: Base) => CustomElementConstructor]> = [
  ['waymark-greeting', greetingElement],
  ['waymark-order-status', orderStatusElement],
  ['waymark-slot', slotElement],
  ['waymark-overlay', overlayElement],
  ['waymark-debug', debugElement],
]

/**
 * Registers the elements (once per page) and binds them to `wm`; starts rendering its
 * banner, toast, modal and inline offers. Calling it again with another instance moves the
 * existing and future elements, and the offers, to that instance. Does nothing without a DOM.
 *
 * @example
 * import { createWaymark } from 'waymark'
 * import { defineElements } from 'waymark/elements'
 * const wm = createWaymark({ playbook: '/playbook.json', orders: '/api/orders/{id}' })
 * defineElements(wm, { stylesheet: '/waymark.css' }) // the link is only used where constructable stylesheets are missing
 * // <waymark-greeting></waymark-greeting> <waymark-order-status order-id="A-1001"></waymark-order-status>
 */
export function defineElements(wm: Waymark, options: DefineElementsOptions = {}): void {
  if (typeof customElements === 'undefined' || typeof HTMLElement === 'undefined') return
  const state = page()
  if (options.stylesheet) state.stylesheet = options.stylesheet
  const previous = state.wm
  // Elements bound to the previous instance; those upgraded below bind to `wm` straight away.
  const bound = [...state.elements]
  state.wm = wm
  let base: Base | undefined
  for (const [name, element] of ELEMENTS)
    if (!customElements.get(name)) customElements.define(name, element((base ||= createBase())))
  if (previous === wm) return
  if (state.stopOffers) state.stopOffers()
  const stop = startOffers(wm)
  const close = openDebug(wm) // a page opened with ?waymark-debug, on a site with `preview: true`
  state.stopOffers = () => (stop(), close())
  for (const el of bound) el.rebind()
}
