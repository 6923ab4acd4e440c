/**
 * The split script tag's elements: a part loaded after `ready`, so the first decision never
 * waits for their code, and in a task of its own, so the page's `ready` callbacks do not wait
 * for it either (adding the part's script element is several ms of a 4× slowed start). Offers
 * decided before they arrive are kept and handed to the offers' renderer as it starts
 * listening, so none is lost.
 */
import type { defineElements } from './elements/index'
import type { ElementsSource } from './snippet'
import type { Offer, Waymark } from './types'

/** The elements of the split script tag, loaded by `load`. */
export function laterElements(load: () => Promise<{ defineElements: typeof defineElements }>): ElementsSource {
  return {
    defineElements: (...args) => void load().then((m) => m.defineElements(...args)).catch((e) => console.error(e)),
    bind(wm, options) {
      const early: Offer[] = []
      const off = wm.on('offer', (offer) => void early.push(offer))
      void wm.ready.then(() => new Promise((later) => setTimeout(later))).then(load).then(({ defineElements }) => {
        off()
        const on: Waymark['on'] = (type, fn) => {
          if (type == 'offer') for (const offer of early.splice(0)) (fn as (o: Offer) => void)(offer)
          return wm.on(type, fn)
        }
        defineElements({ ...wm, on }, options)
      }).catch((e) => {
        off() // no renderer is coming: offers are not kept for it
        console.error(e) // never break the page over its looks
      })
    },
  }
}
