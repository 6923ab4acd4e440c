// @vitest-environment node
// waymark/react under plain Node (issue 16, item 7): importing it and rendering a page with
// react-dom/server's renderToString touch no browser global and print nothing.
import { createElement as h } from 'react'
import { renderToString } from 'react-dom/server'
import { afterEach, describe, expect, it, vi } from 'vitest'

const GLOBALS = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'indexedDB', 'BroadcastChannel', 'location', 'history', 'HTMLElement', 'customElements']

/** Makes every browser global a getter that records its reading; returns what was read. */
function watchGlobals(): string[] {
  const touched: string[] = []
  for (const name of GLOBALS) {
    const own = Object.getOwnPropertyDescriptor(globalThis, name)
    if (own && !own.configurable) continue
    Object.defineProperty(globalThis, name, { configurable: true, get: () => void touched.push(name) })
  }
  return touched
}

const saved = new Map(GLOBALS.map((name) => [name, Object.getOwnPropertyDescriptor(globalThis, name)]))
afterEach(() => {
  for (const [name, descriptor] of saved) {
    if (descriptor) Object.defineProperty(globalThis, name, descriptor)
    else delete (globalThis as Record<string, unknown>)[name]
  }
  vi.restoreAllMocks()
})

describe('waymark/react on the server', () => {
  it('imports without touching a browser global and exports the provider and hooks only', async () => {
    const touched = watchGlobals()
    const mod = await import('../src/react/index')
    expect(Object.keys(mod).sort()).toEqual(['WaymarkProvider', 'useGreeting', 'useJourney', 'useOffers', 'useWaymark'])
    expect(touched).toEqual([])
  })

  it('renders with renderToString: no instance made, empty hook values, no browser global, no console output', async () => {
    const { WaymarkProvider, useGreeting, useJourney, useOffers, useWaymark } = await import('../src/react/index')
    const consoles = (['log', 'info', 'debug', 'warn', 'error'] as const).map((level) => vi.spyOn(console, level))
    const touched = watchGlobals()
    const Page = () => {
      const wm = useWaymark()
      const greeting = useGreeting()
      const { stage } = useJourney()
      const offers = useOffers()
      return h(
        'main',
        null,
        h('p', { id: 'greeting' }, greeting ? greeting.text : 'Hello!'),
        h('p', { id: 'stage' }, stage || 'no stage'),
        h('p', { id: 'offers' }, `${offers.length} offers`),
        h('p', { id: 'instance' }, wm ? 'instance' : 'no instance'),
        h('waymark-greeting', { 'first-visit-text': 'Welcome!' }),
        h('waymark-order-status', { 'order-id': 'A-1001' }),
        h('waymark-slot', { name: 'cart' }),
      )
    }
    const withOptions = renderToString(h(WaymarkProvider, { options: { playbook: '/playbook.json' } }, h(Page)))
    const withNone = renderToString(h(WaymarkProvider, { waymark: null }, h(Page)))
    const outside = renderToString(h(Page))
    expect(withOptions).toBe(withNone)
    expect(outside).toBe(withNone)
    expect(withOptions).toBe(
      '<main><p id="greeting">Hello!</p><p id="stage">no stage</p><p id="offers">0 offers</p><p id="instance">no instance</p>' +
        '<waymark-greeting first-visit-text="Welcome!"></waymark-greeting><waymark-order-status order-id="A-1001"></waymark-order-status>' +
        '<waymark-slot name="cart"></waymark-slot></main>',
    )
    expect(touched).toEqual([])
    for (const spy of consoles) expect(spy).not.toHaveBeenCalled()
  })
})
