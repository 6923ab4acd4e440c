import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { createStore, entries, set } from 'idb-keyval'
import { afterEach, beforeEach, vi } from 'vitest'
import { createWaymark } from '../src/waymark'
import type { Waymark, WaymarkOptions } from '../src/types'

/**
 * Every test starts on an empty device (IndexedDB, and localStorage, which holds the start's
 * copy of the state) and ends with its instances destroyed.
 */
const live: Waymark[] = []
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory()
  globalThis.localStorage?.clear()
})
afterEach(() => {
  live.splice(0).forEach((wm) => wm.destroy())
  vi.useRealTimers()
  vi.restoreAllMocks()
  vi.unstubAllGlobals()
})

/** Creates an instance (autoPage off unless asked) and collects the errors it reports. */
export function make(options: WaymarkOptions = {}): Waymark & { errors: string[] } {
  const wm = createWaymark({ autoPage: false, ...options })
  live.push(wm)
  const errors: string[] = []
  wm.on('error', (e) => errors.push(e.message))
  return Object.assign(wm, { errors })
}

/** What the namespace's IndexedDB store holds right now. */
export async function stored(namespace = 'waymark'): Promise<Record<string, unknown>> {
  return Object.fromEntries(await entries(createStore(namespace, 'state'))) as Record<string, unknown>
}

/**
 * Puts `value` under `key` where the namespace keeps it, behind the SDK's back (a value it never
 * wrote): in IndexedDB, and in the start's localStorage copy when the copy holds that key.
 */
export async function storeRaw(key: string, value: unknown, namespace = 'waymark'): Promise<void> {
  await set(key, value, createStore(namespace, 'state'))
  if (localStorage.getItem(`${namespace}:copy:${key}`) != null) localStorage.setItem(`${namespace}:copy:${key}`, JSON.stringify(value))
}

/** Lets pending IndexedDB work and coalesced writes finish. */
/** Dispatches `pagehide` or `pageshow` on window, into the back/forward cache (`persisted`) or not. */
export const transition = (type: 'pagehide' | 'pageshow', persisted = true): void =>
  void window.dispatchEvent(Object.assign(new Event(type), { persisted }))

export const settle = (ms = 150): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Moves Date.now() (only) forward; timers stay real so IndexedDB keeps working. */
export function advanceClock(ms: number): void {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(Date.now() + ms)
}

/** Counts IndexedDB transactions by mode. */
export function countTransactions(): Record<string, number> {
  const counts: Record<string, number> = { readonly: 0, readwrite: 0 }
  const original = IDBDatabase.prototype.transaction
  vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementation(function (this: IDBDatabase, ...args) {
    counts[(args[1] as string) || 'readonly']++
    return original.apply(this, args as Parameters<IDBDatabase['transaction']>)
  })
  return counts
}

// With fake timers for setTimeout only (vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })),
// IndexedDB (fake-indexeddb) still runs on the real setImmediate: these let it work.
const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

/** Lets pending IndexedDB work and promise chains finish, without moving fake time. */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 40; i++) await tick()
}

/** Waits (on real ticks) for work off the event loop, such as WebCrypto's thread pool. */
export const until = async (done: () => boolean): Promise<void> => {
  for (let i = 0; i < 10_000 && !done(); i++) await tick()
}

/**
 * Moves fake time forward in steps, letting real IndexedDB work finish in between (a single
 * jump would also fire the storage's 1.5 s timeout before fake-indexeddb could answer).
 */
export const advance = async (ms: number, step = 250): Promise<void> => {
  for (let left = ms; left > 0; left -= step) {
    await vi.advanceTimersByTimeAsync(Math.min(left, step))
    await flush()
  }
  await vi.advanceTimersByTimeAsync(0)
  await flush()
}

/**
 * A stand-in for Web Locks (jsdom has none), shared by every instance of the test: one holder
 * per name; others wait, or with `ifAvailable` get null.
 */
export function fakeWebLocks(): void {
  const held = new Map<string, Promise<unknown>>()
  const request = async (name: string, opts: { ifAvailable?: boolean }, cb: (lock: unknown) => unknown) => {
    while (held.has(name)) {
      if (opts.ifAvailable) return cb(null)
      await held.get(name)
    }
    const run = Promise.resolve(cb({ name }))
    held.set(name, run.catch(() => {}))
    try {
      return await run
    } finally {
      held.delete(name)
    }
  }
  vi.stubGlobal('navigator', { ...navigator, onLine: true, locks: { request } })
}
