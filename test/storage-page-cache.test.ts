import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createStorage, type Storage } from '../src/storage'
import { settle, stored, transition } from './helpers'

// The back/forward cache as WebKit runs it: a readwrite transaction of a cached page never
// finishes and keeps its lock, so every other page of the site waits on the database. The
// storage must make no write while its page is cached, and lose none.
const opened: Storage[] = []
const open = (ns = 'ns'): Storage => {
  const s = createStorage(ns, (e) => { throw e })
  opened.push(s)
  return s
}
const cache = (): void => transition('pagehide')
const restore = (): void => transition('pageshow')
const journal = (ns = 'ns'): unknown => JSON.parse(localStorage.getItem(`${ns}:frozen`) || 'null')

beforeEach(() => localStorage.clear())
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
})

describe('storage and the back/forward cache', () => {
  it('makes no write while its page is cached; what it owes goes to the journal, and is written when the page is back', async () => {
    const s = open()
    s.set('visitor', { rev: 1, name: 'Анна' })
    cache()
    s.set('q1', 'event') // page-hide work after ours still queues writes
    await settle()
    expect(await stored('ns')).toEqual({})
    expect(journal()).toMatchObject({ [Object.keys(journal() as object)[0]]: { w: [['visitor', { rev: 1, name: 'Анна' }], ['q1', 'event']] } })
    restore()
    await settle()
    expect(await stored('ns')).toEqual({ visitor: { rev: 1, name: 'Анна' }, q1: 'event' })
    expect(journal()).toBeNull()
  })

  it('aborts a write under way as the page is cached, and journals it', async () => {
    const s = open()
    s.set('a', 1)
    await s.flush()
    const put = IDBObjectStore.prototype.put
    // The page goes into the cache while the transaction is open.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementationOnce(function (this: IDBObjectStore, ...args) {
      const req = put.apply(this, args as Parameters<IDBObjectStore['put']>)
      cache()
      return req
    })
    s.set('b', 2)
    await s.flush()
    await settle()
    expect(await stored('ns')).toEqual({ a: 1 }) // the cut transaction left nothing
    expect(JSON.stringify(journal())).toContain('["b",2]')
    restore()
    await settle()
    expect(await stored('ns')).toEqual({ a: 1, b: 2 })
  })

  it('the next page writes what a cached page owed before its first read; a newer state stays', async () => {
    const a = open()
    a.set('visitor', { rev: 5, seen: 'a' })
    a.set('gone', undefined)
    a.set('order', { status: 'paid' })
    cache()
    await settle()
    const b = open()
    expect(await b.load(['visitor', 'order'])).toEqual([{ rev: 5, seen: 'a' }, { status: 'paid' }])
    expect(journal()).toBeNull()

    // Another tab moved on (rev 9) while this one sat in the cache with rev 7: 9 stays.
    const c = open()
    c.set('visitor', { rev: 7, seen: 'c' })
    cache()
    await settle()
    const other = createStorage('ns', () => {})
    other.set('visitor', { rev: 9, seen: 'other tab' })
    await other.flush()
    const d = open()
    expect(await d.load(['visitor'])).toEqual([{ rev: 9, seen: 'other tab' }])
    await other.close()
  })

  it('a page back from the cache after the next page wrote its journal does not write it again', async () => {
    const a = open()
    a.set('q1', 'event')
    cache()
    await settle()
    const b = open()
    await b.load(['q1']) // takes the journal: q1 is written
    b.set('q1', undefined) // delivered, and deleted
    await b.flush()
    restore() // page a is back
    await settle()
    expect(await stored('ns')).toEqual({})
  })

  it('a plain page hide (no cache) still writes at once', async () => {
    const s = open()
    s.set('k', 1)
    transition('pagehide', false)
    await s.flush()
    expect(await stored('ns')).toEqual({ k: 1 })
    expect(journal()).toBeNull()
  })

  it('reads wait for the page to come back, and the time in the cache is not a timeout', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const fail = vi.fn()
    const s = createStorage('ns', fail)
    opened.push(s)
    cache()
    let value: unknown = 'pending'
    void s.load(['k']).then(([v]) => (value = v))
    await vi.advanceTimersByTimeAsync(60_000) // timers of a cached page fire once it is back
    expect(value).toBe('pending')
    vi.useRealTimers()
    restore()
    await settle()
    expect(value).toBeUndefined()
    expect(fail).not.toHaveBeenCalled()
    expect(s.usable).toBe(true)
  })

  it('consent denied (clear) drops every journal of the namespace', async () => {
    const a = open()
    a.set('visitor', { rev: 1 })
    cache()
    await settle()
    restore()
    const b = open()
    cache()
    b.set('x', 1)
    await settle()
    expect(journal()).not.toBeNull()
    restore()
    await b.clear()
    expect(journal()).toBeNull()
  })
})
