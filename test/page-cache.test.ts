import { describe, expect, it, vi } from 'vitest'
import type { WaymarkEvent } from '../src/types'
import { advanceClock, make, settle, transition } from './helpers'

// A page in the back/forward cache: frozen, then maybe shown again on Back. In the test the
// instances share one window, so a second "page" is an instance made while the first is cached.

describe('a page in the back/forward cache', () => {
  it('comes back with what the next page stored meanwhile, and counts as a page view', async () => {
    const a = make({ autoPage: true })
    await a.ready
    a.identify('u-42', { firstName: 'Анна' })
    const events: WaymarkEvent[] = []
    a.on('event', (e) => events.push(e))
    transition('pagehide')
    await settle()
    const b = make() // the next page, while a is cached
    await b.ready
    b.track('cart_viewed')
    await settle()
    b.destroy()
    transition('pageshow')
    await vi.waitFor(() => expect(a.journey().stage).toBe('buy'))
    expect(a.profile()).toMatchObject({ userId: 'u-42', visits: 1 })
    expect(events.map((e) => e.name)).toEqual(['page'])
    expect(a.journey().counts.page).toBe(2)
  })

  it('hears no other tab while cached (a message would make Chromium evict it), and catches up when back', async () => {
    const a = make()
    await a.ready
    const close = vi.spyOn(BroadcastChannel.prototype, 'close')
    transition('pagehide')
    expect(close).toHaveBeenCalled()
    const b = make()
    await b.ready
    b.identify('u-9')
    await settle()
    expect(a.profile().userId).toBeNull()
    transition('pageshow')
    await vi.waitFor(() => expect(a.profile().userId).toBe('u-9'))
    b.identify('u-10') // the channel is open again
    await vi.waitFor(() => expect(a.profile().userId).toBe('u-10'))
  })

  it('back after 31 minutes: a new visit begins', async () => {
    const a = make()
    await a.ready
    transition('pagehide')
    await settle()
    advanceClock(31 * 60_000)
    transition('pageshow')
    await vi.waitFor(() => expect(a.profile().visits).toBe(2))
    expect(a.profile().returning).toBe(true)
  })
})
