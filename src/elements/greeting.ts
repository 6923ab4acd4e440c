/**
 * `<waymark-greeting>`: the returning visitor's greeting ("Welcome back, Анна!"), by part of
 * day when the playbook's texts say so. Nothing on a first visit, unless `first-visit-text`.
 */
import type { Waymark } from '../types'
import type { Base } from './base'
import { h, named } from './dom'

/** Defines the greeting element's class on the given base. */
export function greetingElement(Base: Base) {
  return class WaymarkGreeting extends Base {
    static observedAttributes = ['first-visit-text']
    /** The greeting line; `part="greeting"`. */
    readonly line = this.root.appendChild(h('span', named('greeting')))

    bind(wm: Waymark): () => void {
      let bound = true
      const render = () => {
        if (!bound) return
        const greeting = wm.greeting()
        const text = greeting ? greeting.text : this.getAttribute('first-visit-text') || ''
        this.line.textContent = text
        this.line.hidden = !text
      }
      render()
      // The visitor's stored state (visits, name) arrives with `ready`.
      void Promise.resolve(wm.ready).then(render, () => {})
      const offs = [
        // A new visit may make the visitor a returning one; who they are changes with
        // identify, reset and another tab's changes (the profile event).
        wm.on('event', (e) => void (e.type === 'session' && render())),
        wm.on('profile', render),
        wm.on('playbook', render),
      ]
      return () => {
        bound = false
        offs.forEach((off) => off())
      }
    }
  }
}
