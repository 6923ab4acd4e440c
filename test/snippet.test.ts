import './helpers'
import { describe, expect, it, vi } from 'vitest'
import { compileCondition } from '../src/rules/compile-condition'
import { defineElements } from '../src/elements/index'
import { optionsFromDataset, startFromScriptTag } from '../src/snippet'
import type { Waymark } from '../src/types'
import { createWaymark } from '../src/waymark'

type Live = Waymark & ((method: string, ...args: unknown[]) => unknown) & { createWaymark: unknown; compileCondition: unknown }

/** A window with the snippet's stub and the calls it queued. */
function pageWithStub(...calls: unknown[][]) {
  const w = { waymark: undefined as unknown } as Window & { waymark?: never }
  const stub = function (...args: unknown[]) {
    ;(stub.q = stub.q || []).push(args)
  } as ((...a: unknown[]) => void) & { q?: unknown[][] }
  for (const c of calls) stub(...c)
  w.waymark = stub as never
  return w
}

function script(attrs: Record<string, string>): HTMLScriptElement {
  const s = document.createElement('script')
  for (const [k, v] of Object.entries(attrs)) s.setAttribute(k, v)
  return s
}

const started: Live[] = []
const start = (w: Window, attrs: Record<string, string> = {}) => {
  const live = startFromScriptTag(w as never, script({ 'data-auto-page': 'false', ...attrs }), { defineElements }) as unknown as Live
  if (live) started.push(live)
  return live
}

describe('script tag', () => {
  it('maps data-* attributes to options of the same name and type', () => {
    const s = script({
      'data-playbook': '/playbook.json', 'data-refresh-seconds': '60', 'data-auto-page': 'false',
      'data-debug': '', 'data-store-traits': 'firstName, locale', 'data-locale': 'ru', 'data-unrelated': 'x',
    })
    expect(optionsFromDataset(s.dataset)).toEqual({
      playbook: '/playbook.json', refreshSeconds: 60, autoPage: false, debug: true,
      storeTraits: ['firstName', 'locale'], locale: 'ru',
    })
  })

  it('reads data-session-minutes as a number and data-order-statuses as theirs:ours pairs (issue 16)', () => {
    const s = script({ 'data-session-minutes': '0.5', 'data-order-statuses': 'in_transit:shipped, ready : packed,' })
    expect(optionsFromDataset(s.dataset)).toEqual({ sessionMinutes: 0.5, orderStatuses: { in_transit: 'shipped', ready: 'packed' } })
  })

  it('replays the queued calls in order, then replaces the stub with the live instance', async () => {
    const w = pageWithStub(['identify', 'u-42', { firstName: 'Анна' }], ['track', 'product_viewed'], ['track', 'cart_viewed'])
    const live = start(w, { 'data-namespace': 'tag1' })
    expect(w.waymark).toBe(live)
    await live.ready
    expect(live.profile()).toMatchObject({ userId: 'u-42', traits: { firstName: 'Анна' } })
    expect(live.journey().stages.map((s) => s.id)).toEqual(['evaluate', 'buy'])
    live.destroy()
  })

  it('answers both call styles and carries the tooling functions', async () => {
    const live = start(pageWithStub(), { 'data-namespace': 'tag2' })
    await live.ready
    live('track', 'product_viewed')
    live.track('cart_viewed')
    expect(live.journey().counts).toMatchObject({ product_viewed: 1, cart_viewed: 1 })
    expect(live('profile')).toMatchObject({ visits: 1 })
    expect(live.createWaymark).toBe(createWaymark)
    expect(live.compileCondition).toBe(compileCondition)
    live.destroy()
  })

  it('warns about an unknown method instead of throwing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    const live = start(pageWithStub(['trak', 'x']), { 'data-namespace': 'tag3' })
    expect(warn).toHaveBeenCalledWith('waymark: unknown method "trak"')
    live.destroy()
  })

  it('keeps the first instance when the script is included twice', () => {
    const w = pageWithStub()
    const first = start(w, { 'data-namespace': 'tag4' })
    expect(start(w)).toBe(first)
    first.destroy()
  })

  it('reports a wrong data-* attribute on the console and leaves the page alone', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const w = pageWithStub(['track', 'x'])
    const stub = w.waymark
    expect(() => start(w, { 'data-consent': 'maybe' })).not.toThrow()
    expect(String(error.mock.calls[0][0])).toContain('option "consent"')
    expect(w.waymark).toBe(stub)
  })

  it('works without a stub on the page', async () => {
    const live = start({} as Window, { 'data-namespace': 'tag5' })
    await live.ready
    expect(live.profile().visits).toBe(1)
    live.destroy()
  })
})
