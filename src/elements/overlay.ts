/**
 * `<waymark-overlay>`: the one host of overlay offers (banner, toast, modal): the page's own
 * when it placed one (`in-flow`: a top banner there pushes the page down instead of covering
 * it), else one appended to `document.body`. One overlay at a time: a new one dismisses the
 * one on screen first, except a preview link's, which a live offer waits behind until it closes.
 */
import type { Offer, Waymark } from '../types'
import type { Base } from './base'
import { h, named } from './dom'
import { trapFocus } from './modal'
import { offerView } from './offer-view'
import type { Shown } from './shared'

/** Defines the overlay host's class on the given base. */
export function overlayElement(Base: Base) {
  return class WaymarkOverlay extends Base {
    /** The offer on screen, its instance and what removes it; internal. */
    current?: (Shown & { remove(): void }) | null

    bind(): void {}

    /** Shows an overlay offer, replacing (and dismissing) the one on screen. */
    show(offer: Offer, wm: Waymark): void {
      const old = this.current
      if (old && old.offer.preview && !offer.preview) return void (old.next = { offer, wm })
      if (old) {
        old.offer.dismiss()
        this.clear()
      }
      const kind = offer.kind
      let node: HTMLElement
      let release = () => {}
      const entry: Shown & { remove(): void } = {
        offer,
        wm,
        remove: () => {
          node.remove()
          release()
        },
      }
      const done = () => {
        if (this.current !== entry) return
        this.clear()
        if (entry.next) this.show(entry.next.offer, entry.next.wm)
      }
      const view = offerView(offer, wm, kind, done)
      node = view
      // A banner is a labelled region, a toast a polite status, a modal a dialog.
      view.setAttribute('role', kind === 'banner' ? 'region' : kind === 'toast' ? 'status' : 'dialog')
      // The title when there is one (it comes first), else the body.
      const label = view.querySelector('#title,#body')
      if (label) view.setAttribute('aria-labelledby', label.id)
      if (kind === 'banner') view.classList.add(offer.placement === 'bottom' ? 'bottom' : 'top')
      if (kind === 'modal') {
        view.setAttribute('aria-modal', 'true')
        node = h('div', named('backdrop'), view)
        const dismiss = () => {
          offer.dismiss()
          done()
        }
        node.addEventListener('click', (e) => e.target === node && dismiss())
        this.root.append(node)
        release = trapFocus(this, view, dismiss)
      } else this.root.append(node)
      this.current = entry
    }

    /** Removes the overlay on screen (without recording anything). */
    clear(): void {
      const c = this.current
      this.current = null
      if (c) c.remove()
    }

    override disconnectedCallback(): void {
      super.disconnectedCallback()
      this.clear() // the page removed the host: drop the focus trap with it
    }
  }
}
