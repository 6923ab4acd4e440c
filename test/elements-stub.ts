/** A small stand-in for a Waymark instance, for the elements' tests: a real emitter, spies for the rest. */
import { afterEach, vi } from 'vitest'
import { defineElements } from '../src/elements/index'
import { page } from '../src/elements/shared'
import { createEmitter } from '../src/emitter'
import { fill, greetingFor } from '../src/texts'
import type { Offer, OfferSpec, Order, Waymark, WaymarkEventMap } from '../src/types'

export interface StubOptions {
  locale?: string
  /** Playbook texts the instance's text() knows (already for its locale). */
  texts?: Record<string, string>
  returning?: boolean
  traits?: Record<string, unknown>
  order?: (id: string) => Promise<Order>
}

export type Stub = Waymark & {
  emit<K extends keyof WaymarkEventMap>(type: K, payload: WaymarkEventMap[K]): boolean
  state: { returning: boolean; traits: Record<string, unknown> }
  order: ReturnType<typeof vi.fn<(id: string) => Promise<Order>>>
  watchOrder: ReturnType<typeof vi.fn<(id: string) => () => void>>
  /** The stop function returned by each watchOrder call, in order. */
  stops: Array<ReturnType<typeof vi.fn>>
}

/** Creates a stub instance. */
export function stubWaymark(o: StubOptions = {}): Stub {
  const events = createEmitter<WaymarkEventMap>()
  const state = { returning: o.returning ?? false, traits: o.traits ?? {} }
  const texts = o.texts ?? {}
  const stops: Stub['stops'] = []
  const locale = o.locale ?? 'en'
  return {
    ready: Promise.resolve(),
    locale,
    state,
    stops,
    on: events.on,
    emit: events.emit,
    greeting: () => greetingFor(state.returning, state.traits, locale, undefined, Date.now()),
    text: (key: string, params: Record<string, string | number> = {}) =>
      texts[key] === undefined ? undefined : fill(texts[key], (p) => params[p]),
    order: vi.fn(o.order ?? (() => new Promise<Order>(() => {}))),
    watchOrder: vi.fn(() => {
      const stop = vi.fn()
      stops.push(stop)
      return stop
    }),
  } as unknown as Stub
}

/** An offer as on('offer') delivers it, with spies for click and dismiss. */
export function offer(spec: Partial<OfferSpec> & Pick<OfferSpec, 'kind'>): Offer & { click: ReturnType<typeof vi.fn>; dismiss: ReturnType<typeof vi.fn> } {
  return { id: `o-${Math.random()}`, rule: 'r', trigger: 't', at: Date.now(), click: vi.fn(), dismiss: vi.fn(), ...spec } as never
}

/** A stub instance with the elements bound to it. */
export function setup(o: StubOptions = {}): Stub {
  const wm = stubWaymark(o)
  defineElements(wm)
  return wm
}

/** Adds an element to the page. */
export function mount<T extends HTMLElement = HTMLElement>(tag: string, attrs: Record<string, string> = {}): T {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v)
  document.body.append(el)
  return el as T
}

/** The shadow root of an element. */
export const shadow = (el: Element): ShadowRoot => el.shadowRoot!

/** The overlay host's shadow root. */
export const overlay = (): ShadowRoot => shadow(document.querySelector('waymark-overlay')!)

/** Lets promise chains settle. */
export const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 0))

afterEach(() => {
  document.body.replaceChildren()
  page().inline.clear()
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})
