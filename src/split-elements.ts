/**
 * The split script tag's elements: a part loaded after `ready`, so the first decision never
 * waits for their code, in a task of its own, so the page's `ready` callbacks do not wait for
 * it either (adding the part's script element is several ms of a 4× slowed start), and only
 * once the page has a use for it: one of the elements in the document, a playbook with an
 * offer to draw, a drawn offer decided, or the debug panel asked for. A page that renders its
 * offers itself (all `headless`) and places no element never loads it: some 10 ms of a 4×
 * slowed start and 6 kB. Offers decided before the part arrives are kept and handed to the
 * offers' renderer as it starts listening, so none is lost.
 */
import type { defineElements } from './elements/index'
import { DEBUG } from './preview'
import { drawsOf } from './script-parts'
import type { ElementsSource } from './snippet'
import type { Offer, Waymark } from './types'

/** The elements the part defines: one of them in the page is a use for it. */
const TAGS = 'waymark-greeting,waymark-order-status,waymark-slot,waymark-overlay,waymark-debug'

// Whether an added node is one of the elements or holds one (a subtree added at once, as
// frameworks and the parser add them, comes as one node).
const holds = (n: Node): boolean => n.nodeType == 1 && ((n as Element).matches(TAGS) || !!(n as Element).querySelector(TAGS))

// Whether the instance has a use for the part now: its playbook draws offers, or its page
// asked for the debug panel (an instance made with `preview: true` on a `?waymark-debug` page).
const wants = (wm: Waymark): boolean => drawsOf(wm) || !!(wm as { [DEBUG]?: unknown })[DEBUG]

/** The elements of the split script tag, loaded by `load`. */
export function laterElements(load: () => Promise<{ defineElements: typeof defineElements }>): ElementsSource {
  return {
    defineElements: (...args) => void load().then((m) => m.defineElements(...args)).catch((e) => console.error(e)),
    bind(wm, options) {
      const early: Offer[] = []
      let watch: (() => void) | undefined // stops watching for a use, while the part waits for one
      let asked = false
      const ask = (): void => {
        if (asked) return
        asked = true
        watch?.()
        load().then(({ defineElements }) => {
          off()
          const on: Waymark['on'] = (type, fn) => {
            if (type == 'offer') for (const offer of early.splice(0)) (fn as (o: Offer) => void)(offer)
            return wm.on(type, fn)
          }
          defineElements({ ...wm, on }, options)
        }).catch((e) => {
          off() // no renderer is coming: offers are not kept for it
          early.length = 0
          console.error(e) // never break the page over its looks
        })
      }
      // Headless offers are the page's to render: the part would do nothing with them.
      const off = wm.on('offer', (offer) => void (offer.kind != 'headless' && (early.push(offer), watch && ask())))
      void wm.ready.then(() => new Promise((later) => setTimeout(later))).then(() => {
        if (early.length || wants(wm) || document.querySelector(TAGS)) return ask()
        const seen = new MutationObserver((records) => records.some((r) => Array.prototype.some.call(r.addedNodes, holds)) && ask())
        seen.observe(document, { childList: true, subtree: true })
        const offPlaybook = wm.on('playbook', () => void (wants(wm) && ask()))
        watch = () => (seen.disconnect(), offPlaybook())
      })
    },
  }
}
