/**
 * The base of the Waymark elements, created inside `defineElements` (never at import, so the
 * module loads under Node where `HTMLElement` does not exist).
 */
import type { Waymark } from '../types'
import { page } from './shared'
import { adoptStyles } from './styles'

/** Creates the base class: an open, styled shadow root, bound to the page's instance while connected. */
export function createBase() {
  abstract class WaymarkElement extends HTMLElement {
    /** The open shadow root, styled by the shared sheet. */
    readonly root: ShadowRoot
    // Fields without initializers cost no constructor code (the target defines no class fields).
    /** Undoes the current binding (listeners, watches); internal. */
    unbind?: (() => void) | void
    /** Between connectedCallback and disconnectedCallback; internal. */
    attached?: boolean

    constructor() {
      super()
      this.root = this.attachShadow({ mode: 'open' })
      adoptStyles(this.root)
    }

    connectedCallback(): void {
      this.attached = true
      page().elements.add(this)
      this.rebind()
    }

    disconnectedCallback(): void {
      this.attached = false
      page().elements.delete(this)
      this.release()
    }

    // An upgrade reports the initial attributes before connectedCallback: that one renders.
    attributeChangedCallback(_name: string, old: string | null, value: string | null): void {
      if (old !== value && this.attached) this.rebind()
    }

    /** Renders again for the page's instance: after connecting, an attribute change or a new instance. */
    rebind(): void {
      this.release()
      const wm = page().wm
      if (wm) this.unbind = this.bind(wm)
    }

    /** Stops listening to the instance. */
    release(): void {
      const unbind = this.unbind
      this.unbind = undefined
      if (unbind) unbind()
    }

    /** Renders for `wm` and subscribes; returns what undoes the subscriptions. */
    abstract bind(wm: Waymark): (() => void) | void
  }
  return WaymarkElement
}

/** The base class type that element factories extend. */
export type Base = ReturnType<typeof createBase>
