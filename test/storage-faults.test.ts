// IndexedDB faults at the level of the instance: the page keeps working and keeps its state.
import { createStore, set } from 'idb-keyval'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { STORAGE_TIMEOUT_MS } from '../src/storage'
import type { WaymarkEvent } from '../src/types'
import { make, settle, stored } from './helpers'

const store = () => createStore('waymark', 'state')

afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('IndexedDB faults', () => {
  it('a database that never opens (Safari 14) does not hold up start: ready within 2 s, in memory', async () => {
    await stored() // a returning device: the start opens its database
    vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest)
    const started = Date.now()
    const wm = make()
    await wm.ready
    expect(Date.now() - started).toBeLessThan(2000)
    expect(Date.now() - started).toBeGreaterThanOrEqual(STORAGE_TIMEOUT_MS - 50)
    wm.track('product_viewed')
    expect(wm.journey().stage).toBe('evaluate')
    expect(wm.errors).toEqual([expect.stringContaining(`no answer within ${STORAGE_TIMEOUT_MS} ms`)])
  })

  it('on a first visit a database that never opens holds up nothing: ready at once, reported by the first write', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest)
    const started = Date.now()
    const wm = make()
    await wm.ready
    expect(Date.now() - started).toBeLessThan(STORAGE_TIMEOUT_MS / 2) // no database to open: nothing to wait for
    wm.track('product_viewed')
    expect(wm.journey().stage).toBe('evaluate')
    await vi.waitFor(() => expect(wm.errors).toEqual([expect.stringMatching(/^waymark: storage unavailable \(Error: no answer within \d+ ms\)/)]), { timeout: 3000 })
    expect(wm.journey().stage).toBe('evaluate')
  })

  it('a write over quota is reported once; the state in memory is kept and the page goes on', async () => {
    const wm = make()
    await wm.ready
    wm.identify('u-1', { firstName: 'Анна' })
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError')
    })
    wm.track('product_viewed')
    await settle()
    wm.track('cart_viewed')
    await settle()
    expect(wm.errors).toEqual([expect.stringContaining('QuotaExceededError')])
    expect(wm.profile()).toMatchObject({ userId: 'u-1', traits: { firstName: 'Анна' } })
    expect(wm.journey().counts).toMatchObject({ product_viewed: 1, cart_viewed: 1 })
  })

  it('a connection the browser closes mid-session is reopened: later writes land', async () => {
    const wm = make()
    await wm.ready
    await settle()
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementationOnce(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError')
    })
    wm.track('after_close')
    await settle()
    expect(wm.errors).toEqual([])
    expect(((await stored()).visitor as { journey: { counts: Record<string, number> } }).journey.counts.after_close).toBe(1)
  })

  it('corrupt or foreign values under our keys are dropped, never used or sent', async () => {
    const s = store()
    await set('visitor', { anonymousId: 42 }, s)
    await set('playbook', 'not a record', s)
    await set(['q', 1, 0, 10, 'foreign'], { not: 'text' }, s)
    await set(['order', 'A-1'], { status: 'lost' }, s)
    localStorage.setItem('waymark:handed', '{"not":"a list"')
    const bodies: string[] = []
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      if (url === '/collect') bodies.push(init.body as string)
      return url === '/collect' ? new Response(null, { status: 204 }) : Response.json({ id: 'A-1', status: 'paid' })
    }))
    const wm = make({ collect: '/collect', orders: '/api/orders/{id}' })
    const events: WaymarkEvent[] = []
    wm.on('event', (e) => events.push(e))
    await wm.ready
    expect(wm.errors).toEqual(['waymark: stored state was unreadable; starting as a new visitor'])
    expect(await wm.order('A-1')).toMatchObject({ status: 'paid' }) // fetched, not the corrupt copy
    await wm.flush()
    expect(bodies.join()).not.toContain('foreign')
    expect(Object.keys(await stored())).not.toContain('q,1,0,10,foreign')
    expect(wm.profile().visits).toBe(1)
  })
})

describe('bad input never trips the storage breaker', () => {
  it.each([undefined, null, {}])('watchOrder(%s) is reported, and storage keeps working', async (id) => {
    const wm = make({ orders: '/api/orders/{id}' })
    await wm.ready
    const stop = wm.watchOrder(id as unknown as string)
    await settle()
    expect(wm.errors).toEqual([expect.stringMatching(/^waymark: watchOrder: id must be a string of 1 to 200 characters, not "." or "..", got /)])
    stop()
    wm.identify('u-1', { firstName: 'Ann' })
    await settle()
    expect(await stored()).toMatchObject({ visitor: { userId: 'u-1' } })
    expect(wm.errors).toHaveLength(1)
  })

  it.each([
    ['a null in a key', '[["q",null,0,0,"x"]]'],
    ['an object in a key', '[["q",{},0,0,"x"]]'],
  ])('a corrupt hand-over list (%s) is dropped, and storage keeps working', async (_, list) => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 204 })))
    localStorage.setItem('waymark:handed', list)
    const wm = make({ collect: '/collect' })
    await wm.ready
    wm.track('after')
    await wm.flush()
    wm.identify('u-2')
    await settle()
    expect(wm.errors).toEqual([])
    expect(await stored()).toMatchObject({ visitor: { userId: 'u-2' } })
    expect(localStorage.getItem('waymark:handed')).toBeNull()
  })

  it('a key IndexedDB refuses fails that write only: it is reported, the breaker stays closed', async () => {
    const { createStorage } = await import('../src/storage')
    const fail = vi.fn()
    const s = createStorage('ns', fail)
    s.set([{}] as unknown as IDBValidKey, 1)
    await s.flush()
    expect(fail).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringMatching(/^storage refused a key or value \(/) }))
    expect(s.usable).toBe(true)
    s.set('k', 1)
    await s.flush()
    expect(await stored('ns')).toEqual({ k: 1 })
  })
})

describe('no database without consent (issue 14, item 6)', () => {
  const databases = async () => (await indexedDB.databases()).map((d) => d.name)

  for (const consent of ['denied', 'pending'] as const)
    it(`a page with consent ${consent} leaves no IndexedDB database behind`, async () => {
      const wm = make({ consent, orders: async (id: string) => ({ id, status: 'paid' as const }) })
      await wm.ready
      wm.identify('u-1', { firstName: 'Anna' })
      wm.track('cart_viewed')
      await wm.order('A-1')
      await wm.flush()
      await settle()
      wm.destroy()
      await settle()
      expect(await databases()).toEqual([])
      expect(wm.errors).toEqual([])
    })

  it('pending still reads what an earlier visit stored with consent, and granted creates the database', async () => {
    const first = make()
    await first.ready
    first.identify('u-1', { firstName: 'Anna' })
    await settle()
    first.destroy()
    const pending = make({ consent: 'pending' })
    await pending.ready
    expect(pending.profile().userId).toBe('u-1')
    pending.destroy()
    globalThis.indexedDB = new IDBFactory() // a fresh device
    const later = make({ consent: 'pending' })
    await later.ready
    later.consent('granted')
    await settle()
    expect(await databases()).toEqual(['waymark'])
    expect(await stored()).toHaveProperty('visitor')
  })
})
