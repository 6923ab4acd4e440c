/**
 * The split script tag's elements, loaded after `ready` once the page has a use for them (an
 * element, a playbook that draws offers, a drawn offer, the debug panel): offers decided
 * before they arrive are kept and handed to the elements' offer listener once; later offers
 * go straight to it; a part that does not load is logged and never breaks the page.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { defineElements } from '../src/elements/index'
import { createEmitter } from '../src/emitter'
import { DEBUG } from '../src/preview'
import { withDraws } from '../src/script-parts'
import { laterElements } from '../src/split-elements'
import type { Offers } from '../src/offers'
import type { Offer, Rule, Waymark, WaymarkEventMap } from '../src/types'

type Define = typeof defineElements

/**
 * A stand-in instance: an emitter and a `ready` the test resolves. Its playbook draws offers
 * (a use for the elements) unless `draws` is false.
 */
function fakeWaymark(draws = true) {
  const events = createEmitter<WaymarkEventMap>()
  let ready!: () => void
  // Offers whose playbook is noted as the split tag notes it (script-parts.ts).
  const offers = { use: (_rules: Rule[]) => {} } as unknown as Offers
  const use = (drawing: boolean) => offers.use([{ id: 'r', on: ['x'], offer: { kind: drawing ? 'toast' : 'headless' } } as Rule], undefined)
  const wm = withDraws(offers, { ready: new Promise<void>((r) => (ready = r)), on: events.on, locale: 'en' } as unknown as Waymark)
  use(draws)
  return {
    wm, ready: () => ready(), offer: (o: Offer) => events.emit('offer', o),
    playbook: (drawing: boolean) => (use(drawing), events.emit('playbook', { version: 'v2', from: 'network' })),
  }
}

/** A loader of the elements part the test settles; its defineElements listens to offers. */
function elementsPart() {
  const rendered: Offer[] = []
  const define = vi.fn<Define>((wm) => void wm.on('offer', (o) => rendered.push(o)))
  let resolve!: (m: { defineElements: Define }) => void
  let reject!: (e: Error) => void
  const loaded = new Promise<{ defineElements: Define }>((res, rej) => ((resolve = res), (reject = rej)))
  const load = vi.fn(() => loaded)
  return { load, define, rendered, arrive: () => resolve({ defineElements: define }), fail: (e: Error) => reject(e) }
}

const offer = (id: string) => ({ id, rule: id }) as unknown as Offer
// Microtasks, then a task: the part loads in a task of its own after ready.
const ticks = async (n = 10): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve()
  await new Promise((r) => setTimeout(r))
  for (let i = 0; i < n; i++) await Promise.resolve()
}

afterEach(() => {
  vi.restoreAllMocks()
  document.body.replaceChildren()
})

describe('laterElements', () => {
  it('loads the elements only after ready', async () => {
    const part = elementsPart()
    const { wm, ready } = fakeWaymark()
    laterElements(part.load).bind!(wm, {})
    await ticks()
    expect(part.load).not.toHaveBeenCalled()
    ready()
    await ticks()
    expect(part.load).toHaveBeenCalledTimes(1)
  })

  it("lets the page's ready callbacks run before the part's script is added", async () => {
    const part = elementsPart()
    const { wm, ready } = fakeWaymark()
    laterElements(part.load).bind!(wm, {})
    const seen: boolean[] = []
    void wm.ready.then(() => seen.push(part.load.mock.calls.length > 0))
    ready()
    for (let i = 0; i < 10; i++) await Promise.resolve()
    expect(seen).toEqual([false])
    expect(part.load).not.toHaveBeenCalled()
    await ticks()
    expect(part.load).toHaveBeenCalledTimes(1)
  })

  it('renders an offer decided before the elements arrived, exactly once', async () => {
    const part = elementsPart()
    const { wm, ready, offer: emit } = fakeWaymark()
    laterElements(part.load).bind!(wm, { stylesheet: 'https://cdn.example.test/waymark.css' })
    emit(offer('before-ready'))
    ready()
    await ticks()
    emit(offer('while-loading'))
    expect(part.rendered).toEqual([])
    part.arrive()
    await ticks()
    expect(part.define).toHaveBeenCalledTimes(1)
    expect(part.define.mock.calls[0][1]).toEqual({ stylesheet: 'https://cdn.example.test/waymark.css' })
    expect(part.rendered).toEqual([offer('before-ready'), offer('while-loading')])
    emit(offer('after'))
    expect(part.rendered).toEqual([offer('before-ready'), offer('while-loading'), offer('after')])
  })

  it('replays the kept offers to the first offer listener only', async () => {
    const part = elementsPart()
    const second: Offer[] = []
    part.define.mockImplementation((wm) => {
      wm.on('offer', (o) => part.rendered.push(o))
      wm.on('offer', (o) => second.push(o))
    })
    const { wm, ready, offer: emit } = fakeWaymark()
    laterElements(part.load).bind!(wm, {})
    emit(offer('early'))
    ready()
    part.arrive()
    await ticks()
    expect(part.rendered).toEqual([offer('early')])
    expect(second).toEqual([])
    emit(offer('late'))
    expect(part.rendered).toEqual([offer('early'), offer('late')])
    expect(second).toEqual([offer('late')])
  })

  it('hands an offer decided after the elements arrived straight to them', async () => {
    const part = elementsPart()
    const { wm, ready, offer: emit } = fakeWaymark()
    laterElements(part.load).bind!(wm, {})
    ready()
    part.arrive()
    await ticks()
    expect(part.rendered).toEqual([])
    emit(offer('now'))
    expect(part.rendered).toEqual([offer('now')])
  })

  it('gives the elements the instance as it is, but for on', async () => {
    const part = elementsPart()
    const { wm, ready } = fakeWaymark()
    laterElements(part.load).bind!(wm, {})
    ready()
    part.arrive()
    await ticks()
    const given = part.define.mock.calls[0][0]
    expect(given.ready).toBe(wm.ready)
    expect(given.locale).toBe('en')
    expect(typeof given.on).toBe('function')
  })

  it('logs a load failure with console.error, does not throw, and keeps no more offers', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {})
    const part = elementsPart()
    const { wm, ready, offer: emit } = fakeWaymark()
    let listening = 0 // offer listeners subscribed and not yet unsubscribed
    const realOn = wm.on
    wm.on = ((type: 'offer', fn: (o: Offer) => void) => {
      listening++
      const off = realOn(type, fn)
      return () => void (listening--, off())
    }) as Waymark['on']
    expect(() => laterElements(part.load).bind!(wm, {})).not.toThrow()
    ready()
    await ticks()
    const why = new Error('part "elements" unavailable: blocked')
    part.fail(why)
    await ticks()
    expect(error).toHaveBeenCalledExactlyOnceWith(why)
    expect(part.define).not.toHaveBeenCalled()
    expect(() => emit(offer('x'))).not.toThrow()
    // Its early listener is gone: nothing is kept for a renderer that is not coming.
    expect(listening).toBe(0)
  })

  it('defineElements loads the part, then defines with the same arguments', async () => {
    const part = elementsPart()
    const { wm } = fakeWaymark()
    laterElements(part.load).defineElements(wm, { stylesheet: 's.css' })
    expect(part.load).toHaveBeenCalledTimes(1)
    expect(part.define).not.toHaveBeenCalled()
    part.arrive()
    await ticks()
    expect(part.define).toHaveBeenCalledExactlyOnceWith(wm, { stylesheet: 's.css' })
  })

  describe('on a page with no use for them', () => {
    const headless = (id: string) => ({ id, rule: id, kind: 'headless' }) as unknown as Offer
    const banner = (id: string) => ({ id, rule: id, kind: 'banner' }) as unknown as Offer

    it('never loads them for a headless playbook and no element, and keeps no headless offer', async () => {
      const part = elementsPart()
      const { wm, ready, offer: emit } = fakeWaymark(false)
      laterElements(part.load).bind!(wm, {})
      emit(headless('before'))
      ready()
      await ticks()
      emit(headless('after'))
      document.body.append(document.createElement('div'))
      await ticks()
      expect(part.load).not.toHaveBeenCalled()
      // A use that comes later loads them: the headless offers are not handed over.
      document.body.append(document.createElement('waymark-greeting'))
      await ticks()
      part.arrive()
      await ticks()
      expect(part.load).toHaveBeenCalledTimes(1)
      expect(part.rendered).toEqual([])
    })

    it('loads them at once when the page already has one of the elements', async () => {
      document.body.append(document.createElement('section'))
      document.body.firstElementChild!.append(document.createElement('waymark-order-status'))
      const part = elementsPart()
      const { wm, ready } = fakeWaymark(false)
      laterElements(part.load).bind!(wm, {})
      ready()
      await ticks()
      expect(part.load).toHaveBeenCalledTimes(1)
    })

    it('loads them when an element comes later, inside an added subtree, once', async () => {
      const part = elementsPart()
      const { wm, ready } = fakeWaymark(false)
      laterElements(part.load).bind!(wm, {})
      ready()
      await ticks()
      const block = document.createElement('div')
      block.append(document.createElement('p'), document.createElement('waymark-slot'))
      document.body.append(block)
      await ticks()
      expect(part.load).toHaveBeenCalledTimes(1)
      document.body.append(document.createElement('waymark-greeting'))
      await ticks()
      expect(part.load).toHaveBeenCalledTimes(1)
    })

    it('loads them for a drawn offer decided later, and renders it', async () => {
      const part = elementsPart()
      const { wm, ready, offer: emit } = fakeWaymark(false)
      laterElements(part.load).bind!(wm, {})
      ready()
      await ticks()
      emit(headless('h'))
      emit(banner('b'))
      expect(part.load).toHaveBeenCalledTimes(1)
      part.arrive()
      await ticks()
      expect(part.rendered).toEqual([banner('b')])
    })

    it('loads them at once for a drawn offer decided before ready', async () => {
      const part = elementsPart()
      const { wm, ready, offer: emit } = fakeWaymark(false)
      laterElements(part.load).bind!(wm, {})
      emit(banner('first'))
      ready()
      await ticks()
      expect(part.load).toHaveBeenCalledTimes(1)
    })

    it('loads them when a playbook that draws offers is put in force', async () => {
      const part = elementsPart()
      const { wm, ready, playbook } = fakeWaymark(false)
      laterElements(part.load).bind!(wm, {})
      ready()
      await ticks()
      playbook(false)
      expect(part.load).not.toHaveBeenCalled()
      playbook(true)
      expect(part.load).toHaveBeenCalledTimes(1)
    })

    it('loads them for the debug panel', async () => {
      const part = elementsPart()
      const { wm, ready } = fakeWaymark(false)
      Object.assign(wm, { [DEBUG]: { playbook: null, rules: [], triggers: [] } })
      laterElements(part.load).bind!(wm, {})
      ready()
      await ticks()
      expect(part.load).toHaveBeenCalledTimes(1)
    })
  })
})
