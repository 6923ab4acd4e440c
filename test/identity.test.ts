import { describe, expect, it, vi } from 'vitest'
import { IDENTITY_TIMEOUT_MS } from '../src/identity'
import type { Identity, WaymarkEvent } from '../src/types'
import { advance, make, settle, stored } from './helpers'

// The identity endpoint: asked by a device that holds no visitor (Safari wiped it), once per
// page load, in the background, and adopted as if the device had kept it.
const ANNA: Identity = { anonymousId: 'anon-from-server', userId: 'u-42', traits: { firstName: 'Анна' }, visits: 3, firstSeen: 1_700_000_000_000 }

function endpoint(answer: unknown, init: { status?: number; hang?: boolean } = {}) {
  const calls: Array<[string, RequestInit]> = []
  // Released before the request is made (its code is a part, loaded on demand), it answers at once.
  let released = false
  let release = (): void => void (released = true)
  vi.stubGlobal('fetch', vi.fn(async (url: string, req: RequestInit) => {
    calls.push([url, req])
    if (init.hang && !released) await new Promise<void>((resolve) => { release = resolve; req.signal?.addEventListener('abort', () => resolve()) })
    if (req.signal?.aborted) throw new DOMException('aborted', 'AbortError')
    return new Response(JSON.stringify(answer), { status: init.status ?? 200, headers: { 'content-type': 'application/json' } })
  }))
  return { calls, release: () => release() }
}

describe('identity restore', () => {
  it('a device without a visitor asks once (GET, same-origin cookies) and is greeted by name: a returning visit', async () => {
    const api = endpoint(ANNA)
    const wm = make({ identity: '/identity', locale: 'ru' })
    const events: WaymarkEvent[] = []
    wm.on('event', (e) => events.push(e))
    await wm.ready
    const before = wm.profile().anonymousId
    await vi.waitFor(() => expect(wm.profile().userId).toBe('u-42'))
    expect(api.calls).toHaveLength(1)
    expect(api.calls[0][0]).toBe(new URL('/identity', location.href).href)
    expect(api.calls[0][1]).toMatchObject({ credentials: 'same-origin' })
    expect(api.calls[0][1].method ?? 'GET').toBe('GET')
    expect(wm.profile()).toMatchObject({ anonymousId: 'anon-from-server', traits: { firstName: 'Анна' }, visits: 4, returning: true, firstSeen: ANNA.firstSeen })
    expect(wm.greeting()).toMatchObject({ text: 'С возвращением, Анна!', returning: true })
    expect(events.find((e) => e.name === 'identity_restored')).toMatchObject({ type: 'identify', anonymousId: 'anon-from-server', props: { previousId: before } })
    await settle()
    expect(await stored()).toMatchObject({ visitor: { anonymousId: 'anon-from-server', userId: 'u-42' } })
  })

  it('decisions do not wait for it: ready and track happen while the request hangs', async () => {
    const api = endpoint(ANNA, { hang: true })
    const wm = make({ identity: '/identity' })
    await wm.ready
    wm.track('cart_viewed')
    expect(wm.journey().stage).toBe('buy')
    expect(wm.profile().userId).toBeNull()
    api.release()
    await vi.waitFor(() => expect(wm.profile().userId).toBe('u-42'))
    expect(wm.journey().stage).toBe('buy') // the journey of this visit is kept
  })

  it('delivery waits for the answer: a collect request racing it would lack the cookie the answer brings', async () => {
    const order: string[] = []
    let answer = (): void => {}
    vi.stubGlobal('fetch', vi.fn(async (url: string) => {
      order.push(String(url).endsWith('/identity') ? 'identity' : 'collect')
      if (String(url).endsWith('/identity')) await new Promise<void>((resolve) => (answer = resolve))
      return new Response(String(url).endsWith('/identity') ? JSON.stringify(ANNA) : null, { status: String(url).endsWith('/identity') ? 200 : 204 })
    }))
    const wm = make({ identity: '/identity', collect: '/collect' })
    await wm.ready
    wm.track('x')
    const flushed = wm.flush()
    await settle()
    expect(order).toEqual(['identity'])
    answer()
    await flushed
    expect(order).toEqual(['identity', 'collect'])
  })

  it('a device that kept its visitor does not ask', async () => {
    const first = make()
    await first.ready
    first.identify('u-1', { firstName: 'Ivan' })
    await settle()
    first.destroy()
    const api = endpoint(ANNA)
    const wm = make({ identity: '/identity' })
    await wm.ready
    await settle()
    expect(api.calls).toHaveLength(0)
    expect(wm.profile().userId).toBe('u-1')
  })

  it('nothing is asked without consent granted; granting it asks', async () => {
    const api = endpoint(ANNA)
    const denied = make({ identity: '/identity', consent: 'denied', namespace: 'd' })
    const pending = make({ identity: '/identity', consent: 'pending', namespace: 'p' })
    await Promise.all([denied.ready, pending.ready])
    await settle()
    expect(api.calls).toHaveLength(0)
    pending.consent('granted')
    await vi.waitFor(() => expect(pending.profile().userId).toBe('u-42'))
    expect(api.calls).toHaveLength(1)
  })

  it('the page’s own identify wins over the answer; an answer after reset() is dropped', async () => {
    const api = endpoint(ANNA, { hang: true })
    const wm = make({ identity: '/identity' })
    await wm.ready
    wm.identify('u-7', { firstName: 'Bo' })
    api.release()
    await vi.waitFor(() => expect(wm.profile().anonymousId).toBe('anon-from-server'))
    expect(wm.profile()).toMatchObject({ userId: 'u-7', traits: { firstName: 'Bo' } })

    const again = endpoint(ANNA, { hang: true })
    const other = make({ identity: '/identity', namespace: 'other' })
    const events: WaymarkEvent[] = []
    other.on('event', (e) => events.push(e))
    await other.ready
    other.reset()
    again.release()
    await settle()
    expect(other.profile().userId).toBeNull()
    expect(events.find((e) => e.name === 'session_start' && e.props.reset)).toBeTruthy() // tells the site's endpoint to forget
  })

  it('an answer that knows nobody yet ({ anonymousId } or null) is not a return', async () => {
    endpoint({ anonymousId: 'anon-known-cookie' })
    const wm = make({ identity: '/identity' })
    await wm.ready
    await vi.waitFor(() => expect(wm.profile().anonymousId).toBe('anon-known-cookie'))
    expect(wm.profile()).toMatchObject({ visits: 1, returning: false, userId: null })
    expect(wm.greeting()).toBeNull()

    endpoint(null)
    const fresh = make({ identity: '/identity', namespace: 'n' })
    await fresh.ready
    await settle()
    expect(fresh.profile().visits).toBe(1)
    expect(fresh.errors).toEqual([])
  })

  it.each([
    ['an HTTP error', () => endpoint({}, { status: 500 }), 'identity not restored: HTTP 500'],
    ['a malformed answer', () => endpoint({ anonymousId: 42 }), 'identity not restored: the answer\'s anonymousId is 42'],
    ['bad traits', () => endpoint({ anonymousId: 'a', traits: 'Анна' }), 'identity not restored: the answer\'s traits are "Анна"'],
    ['a firstSeen in the future', () => endpoint({ anonymousId: 'a', firstSeen: Date.now() + 1e9 }), 'identity not restored: the answer\'s firstSeen'],
  ])('%s is reported once and not retried; the visitor stays as they were', async (_name, setup, message) => {
    const api = setup()
    const wm = make({ identity: '/identity' })
    await wm.ready
    const id = wm.profile().anonymousId
    await vi.waitFor(() => expect(wm.errors).toHaveLength(1))
    expect(wm.errors[0]).toContain(message)
    wm.track('x')
    await settle()
    expect(api.calls).toHaveLength(1)
    expect(wm.profile().anonymousId).toBe(id)
  })

  it('a request that never answers is given up after 5 s and reported', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    endpoint(ANNA, { hang: true })
    const wm = make({ identity: '/identity' })
    await advance(IDENTITY_TIMEOUT_MS - 500) // stepwise, so that IndexedDB answers in between
    expect(wm.errors).toEqual([])
    await advance(1000)
    expect(wm.errors).toEqual([`waymark: identity not restored: no answer within ${IDENTITY_TIMEOUT_MS / 1000} s`])
  })

  it('refuses a URL of another origin: the visitor cookie is first-party', async () => {
    const api = endpoint(ANNA)
    const wm = make({ identity: 'https://tracker.example/identity' })
    await wm.ready
    await vi.waitFor(() => expect(wm.errors).toHaveLength(1))
    expect(wm.errors[0]).toBe("waymark: identity not restored: https://tracker.example is not this page's origin")
    expect(api.calls).toHaveLength(0)
  })

  it('takes a function (any backend), and keeps only plain trait values', async () => {
    const wm = make({ identity: async () => ({ anonymousId: 'fn-anon', traits: { firstName: 'Анна', nested: { x: 1 } as unknown as string } }) })
    await wm.ready
    await vi.waitFor(() => expect(wm.profile().anonymousId).toBe('fn-anon'))
    expect(wm.profile().traits).toEqual({ firstName: 'Анна' })
    expect(wm.profile().returning).toBe(true)
  })

  it('an identity option of the wrong type throws, naming it', () => {
    expect(() => make({ identity: 42 as unknown as string })).toThrow(/identity/)
  })
})
