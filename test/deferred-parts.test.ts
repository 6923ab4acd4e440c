/**
 * The deferred parts (sync, orders, delivery) as the instance holds them, with fake loaders
 * whose promises the tests settle: what loads when, what waits for it and in which order, and
 * what a load failure does.
 */
import 'fake-indexeddb/auto'
import { describe, expect, it, vi } from 'vitest'
import { deferDelivery } from '../src/delivery/deferred'
import type { Delivery, DeliveryDeps } from '../src/delivery/types'
import { deferOrders } from '../src/deferred-orders'
import { OrderError } from '../src/errors'
import type { Orders, OrdersDeps } from '../src/orders'
import { deferSync } from '../src/playbook/deferred-sync'
import type { Sync, SyncDeps } from '../src/playbook/sync'
import type { Storage } from '../src/storage'
import type { Order, WaymarkEvent } from '../src/types'

/** A loader whose answer the test gives (or withholds), counting its calls. */
function controlled<M>() {
  let resolve!: (m: M) => void
  let reject!: (e: Error) => void
  const load = vi.fn(() => new Promise<M>((res, rej) => ((resolve = res), (reject = rej))))
  return { load, resolve: (m: M) => resolve(m), reject: (e: Error) => reject(e) }
}

/** Lets settled promises' callbacks run. */
const ticks = async (n = 10): Promise<void> => {
  for (let i = 0; i < n; i++) await Promise.resolve()
}

/** Records each call of a fake part's methods, in one list, to check their order. */
function recorder<T extends object>(names: (keyof T)[], calls: string[], impl: Partial<Record<keyof T, (...a: never[]) => unknown>> = {}): T {
  return Object.fromEntries(names.map((n) => [n, vi.fn((...args: unknown[]) => {
    calls.push([String(n), ...args.filter((a) => a !== undefined).map((a) => JSON.stringify(a))].join(' '))
    return (impl[n] as ((...a: unknown[]) => unknown) | undefined)?.(...args)
  })])) as T
}

describe('deferSync', () => {
  const deps = (over: Partial<SyncDeps> = {}): SyncDeps => ({
    source: 'https://example.test/playbook.json', refreshSeconds: 300, lock: 'l',
    read: async () => undefined, write: async () => {}, post: vi.fn(), apply: vi.fn(), fail: vi.fn(), log: vi.fn(), ...over,
  })
  const fakeSync = (calls: string[]) => recorder<Sync>(['start', 'refresh', 'receive', 'stop'], calls, { start: async () => {}, refresh: async () => {} })

  it('loads as it starts (at once when a signature or an inline playbook will need it), and runs calls made before it arrived, in order', async () => {
    const calls: string[] = []
    const sync = fakeSync(calls)
    const createSync = vi.fn(() => sync)
    const part = controlled<{ createSync: typeof createSync }>()
    const d = deps()
    const s = deferSync(part.load, d)
    expect(part.load).not.toHaveBeenCalled() // nothing at start needs it yet: loaded after ready's own work
    for (const over of [{ publicKey: 'key' }, { source: { rules: [] } }]) {
      const eager = controlled<{ createSync: typeof createSync }>()
      deferSync(eager.load, deps(over))
      expect(eager.load, JSON.stringify(over)).toHaveBeenCalledTimes(1)
    }
    const started = s.start({ stored: 1 })
    expect(part.load).toHaveBeenCalledTimes(1)
    s.receive({ r: 1 })
    const refreshed = s.refresh()
    s.receive({ r: 2 })
    await ticks()
    expect(calls).toEqual([])
    part.resolve({ createSync })
    await Promise.all([started, refreshed])
    expect(createSync).toHaveBeenCalledExactlyOnceWith(d)
    expect(calls).toEqual(['start {"stored":1}', 'receive {"r":1}', 'refresh', 'receive {"r":2}'])
    s.receive({ r: 3 }) // once loaded, straight through
    expect(calls.at(-1)).toBe('receive {"r":3}')
  })

  it('loads nothing without a playbook source, and its calls resolve', async () => {
    const part = controlled<{ createSync(): Sync }>()
    const s = deferSync(part.load, deps({ source: undefined }))
    await expect(s.start(undefined)).resolves.toBeUndefined()
    await expect(s.refresh()).resolves.toBeUndefined()
    s.receive({})
    s.stop()
    expect(part.load).not.toHaveBeenCalled()
  })

  it('stopped before its code arrives, creates no sync', async () => {
    const createSync = vi.fn(() => fakeSync([]))
    const part = controlled<{ createSync: typeof createSync }>()
    const s = deferSync(part.load, deps())
    const started = s.start(undefined)
    s.stop()
    part.resolve({ createSync })
    await expect(started).resolves.toBeUndefined()
    expect(createSync).not.toHaveBeenCalled()
  })

  it('stopped after it arrived, stops the sync', async () => {
    const sync = fakeSync([])
    const part = controlled<{ createSync(): Sync }>()
    const s = deferSync(part.load, deps())
    await s.start(undefined) // a first visit: nothing to apply, so start does not wait for the code
    part.resolve({ createSync: () => sync })
    await s.refresh()
    s.stop()
    expect(sync.stop).toHaveBeenCalledTimes(1)
  })

  it('that fails to load is reported once, and start, refresh and receive still settle', async () => {
    const part = controlled<{ createSync(): Sync }>()
    const d = deps()
    const s = deferSync(part.load, d)
    const started = s.start(undefined)
    s.receive({})
    part.reject(new Error('network down'))
    await expect(started).resolves.toBeUndefined()
    await expect(s.refresh()).resolves.toBeUndefined()
    expect(d.fail).toHaveBeenCalledExactlyOnceWith('playbook sync did not load: network down')
    expect(part.load).toHaveBeenCalledTimes(1)
  })
})

describe('deferOrders', () => {
  const order = (id: string): Order => ({ id, status: 'shipped' }) as Order
  const storage = () => ({ tx: vi.fn(async () => undefined) }) as unknown as Storage & { tx: ReturnType<typeof vi.fn> }
  const deps = (over: Partial<OrdersDeps> = {}): OrdersDeps => ({
    source: '/api/orders/{id}', storage: storage(), consent: () => 'granted', changed: vi.fn(), fail: vi.fn(), log: vi.fn(), ...over,
  })
  const fakeOrders = (calls: string[], off = vi.fn()) =>
    recorder<Orders>(['get', 'watch', 'forget', 'stop'], calls, { get: async (id: string) => order(id), watch: () => off })

  it('loads nothing until the first get or watch, then once for all', async () => {
    const calls: string[] = []
    const createOrders = vi.fn(() => fakeOrders(calls))
    const part = controlled<{ createOrders: typeof createOrders }>()
    const d = deps()
    const o = deferOrders(part.load, d)
    await ticks()
    expect(part.load).not.toHaveBeenCalled()
    const a = o.get('a')
    o.watch('w')
    const b = o.get('b')
    expect(part.load).toHaveBeenCalledTimes(1)
    part.resolve({ createOrders })
    await expect(a).resolves.toEqual(order('a'))
    await expect(b).resolves.toEqual(order('b'))
    expect(createOrders).toHaveBeenCalledExactlyOnceWith(d)
    expect(calls).toEqual(['get "a"', 'watch "w"', 'get "b"'])
    await o.get('c')
    expect(part.load).toHaveBeenCalledTimes(1)
  })

  it('a watch ended before the code arrives never starts; one ended after stops it', async () => {
    const calls: string[] = []
    const off = vi.fn()
    const part = controlled<{ createOrders(): Orders }>()
    const o = deferOrders(part.load, deps())
    o.watch('early')()
    const later = o.watch('late')
    part.resolve({ createOrders: () => fakeOrders(calls, off) })
    await ticks()
    expect(calls).toEqual(['watch "late"'])
    later()
    expect(off).toHaveBeenCalledTimes(1)
  })

  it('forget() before the code arrives deletes the stored orders, and calls waiting from before end quietly', async () => {
    const calls: string[] = []
    const part = controlled<{ createOrders(): Orders }>()
    const d = deps()
    const o = deferOrders(part.load, d)
    const before = o.get('a')
    o.watch('w')
    o.forget()
    const after = o.get('b')
    expect(d.storage.tx).toHaveBeenCalledTimes(1)
    const [mode, body] = (d.storage.tx as ReturnType<typeof vi.fn>).mock.calls[0] as [string, (os: IDBObjectStore) => unknown]
    expect(mode).toBe('readwrite')
    const os = { delete: vi.fn() }
    body(os as unknown as IDBObjectStore)
    const range = os.delete.mock.calls[0][0] as IDBKeyRange
    expect(range.includes(['order', 'a'])).toBe(true)
    expect(range.includes('state')).toBe(false)
    part.resolve({ createOrders: () => fakeOrders(calls) })
    const e = await before.catch((x: unknown) => x)
    expect(e).toBeInstanceOf(OrderError)
    expect((e as Error).message).toBe('waymark: order "a": forgotten by reset()')
    await expect(after).resolves.toEqual(order('b'))
    await ticks()
    expect(calls).toEqual(['get "b"']) // the forgotten watch never started
    expect(d.fail).not.toHaveBeenCalled()
  })

  it('forget() once loaded is the orders\' own', async () => {
    const calls: string[] = []
    const part = controlled<{ createOrders(): Orders }>()
    const d = deps()
    const o = deferOrders(part.load, d)
    const got = o.get('a')
    part.resolve({ createOrders: () => fakeOrders(calls) })
    await got
    o.forget()
    expect(calls).toEqual(['get "a"', 'forget'])
    expect(d.storage.tx).not.toHaveBeenCalled()
  })

  it('stopped while loading, stops the orders once created', async () => {
    const calls: string[] = []
    const part = controlled<{ createOrders(): Orders }>()
    const o = deferOrders(part.load, deps())
    o.watch('w')
    o.stop()
    part.resolve({ createOrders: () => fakeOrders(calls) })
    await ticks()
    expect(calls).toEqual(['stop'])
  })

  it('a load failure rejects get with an OrderError, is reported once by a watch, and the next call loads again', async () => {
    const first = controlled<{ createOrders(): Orders }>()
    const d = deps()
    const load = vi.fn(first.load)
    const o = deferOrders(load, d)
    const a = o.get('a')
    const b = o.get('b')
    o.watch('w')
    first.reject(new Error('offline'))
    for (const p of [a, b]) {
      const e = await p.catch((x: unknown) => x)
      expect(e).toBeInstanceOf(OrderError)
      expect((e as Error).message).toBe('waymark: orders unavailable: offline')
    }
    await ticks()
    expect(d.fail).toHaveBeenCalledExactlyOnceWith('orders unavailable: offline')
    expect(load).toHaveBeenCalledTimes(1)
    load.mockImplementation(async () => ({ createOrders: () => fakeOrders([]) }))
    await expect(o.get('c')).resolves.toEqual(order('c'))
    expect(load).toHaveBeenCalledTimes(2)
  })
})

describe('deferDelivery', () => {
  const event = (name: string) => ({ name }) as unknown as WaymarkEvent
  const deps = (over: Partial<DeliveryDeps> = {}): DeliveryDeps => ({
    collect: 'https://example.test/collect', storage: {} as Storage, namespace: 'waymark',
    consent: () => 'granted', post: vi.fn(), fail: vi.fn(), log: vi.fn(), ...over,
  })
  const fakeDelivery = (calls: string[]) =>
    recorder<Delivery>(['push', 'flush', 'consent', 'heard', 'reset', 'start', 'stop'], calls, { flush: async () => {} })

  it('with collect, loads at once; loaded waits for it; earlier calls run on it in order', async () => {
    const calls: string[] = []
    const createDelivery = vi.fn(() => fakeDelivery(calls))
    const part = controlled<{ createDelivery: typeof createDelivery }>()
    const d = deps()
    const x = deferDelivery(part.load, d)
    expect(part.load).toHaveBeenCalledTimes(1)
    let loaded = false
    void x.loaded.then(() => (loaded = true))
    x.consent('pending')
    x.push(event('a'), true)
    x.heard({ gone: ['1'] })
    x.start()
    const flushed = x.flush()
    x.push(event('b'))
    await ticks()
    expect(loaded).toBe(false)
    part.resolve({ createDelivery })
    await x.loaded
    await flushed
    expect(createDelivery).toHaveBeenCalledExactlyOnceWith(d)
    expect(calls).toEqual(['consent "pending"', 'push {"name":"a"} true', 'heard {"gone":["1"]}', 'start', 'push {"name":"b"}', 'flush'])
    x.stop()
    expect(calls.at(-1)).toBe('stop')
  })

  it('without collect, loads nothing and is loaded at once; flush resolves', async () => {
    const part = controlled<{ createDelivery(): Delivery }>()
    const x = deferDelivery(part.load, deps({ collect: undefined }))
    await x.loaded
    x.push(event('a'))
    x.start()
    await expect(x.flush()).resolves.toBeUndefined()
    expect(part.load).not.toHaveBeenCalled()
  })

  it('without collect, calls before a reset are not kept (it would ignore them); a reset loads it and runs, then what follows', async () => {
    const calls: string[] = []
    const part = controlled<{ createDelivery(): Delivery }>()
    const x = deferDelivery(part.load, deps({ collect: undefined }))
    x.consent('granted')
    x.push(event('a'))
    x.reset()
    x.reset()
    expect(part.load).toHaveBeenCalledTimes(1)
    const flushed = x.flush() // waits for the loading the reset began
    part.resolve({ createDelivery: () => fakeDelivery(calls) })
    await flushed
    expect(calls).toEqual(['reset', 'reset', 'flush'])
  })

  it('stopped before its code arrives, the delivery is stopped as it is created', async () => {
    const calls: string[] = []
    const part = controlled<{ createDelivery(): Delivery }>()
    const x = deferDelivery(part.load, deps())
    x.start()
    x.stop()
    part.resolve({ createDelivery: () => fakeDelivery(calls) })
    await x.loaded
    expect(calls).toEqual(['start', 'stop'])
  })

  it('a load failure is reported once; loaded and flush still resolve', async () => {
    const part = controlled<{ createDelivery(): Delivery }>()
    const d = deps()
    const x = deferDelivery(part.load, d)
    x.push(event('a'))
    const flushed = x.flush()
    part.reject(new Error('blocked'))
    await expect(x.loaded).resolves.toBeUndefined()
    await expect(flushed).resolves.toBeUndefined()
    x.reset()
    await expect(x.flush()).resolves.toBeUndefined()
    expect(d.fail).toHaveBeenCalledExactlyOnceWith('delivery did not load, events are not sent: blocked')
    expect(part.load).toHaveBeenCalledTimes(1)
  })
})
