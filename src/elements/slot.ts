/**
 * `<waymark-slot name="…">`: shows the latest inline offer whose `placement` is its name,
 * also one that fired before the slot was on the page.
 */
import type { Base } from './base'
import { offerView } from './offer-view'
import { page } from './shared'

/** Shows the current inline offer of a placement in every slot of that name. */
export function refreshSlots(name: string): void {
  for (const el of page().elements) if (el.localName === 'waymark-slot' && el.getAttribute('name') === name) el.rebind()
}

/** Defines the slot element's class on the given base. */
export function slotElement(Base: Base) {
  return class WaymarkSlot extends Base {
    static observedAttributes = ['name']
    /** The offer shown; internal. */
    view?: HTMLElement | null

    bind(): void {
      const name = this.getAttribute('name')
      const entry = name === null ? undefined : page().inline.get(name)
      if (this.view) this.view.remove()
      this.view = null
      if (!entry || name === null) return
      const inline = page().inline
      // Clicked or closed: the offer is done, in every slot of this name (a live offer that
      // waited behind a preview shows now).
      const done = () => {
        if (inline.get(name) !== entry) return
        if (entry.next) inline.set(name, entry.next)
        else inline.delete(name)
        refreshSlots(name)
      }
      this.view = this.root.appendChild(offerView(entry.offer, entry.wm, 'inline', done))
    }
  }
}
