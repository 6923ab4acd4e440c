import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LEASE_MS } from '../src/delivery/lease'
import { MAX_EVENTS, MAX_PROPS_BYTES, utf8Bytes } from '../src/delivery/queue'
import { KEEPALIVE_BYTES, retryAfter, SEND_TIMEOUT_MS } from '../src/delivery/send'
import type { WaymarkEvent, WaymarkOptions } from '../src/types'
import { advance, countTransactions, fakeWebLocks, flush, make, stored, until } from './helpers'

type Reply = number | 'network' | 'hang' | { status: number; headers: Record<string, string> }
interface Request { body: { events: WaymarkEvent[]; sentAt: number }; keepalive: boolean; status: number | string; at: number }

/** A collector endpoint: replies from a script (then 200), every request recorded. */
function fakeCollector(...script: Reply[]) {
  const c = {
    script,
    requests: [] as Request[],
    /** Ids of the events in requests that succeeded, in order (duplicates included). */
    delivered: () => c.requests.filter((r) => r.status === 200).flatMap((r) => r.body.events.map((e) => e.id)),
    names: () => c.requests.filter((r) => r.status === 200).flatMap((r) => r.body.events.map((e) => e.name)),
  }
  vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
    expect(url).toBe('/collect')
    expect(init.method).toBe('POST')
    expect((init.headers as Record<string, string>)['Content-Type']).toBe('application/json')
    const reply = c.script.length ? c.script.shift()! : 200
    const status = typeof reply === 'object' ? reply.status : reply
    c.requests.push({ body: JSON.parse(init.body as string), keepalive: !!init.keepalive, status, at: Date.now() })
    if (reply === 'network') throw new TypeError('Failed to fetch')
    if (reply === 'hang')
      return new Promise<Response>((_, reject) => init.signal!.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))))
    return new Response(null, { status: status as number, headers: typeof reply === 'object' ? reply.headers : {} })
  }))
  return c
}

async function started(options: WaymarkOptions = {}) {
  const wm = make({ collect: '/collect', ...options })
  await wm.ready
  return wm
}

const queued = async (namespace = 'waymark') => Object.keys(await stored(namespace)).filter((k) => k.startsWith('q,'))

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] }) // delivery waits on performance.now()
})
afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('delivery to a URL', () => {
  it('sends a batch a few seconds after the first event, as { events, sentAt }, and empties the queue', async () => {
    const c = fakeCollector()
    const wm = await started()
    wm.track('product_viewed', { sku: 'A1' })
    await advance(900)
    expect(c.requests).toHaveLength(0)
    expect(await queued()).toHaveLength(3) // session_start, product_viewed and stage:evaluate wait in IndexedDB
    await advance(5000)
    expect(c.requests).toHaveLength(1)
    const { body, at } = c.requests[0]
    expect(body.sentAt).toBe(at)
    expect(body.events.map((e) => e.name)).toEqual(['session_start', 'product_viewed', 'stage:evaluate'])
    expect(body.events[1]).toEqual({
      id: expect.any(String), type: 'track', name: 'product_viewed', props: { sku: 'A1' }, at: expect.any(Number),
      anonymousId: wm.profile().anonymousId, userId: null, sessionId: expect.any(String), stage: 'evaluate',
    })
    expect(body.sentAt).toBeGreaterThanOrEqual(body.events[1].at)
    expect(await queued()).toEqual([])
  })

  it('sends at once when 20 events wait', async () => {
    const c = fakeCollector()
    const wm = await started()
    for (let i = 0; i < 19; i++) wm.track('step')
    await advance(10)
    expect(c.requests).toHaveLength(1) // session_start + 19
    expect(c.requests[0].body.events).toHaveLength(20)
  })

  it.each([
    ['Web Locks', true, { readonly: 3, readwrite: 3 }],
    ['the IndexedDB lease', false, { readonly: 3, readwrite: 9 }], // + a take and a release per lock
  ])('sends a burst of 1,000 events in batches of 500, with few IndexedDB transactions (%s)', async (_, locks, expected) => {
    if (locks) fakeWebLocks()
    const c = fakeCollector()
    const wm = await started()
    await wm.flush()
    const tx = countTransactions()
    for (let i = 0; i < 1000; i++) wm.track('step', { i })
    await advance(10)
    await until(() => tx.readonly === expected.readonly && tx.readwrite === expected.readwrite)
    await advance(1000) // and nothing more happens
    expect(c.requests.slice(1).map((r) => r.body.events.length)).toEqual([500, 500])
    expect(new Set(c.delivered()).size).toBe(1001)
    // One coalesced write (state and queue); per batch a read and a delete; a last read finds
    // the queue empty. The lease adds a take and a release per batch.
    expect(tx).toEqual(expected)
  })

  it('keeps every event queued, under the same id, until the collector takes it', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const c = fakeCollector(500, 'network', 503)
    const wm = await started()
    wm.track('cart_viewed', { total: 45 })
    await wm.flush()
    for (const wait of [1000, 2000, 4000]) await advance(wait)
    expect(c.requests.map((r) => r.status)).toEqual([500, 'network', 503, 200])
    const ids = c.requests.map((r) => r.body.events.map((e) => e.id).join())
    expect(new Set(ids).size).toBe(1)
    expect(c.requests.map((r) => r.body.sentAt)).toEqual([...c.requests.map((r) => r.body.sentAt)].sort((a, b) => a - b))
    expect(wm.errors).toEqual(['waymark: collect failed (HTTP 500); events stay queued, next try in 1 s'])
    expect(await queued()).toEqual([])
  })

  // [status, retried?] — 408, 429, 5xx and network errors are worth another try; other 4xx are not.
  const statuses: Array<[Reply, boolean]> = [
    [408, true], [429, true], [500, true], [502, true], [503, true], [504, true], ['network', true], ['hang', true],
    [400, false], [401, false], [403, false], [404, false], [410, false], [422, false],
  ]
  it.each(statuses)('status %s: retried %s', async (reply, retried) => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const c = fakeCollector(reply)
    const wm = await started()
    wm.track('x')
    const flushed = wm.flush()
    await advance(reply === 'hang' ? 11_000 : 0)
    await flushed
    await advance(1000)
    expect(c.requests).toHaveLength(retried ? 2 : 1)
    expect(c.delivered().length).toBe(retried ? 2 : 0)
    expect(wm.errors).toEqual([
      retried
        ? expect.stringMatching(/^waymark: collect failed \((HTTP \d+|Failed to fetch|no answer within 10 s)\); events stay queued, next try in 1 s$/)
        : `waymark: collect refused 2 events (HTTP ${reply}); they are dropped`,
    ])
    expect(await queued()).toEqual([])
  })

  it('a device clock set back 2 days after a failure does not postpone the retry', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const c = fakeCollector(503)
    const wm = await started()
    await wm.flush()
    vi.setSystemTime(Date.now() - 2 * 864e5)
    wm.track('after_the_change')
    await advance(1000)
    expect(c.requests.map((r) => r.status)).toEqual([503, 200])
    expect(c.names()).toContain('after_the_change')
  })

  // Firefox coarsens performance.now() (to 1 ms, with jitter): a timer can fire when the page's
  // clock still reads a little before the time the timer was set for.
  it('a retry timer that fires while the clock reads a little early still retries', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const c = fakeCollector(500)
    const wm = await started()
    wm.track('x')
    await wm.flush() // fails: the retry is due in 1 s
    const now = performance.now.bind(performance)
    vi.spyOn(performance, 'now').mockImplementation(() => now() - 0.6)
    await advance(1000)
    await advance(5)
    expect(c.requests.map((r) => r.status)).toEqual([500, 200])
    expect(await queued()).toEqual([])
  })

  it('halves the batch when the collector answers 413', async () => {
    const c = fakeCollector(413)
    const wm = await started()
    for (let i = 0; i < 9; i++) wm.track('x')
    await wm.flush()
    expect(c.requests.map((r) => [r.status, r.body.events.length])).toEqual([[413, 10], [200, 5], [200, 5]])
  })

  it('a transient 413 does not shrink batches for the rest of the page: they grow back as deliveries succeed', async () => {
    const c = fakeCollector(413)
    const wm = await started()
    for (let i = 0; i < 9; i++) wm.track('x')
    await wm.flush()
    for (let i = 0; i < 20; i++) wm.track('y')
    await wm.flush()
    expect(c.requests.slice(3).map((r) => [r.status, r.body.events.length])).toEqual([[200, 20]])
  })

  it('backs off exponentially with jitter, capped at 5 minutes', async () => {
    vi.stubGlobal('indexedDB', undefined) // a queue in memory: no IndexedDB work between attempts to blur the times
    const random = vi.spyOn(Math, 'random').mockReturnValue(0) // the shortest waits: half of each step
    const c = fakeCollector(...Array(12).fill(503))
    const wm = await started()
    await wm.flush()
    await advance(560_000, 1000)
    const waits = c.requests.slice(1).map((r, i) => r.at - c.requests[i].at)
    expect(waits.slice(0, 11)).toEqual([500, 1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 150000, 150000])
    expect(random).toHaveBeenCalled()
  })

  it('honours Retry-After, in seconds or as a date', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const c = fakeCollector({ status: 429, headers: { 'Retry-After': '30' } })
    const wm = await started()
    await wm.flush()
    await advance(29_000)
    expect(c.requests).toHaveLength(1)
    await advance(1_500)
    expect(c.requests).toHaveLength(2)
    expect(retryAfter(new Date(Date.now() + 10_000).toUTCString(), Date.now())).toBeGreaterThan(8_000)
    expect(retryAfter('soon', Date.now())).toBeUndefined()
    expect(retryAfter('99999999', Date.now())).toBe(3600_000) // capped at an hour
  })

  it('sends at once when the browser comes back online', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const c = fakeCollector('network', 'network')
    const wm = await started()
    await wm.flush()
    await advance(1000)
    expect(c.requests).toHaveLength(2) // next try in 2 s
    window.dispatchEvent(new Event('online'))
    await advance(0)
    expect(c.requests).toHaveLength(3)
    expect(c.delivered()).toHaveLength(1)
  })

  it('flush() resolves once the queue is drained, or once an attempt failed', async () => {
    const c = fakeCollector(500)
    const wm = await started()
    wm.track('x')
    await expect(wm.flush()).resolves.toBeUndefined()
    expect(await queued()).toHaveLength(2)
    await wm.flush()
    expect(await queued()).toEqual([])
    expect(c.requests).toHaveLength(2)
  })
})

describe('the queue across reloads, tabs and limits', () => {
  it('keeps undelivered events across a reload and sends them on the next visit', async () => {
    const c = fakeCollector('network')
    const first = await started()
    first.track('offline_step')
    await first.flush()
    first.destroy()
    const second = await started()
    await advance(1000)
    expect(c.names()).toEqual(['session_start', 'offline_step'])
    expect(second.errors).toEqual([])
  })

  it('two tabs without Web Locks deliver each event once (a lease in IndexedDB)', async () => {
    expect(navigator.locks).toBeUndefined()
    const c = fakeCollector('network', 'network')
    const a = await started()
    const b = await started()
    for (let i = 0; i < 50; i++) a.track('a', { i }), b.track('b', { i })
    await Promise.all([a.flush(), b.flush()])
    window.dispatchEvent(new Event('online')) // both tabs try at once
    await advance(10_000)
    const ids = c.delivered()
    expect(ids).toHaveLength(new Set(ids).size) // no duplicates
    expect(c.names().filter((n) => n === 'a')).toHaveLength(50)
    expect(c.names().filter((n) => n === 'b')).toHaveLength(50)
    expect(await queued()).toEqual([])
  })

  it('without Web Locks, a tab that died holding the lease blocks delivery only until it expires', async () => {
    const c = fakeCollector()
    const { createStore, set } = await import('idb-keyval')
    await set('deliver-lease', { tab: 'a-tab-that-died', until: Date.now() + LEASE_MS }, createStore('waymark', 'state'))
    const wm = await started()
    wm.track('x')
    await wm.flush()
    await advance(20_000, 1000)
    expect(c.requests).toHaveLength(0)
    await advance(15_000, 1000)
    expect(c.names()).toEqual(['session_start', 'x'])
  })

  it('a tab does not send again, on page hide, what another tab delivered', async () => {
    const c = fakeCollector()
    const a = await started()
    const b = await started()
    b.track('from_b')
    await advance(200) // b's events are written to the shared queue…
    await a.flush() // …and a delivers them
    await flush()
    expect(c.names()).toContain('from_b')
    const sent = c.requests.length
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))
    await flush()
    expect(c.requests).toHaveLength(sent) // neither tab had anything left to send
    expect(c.delivered()).toHaveLength(new Set(c.delivered()).size)
  })

  it('a lease stamped on a clock since set back 2 days counts as expired', async () => {
    const c = fakeCollector()
    const { createStore, set } = await import('idb-keyval')
    await set('deliver-lease', { tab: 'other', until: Date.now() + 2 * 864e5 }, createStore('waymark', 'state'))
    const wm = await started()
    await wm.flush()
    expect(c.names()).toEqual(['session_start'])
  })

  it('two namespaces never send or see each other\'s events', async () => {
    const c = fakeCollector('network', 'network')
    const a = await started({ namespace: 'shop-a' })
    const b = await started({ namespace: 'shop-b' })
    a.track('only_a')
    await a.flush() // fails: only_a waits in shop-a's store
    await b.flush()
    expect(c.requests.flatMap((r) => r.body.events.filter((e) => e.anonymousId === b.profile().anonymousId).map((e) => e.name))).not.toContain('only_a')
    expect(Object.keys(await stored('shop-b')).join()).not.toContain(JSON.stringify('only_a'))
    expect(JSON.stringify(await stored('shop-b'))).not.toContain('only_a')
    expect(JSON.stringify(await stored('shop-a'))).toContain('only_a')
  })

  it('drops the oldest events beyond 1,000 and says how many', async () => {
    const c = fakeCollector(...Array(3).fill('network'))
    const wm = await started()
    await wm.flush()
    for (let i = 0; i < MAX_EVENTS + 99; i++) wm.track('x', { i }) // + session_start
    await advance(1500) // past the first backoff
    await until(() => wm.errors.length > 1)
    expect(wm.errors).toContain('waymark: delivery queue full: dropped the 100 oldest events')
    c.script.length = 0
    await wm.flush()
    const props = c.requests.filter((r) => r.status === 200).flatMap((r) => r.body.events.map((e) => e.props.i))
    expect(props).toHaveLength(MAX_EVENTS)
    expect(props[0]).toBe(99) // the oldest went
  })

  it('drops the oldest events beyond 1 MB', async () => {
    fakeCollector(...Array(3).fill('network'))
    const wm = await started()
    await wm.flush()
    const big = 'x'.repeat(30_000)
    for (let i = 0; i < 40; i++) wm.track('big', { big, i }) // 40 × 30 KB
    await advance(1500)
    await until(() => wm.errors.length > 1)
    expect(wm.errors.find((e) => e.includes('queue full'))).toMatch(/dropped the (6|7) oldest events/)
  })

  it('rejects an oversized event at track time, leaving the journey as it was', async () => {
    fakeCollector()
    const wm = await started()
    const before = wm.journey()
    wm.track('huge', { blob: 'я'.repeat(MAX_PROPS_BYTES / 2) })
    expect(wm.errors).toEqual([expect.stringMatching(/^waymark: track\("huge"\): props are 32\.0 KB as JSON; at most 32 KB fit in an event$/)])
    expect(wm.journey()).toEqual(before)
    wm.track('fine', { blob: 'x'.repeat(MAX_PROPS_BYTES - 100) })
    expect(wm.errors).toHaveLength(1)
  })
})

describe('delivery and consent', () => {
  it('pending keeps events in memory and sends nothing; granted stores and sends them', async () => {
    const c = fakeCollector()
    const wm = await started({ consent: 'pending' })
    wm.track('x')
    await advance(10_000)
    expect(c.requests).toHaveLength(0)
    expect(await stored()).toEqual({})
    wm.consent('granted')
    await advance(10)
    expect(c.names()).toEqual(['session_start', 'x'])
  })

  it('pending: the memory queue keeps the newest 1,000 events, and a burst of drops is reported once', async () => {
    const c = fakeCollector()
    const wm = await started({ consent: 'pending' })
    for (let i = 0; i < MAX_EVENTS + 100; i++) wm.track('x', { i }) // + session_start
    await flush()
    expect(wm.errors).toEqual(['waymark: delivery queue full: dropped the 101 oldest events'])
    wm.consent('granted')
    await wm.flush()
    const props = c.requests.flatMap((r) => r.body.events.map((e) => e.props.i))
    expect(props).toEqual([...Array(MAX_EVENTS).keys()].map((i) => i + 100))
  })

  it('denied clears the queue and sends nothing', async () => {
    const c = fakeCollector('network')
    const wm = await started()
    wm.track('x')
    await wm.flush()
    expect(await queued()).toHaveLength(2)
    wm.consent('denied')
    wm.track('y')
    await advance(10_000)
    expect(c.requests).toHaveLength(1)
    expect(await stored()).toEqual({})
  })

  it('after reset, the store holds nothing of the previous visitor, whose queued events still go out under their user', async () => {
    const c = fakeCollector('network')
    const wm = await started()
    wm.identify('u-42', { firstName: 'Анна' })
    wm.track('cart_viewed', { note: 'Анна’s cart' })
    await wm.flush() // fails: the events wait in the store
    expect(JSON.stringify(await stored())).toContain('u-42')
    const before = wm.profile().anonymousId
    wm.reset()
    await advance(200)
    const disk = JSON.stringify(await stored())
    for (const trace of ['u-42', 'Анна', before]) expect(disk).not.toContain(trace)
    await wm.flush()
    const sent = c.requests.filter((r) => r.status === 200).flatMap((r) => r.body.events)
    expect(sent.filter((e) => e.userId === 'u-42').map((e) => e.name)).toEqual(expect.arrayContaining(['identify', 'cart_viewed']))
    expect(sent.find((e) => e.name === 'session_start' && e.anonymousId === wm.profile().anonymousId)).toMatchObject({ userId: null })
  })

  it('reset() while a batch is in flight does not send that batch again', async () => {
    const names: string[] = []
    let wm!: ReturnType<typeof make>
    let resetDone = false
    vi.stubGlobal('fetch', vi.fn(async (_: string, init: RequestInit) => {
      if (!resetDone) (resetDone = true), wm.reset() // logout while the first batch is on its way
      names.push(...(JSON.parse(init.body as string).events as WaymarkEvent[]).map((e) => e.id))
      return new Response(null, { status: 204 })
    }))
    wm = await started()
    for (let i = 0; i < 5; i++) wm.track('x', { i })
    await wm.flush()
    await advance(6000)
    await wm.flush()
    expect(names.length).toBe(7) // session_start, 5 × x, the new visitor's session_start
    expect(new Set(names).size).toBe(names.length)
  })

  it('after reset, recorded events keep their user; new ones carry the new anonymous id and no user', async () => {
    const c = fakeCollector()
    const wm = await started()
    wm.identify('u-42', { firstName: 'Анна' })
    const before = wm.profile().anonymousId
    wm.reset()
    wm.track('after')
    await wm.flush()
    const events = c.requests.flatMap((r) => r.body.events)
    expect(events.find((e) => e.name === 'identify')).toMatchObject({ userId: 'u-42', anonymousId: before })
    expect(events.find((e) => e.name === 'after')).toMatchObject({ userId: null, anonymousId: wm.profile().anonymousId })
    expect(wm.profile().anonymousId).not.toBe(before)
  })
})

describe('delivery when the page hides', () => {
  const hide = (type: 'visibilitychange' | 'pagehide') => {
    vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden')
    if (type === 'visibilitychange') document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))
    else window.dispatchEvent(new Event('pagehide'))
  }
  const five = async () => {
    const c = fakeCollector()
    const wm = await started() // session_start waits for its batch
    const blob = 'x'.repeat(20_000)
    for (let i = 0; i < 5; i++) wm.track('big', { blob, i })
    return { c, wm, before: c.requests.length }
  }
  /** The page-hide requests: keepalive ones made after `before`. */
  const keepalive = (c: ReturnType<typeof fakeCollector>, before: number) =>
    c.requests.slice(before).filter((r) => r.keepalive).map((r) => r.body.events.map((e) => e.props.i ?? e.name))

  it('hidden: sends what waits with keepalive requests of at most 64 KB, and keeps it queued until a response says it arrived', async () => {
    const { c, before } = await five()
    c.script.push('network') // the first request fails, the second arrives
    hide('visibilitychange')
    hide('visibilitychange') // again: nothing is sent twice
    await flush()
    expect(keepalive(c, before)).toEqual([['session_start', 0, 1, 2], [3, 4]])
    for (const r of c.requests.filter((r) => r.keepalive)) expect(JSON.stringify(r.body).length).toBeLessThanOrEqual(KEEPALIVE_BYTES)
    await advance(200)
    expect(await queued()).toHaveLength(4) // the failed chunk's events; the delivered chunk's are gone
  })

  it('pagehide: what the browser now carries counts as delivered, and the next page does not send it again', async () => {
    const { c, before } = await five()
    hide('pagehide')
    await flush()
    expect(keepalive(c, before)).toEqual([['session_start', 0, 1, 2], [3, 4]])
    // Should the page die before its deletes land, the keys wait in localStorage for the next page.
    expect(JSON.parse(localStorage.getItem('waymark:handed')!)).toHaveLength(6)
    const { createStore, set } = await import('idb-keyval')
    const store = createStore('waymark', 'state')
    const handed = JSON.parse(localStorage.getItem('waymark:handed')!) as IDBValidKey[]
    for (const key of handed) await set(key, '{"id":"resurrected"}', store) // as if the deletes never landed
    const next = await started()
    await next.flush()
    expect(c.requests.filter((r) => !r.keepalive).flatMap((r) => r.body.events.map((e) => e.id))).not.toContain('resurrected')
    expect(await queued()).toEqual([])
    expect(localStorage.getItem('waymark:handed')).toBeNull()
  })

  it('a tab closing while another tab sends its events leaves them to that tab: nothing is sent twice', async () => {
    const c = fakeCollector('hang') // the other tab's request is on its way
    const closing = await started()
    const other = await started()
    for (let i = 0; i < 5; i++) closing.track('mine', { i })
    await advance(200) // written to the shared queue
    void other.flush() // the other tab delivers the queue, this tab's events included
    await advance(0)
    expect(c.requests).toHaveLength(1)
    const inFlight = new Set(c.requests[0].body.events.map((e) => e.id))
    hide('pagehide') // this tab closes (in the test, both tabs share the window: neither carries them)
    await flush()
    const again = c.requests.slice(1).flatMap((r) => r.body.events.map((e) => e.id)).filter((id) => inFlight.has(id))
    expect(again).toEqual([])
  })

  it('events a closing tab handed to the browser are not sent again, even when its localStorage note is lost (Firefox)', async () => {
    const c = fakeCollector()
    const closing = await started()
    const other = await started()
    for (let i = 0; i < 3; i++) closing.track('handed', { i })
    await advance(200)
    const ids = (await queued()).map((k) => k.split(',').pop())
    // What a closing tab's page hide says on the channel, without its localStorage note.
    const channel = new BroadcastChannel('waymark')
    channel.postMessage({ gone: ids })
    channel.close()
    await flush()
    await other.flush()
    expect(c.names()).not.toContain('handed')
    expect(await queued()).toEqual([]) // and they leave the queue
  })

  it('events another tab said it is sending are left to it until its request would time out, then sent (its news lost as it closed)', async () => {
    fakeWebLocks() // as in Firefox, where this was seen: the closed tab's lock goes with it
    const c = fakeCollector()
    const closing = await started()
    const other = await started()
    for (let i = 0; i < 3; i++) closing.track('in_flight', { i })
    await advance(200)
    const ids = (await queued()).map((k) => k.split(',').pop())
    closing.destroy() // closed mid-send: no word that its events are gone arrives, and no note
    const channel = new BroadcastChannel('waymark')
    channel.postMessage({ sending: ids }) // what it said as its request left
    channel.close()
    await flush()
    await other.flush()
    expect(c.names()).not.toContain('in_flight') // the browser may still be carrying them
    // Looked at again 11 s after each look that left them: by 22 s, past the request's time-out.
    await advance(2 * (SEND_TIMEOUT_MS + 1000))
    expect(c.names().filter((n) => n === 'in_flight')).toHaveLength(3) // none lost
    expect(await queued()).toEqual([])
  })

  it('where fetch has no keepalive (Firefox before 133), a beacon carries what waits as the page goes', async () => {
    const { c, before } = await five()
    const beacons: Array<{ url: string; events: unknown[] }> = []
    vi.stubGlobal('Request', class {}) // no keepalive member
    vi.stubGlobal('Blob', class { constructor (readonly parts: string[], readonly opts: { type: string }) {} })
    vi.stubGlobal('navigator', { ...navigator, sendBeacon: (url: string, blob: { parts: string[]; opts: { type: string } }) => {
      beacons.push({ url, events: JSON.parse(blob.parts.join('')).events.map((e: WaymarkEvent) => e.props.i ?? e.name) })
      return blob.opts.type == 'application/json'
    } })
    hide('pagehide')
    await flush()
    expect(beacons).toEqual([{ url: '/collect', events: ['session_start', 0, 1, 2] }, { url: '/collect', events: [3, 4] }])
    expect(c.requests.length).toBe(before) // no fetch: it would have been cut off
    expect(JSON.parse(localStorage.getItem('waymark:handed')!)).toHaveLength(6) // counted as delivered
  })

  it('a page without Request or sendBeacon (a test harness) still sends what waits as the page goes, with fetch', async () => {
    const { c, before } = await five()
    vi.stubGlobal('Request', undefined)
    vi.stubGlobal('navigator', { ...navigator, sendBeacon: undefined })
    hide('pagehide')
    await flush()
    expect(keepalive(c, before)).toEqual([['session_start', 0, 1, 2], [3, 4]])
  })

  it('a small batch in flight when its tab closes is carried by the browser: no other tab sends it again', async () => {
    const c = fakeCollector('hang')
    const a = await started()
    a.track('in_flight')
    void a.flush() // a keepalive request that has not been answered yet
    await flush()
    expect(c.requests.map((r) => [r.keepalive, r.body.events.map((e) => e.name)])).toEqual([[true, ['session_start', 'in_flight']]])
    hide('pagehide') // the tab closes
    a.destroy()
    const b = await started()
    await b.flush()
    const resent = c.requests.slice(1).flatMap((r) => r.body.events.map((e) => e.name))
    expect(resent).not.toContain('in_flight')
  })

  it('pagehide, then a failure answer (the page lived on, in the back-forward cache): the events are queued again', async () => {
    const { c } = await five()
    c.script.push('network', 200, 'network') // the first chunk fails, the second arrives; the requeued events' retry fails too
    hide('pagehide')
    await flush()
    expect(JSON.parse(localStorage.getItem('waymark:handed')!)).toHaveLength(2) // only the delivered chunk
    await advance(200)
    expect(await queued()).toHaveLength(4)
    localStorage.clear()
  })

  it('while the collector fails, a page hide sends nothing: the events wait in the store, and the next page delivers them all', async () => {
    const c = fakeCollector(503)
    const wm = await started()
    await wm.flush() // fails: the retry is due in 0.5-1 s
    wm.track('bought')
    wm.track('reviewed')
    hide('visibilitychange')
    hide('pagehide')
    await advance(200)
    expect(c.requests).toHaveLength(1)
    expect(localStorage.getItem('waymark:handed')).toBeNull()
    wm.destroy() // the page is gone before its retry
    vi.restoreAllMocks()
    const next = await started() // the collector is back
    await next.flush()
    expect(c.names()).toEqual(expect.arrayContaining(['session_start', 'bought', 'reviewed']))
    expect(await queued()).toEqual([])
  })

  it('Retry-After holds for page hides and flush(), not only for the retry timer', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const c = fakeCollector({ status: 503, headers: { 'Retry-After': '300' } })
    const wm = await started()
    await wm.flush()
    wm.track('x')
    await advance(10_000)
    hide('visibilitychange')
    await wm.flush()
    await advance(200)
    expect(c.requests).toHaveLength(1)
    await advance(291_000)
    expect(c.requests).toHaveLength(2)
    expect(c.delivered()).toHaveLength(2)
  })

  it('a queue held in memory only (no IndexedDB) still goes at page hide during a backoff, its only chance, but not before a Retry-After', async () => {
    vi.stubGlobal('indexedDB', undefined)
    const c = fakeCollector('network')
    const wm = await started()
    await wm.flush() // fails: backing off
    hide('pagehide')
    await flush()
    expect(c.requests.map((r) => r.keepalive)).toEqual([true, true])
    expect(c.delivered()).toHaveLength(1)
    vi.restoreAllMocks()
    const d = fakeCollector({ status: 429, headers: { 'Retry-After': '60' } })
    const other = await started({ namespace: 'other' })
    await other.flush()
    hide('pagehide')
    await flush()
    expect(d.requests).toHaveLength(1)
  })
})

describe('a function collector', () => {
  it('receives the same batches, and a rejection is retried', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const calls: Array<[WaymarkEvent[], { sentAt: number }]> = []
    const collect = async (events: WaymarkEvent[], batch: { sentAt: number }) => {
      calls.push([events, batch])
      if (calls.length === 1) throw new Error('analytics not loaded yet')
    }
    const wm = await started({ collect })
    wm.track('x', { a: 1 })
    await wm.flush()
    await advance(1000)
    expect(calls).toHaveLength(2)
    expect(calls[1][0].map((e) => e.name)).toEqual(['session_start', 'x'])
    expect(calls[1][0][1]).toMatchObject({ type: 'track', props: { a: 1 } })
    expect(calls[1][1].sentAt).toBe(Date.now())
    expect(calls[0][0].map((e) => e.id)).toEqual(calls[1][0].map((e) => e.id))
    expect(wm.errors).toEqual(['waymark: collect failed (analytics not loaded yet); events stay queued, next try in 1 s'])
  })

  it('that never settles is given up on after 10 s, and retried after the backoff, not at once', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(1)
    const collect = vi.fn((_events: WaymarkEvent[]) => new Promise<void>(() => {}))
    const wm = await started({ collect })
    wm.track('x')
    void wm.flush() // in flight while the 5 s batch timer fires: that drain waits behind it
    await advance(10_500)
    expect(wm.errors).toEqual(['waymark: collect failed (no answer within 10 s); events stay queued, next try in 1 s'])
    expect(collect).toHaveBeenCalledTimes(1) // the waiting drain respects the backoff
    await advance(1_000)
    expect(collect).toHaveBeenCalledTimes(2)
    expect(collect.mock.calls[1][0]).toEqual(collect.mock.calls[0][0]) // the same events, ids and all
    await advance(10_000 + 1_500) // second timeout, then 2 s of backoff
    expect(collect).toHaveBeenCalledTimes(2)
    await advance(1_000)
    expect(collect).toHaveBeenCalledTimes(3)
  })
})

describe('utf8Bytes', () => {
  it.each(['', 'plain ascii', 'Анна', '€50', 'emoji 🎉 and 𝄞', '\u0080\u07ff\u0800\uffff'])('counts %j as TextEncoder does', (s) => {
    expect(utf8Bytes(s)).toBe(new TextEncoder().encode(s).length)
  })
})

describe('traits outside storeTraits never reach the device (issue 14, item 4)', () => {
  const traits = { firstName: 'Анна', email: 'anna@example.com', phone: '+7 900 000-00-00' }
  const onDevice = async () => JSON.stringify(await stored()) + JSON.stringify({ ...localStorage })

  it('an identify event with such traits is queued in memory only, and still delivered whole', async () => {
    const c = fakeCollector(...Array(5).fill('network'))
    const wm = await started()
    wm.identify('u-42', traits)
    wm.track('cart_viewed')
    await advance(20_000) // offline for a while (5 failures): the other events wait in IndexedDB
    expect(await queued()).not.toHaveLength(0)
    const device = await onDevice()
    expect(device).toContain('Анна') // a storeTraits trait may be stored
    expect(device).not.toContain('anna@example.com')
    expect(device).not.toContain('+7 900')
    await advance(60_000)
    const identify = c.requests.filter((r) => r.status === 200).flatMap((r) => r.body.events).find((e) => e.name === 'identify')
    expect(identify).toMatchObject({ userId: 'u-42', props: traits })
    expect(new Set(c.delivered()).size).toBe(c.delivered().length)
  })

  it('also when consent is granted after the identify', async () => {
    const c = fakeCollector(...Array(5).fill('network'))
    const wm = await started({ consent: 'pending' })
    wm.identify('u-42', traits)
    wm.consent('granted')
    await advance(10_000)
    expect(await queued()).not.toHaveLength(0)
    expect(await onDevice()).not.toContain('anna@example.com')
    await advance(60_000)
    expect(c.names()).toContain('identify')
  })

  it('an identify with only storeTraits traits is stored as before (it survives the page)', async () => {
    fakeCollector('network')
    const wm = await started()
    wm.identify('u-42', { firstName: 'Анна' })
    await advance(2000)
    expect(Object.values(await stored()).some((v) => typeof v === 'string' && v.includes('"identify"'))).toBe(true)
  })
})
