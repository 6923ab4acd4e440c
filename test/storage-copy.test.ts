// The start's localStorage copy of the visitor's state and the stored playbook (issue 17): a
// returning start reads it instead of IndexedDB, and it says what the database says.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createStorage, type Storage } from '../src/storage'
import { COPY_MAX_CHARS, createStorageCopy } from '../src/storage-copy'
import { advanceClock, make, settle, stored, transition } from './helpers'

const copyOf = (ns = 'waymark'): Record<string, unknown> =>
  Object.fromEntries(Object.keys(localStorage).filter((k) => k.startsWith(`${ns}:copy`)).map((k) => [k, JSON.parse(localStorage.getItem(k)!)]))

const opened: Storage[] = []
const open = (fail = vi.fn(), allowed = () => true): Storage => {
  const s = createStorage('ns', fail, allowed, ['a', 'b'])
  opened.push(s)
  return s
}
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()))
  vi.restoreAllMocks()
})

describe('a returning start and the copy', () => {
  it('does not wait for IndexedDB: with a database that never answers, ready comes at once, with the visitor known', async () => {
    const first = make()
    await first.ready
    first.identify('u-42', { firstName: 'Анна' })
    first.destroy()
    await settle()
    advanceClock(31 * 60_000) // a new visit
    vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest)
    const started = performance.now()
    const wm = make()
    await wm.ready
    expect(performance.now() - started).toBeLessThan(500) // the database's deadline is 1.5 s
    expect(wm.profile()).toMatchObject({ userId: 'u-42', traits: { firstName: 'Анна' }, returning: true, visits: 2 })
    expect(wm.greeting()?.name).toBe('Анна')
  })

  it('holds what the database holds after every write, without the traits storeTraits leaves out', async () => {
    const wm = make({ storeTraits: ['firstName'] })
    await wm.ready
    wm.identify('u-7', { firstName: 'Анна', email: 'anna@example.com' })
    wm.track('product_viewed')
    await settle()
    const db = await stored()
    expect(copyOf()).toEqual({ 'waymark:copy:': 1, 'waymark:copy:visitor': db.visitor })
    expect(JSON.stringify(copyOf())).not.toContain('anna@example.com')
  })

  it('after a logout, the next start is a new visitor, read from the copy', async () => {
    const wm = make()
    await wm.ready
    wm.identify('u-42', { firstName: 'Анна' })
    const anonymousId = wm.profile().anonymousId
    wm.reset()
    wm.destroy()
    await settle()
    expect(JSON.stringify(copyOf())).not.toContain('Анна')
    const next = make()
    await next.ready
    expect(next.profile()).toMatchObject({ userId: null, traits: {} })
    expect(next.profile().anonymousId).not.toBe(anonymousId)
  })

  it('consent denied removes the copy; consent pending on a new device writes none', async () => {
    const wm = make()
    await wm.ready
    await settle()
    expect(Object.keys(copyOf())).toEqual(['waymark:copy:', 'waymark:copy:visitor'])
    wm.consent('denied')
    await settle()
    expect(copyOf()).toEqual({})
    wm.destroy()
    localStorage.clear()
    const pending = make({ consent: 'pending', namespace: 'pending' })
    await pending.ready
    pending.track('product_viewed')
    await settle()
    expect(copyOf('pending')).toEqual({})
  })

})

describe('the copy in the storage layer', () => {
  it('fills from a read of every kept key, then answers loads of kept keys without IndexedDB', async () => {
    const s = open()
    s.set('a', { rev: 1 })
    s.set('c', 'not kept')
    await s.flush()
    expect(copyOf('ns')).toEqual({}) // never read yet: the copy is not known to be complete
    expect(await s.load(['a', 'b'])).toEqual([{ rev: 1 }, undefined])
    expect(copyOf('ns')).toEqual({ 'ns:copy:': 1, 'ns:copy:a': { rev: 1 } })
    vi.spyOn(indexedDB, 'open').mockImplementation(() => { throw new Error('IndexedDB asked') })
    expect(await open().load(['a', 'b'])).toEqual([{ rev: 1 }, undefined])
    expect(await open().load(['b'])).toEqual([undefined])
  })

  it('a value over the limit is not copied: the copy is dropped and the database answers', async () => {
    const s = open()
    await s.load(['a', 'b'])
    s.set('b', 'x'.repeat(COPY_MAX_CHARS))
    await s.flush()
    // No value is left; the marker stays at 0: the namespace is known here (no first visit).
    expect(copyOf('ns')).toEqual({ 'ns:copy:': 0 })
    expect(await open().load(['b'])).toEqual(['x'.repeat(COPY_MAX_CHARS)])
    expect(copyOf('ns')).toEqual({ 'ns:copy:': 0 }) // a read of some kept keys only does not fill it
  })

  it('localStorage full or unreadable: nothing is reported, the database answers', async () => {
    const fail = vi.fn()
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => { throw new DOMException('full', 'QuotaExceededError') })
    const s = open(fail)
    await s.load(['a', 'b'])
    s.set('a', { rev: 2 })
    await s.flush()
    vi.restoreAllMocks()
    localStorage.setItem('ns:copy:', '1')
    localStorage.setItem('ns:copy:a', '{not json')
    expect(await open(fail).load(['a', 'b'])).toEqual([{ rev: 2 }, undefined])
    expect(fail).not.toHaveBeenCalled()
  })

  it('writes a cached page still owed come first: the database answers while a journal waits', async () => {
    const s = open()
    await s.load(['a', 'b'])
    s.set('a', { rev: 1 })
    await s.flush()
    localStorage.setItem('ns:frozen', JSON.stringify({ p: { at: 1, w: [['a', { rev: 2 }]] } }))
    const next = open()
    expect(await next.load(['a', 'b'])).toEqual([{ rev: 2 }, undefined])
    expect(copyOf('ns')['ns:copy:a']).toEqual({ rev: 2 })
  })

  it('a write the unloading page cuts off keeps the copy, unreported; the same failure while the page lives drops it', async () => {
    const fail = vi.fn()
    const s = open(fail)
    await s.load(['a', 'b']) // a returning start: the copy answers, no database opened yet
    s.set('a', { rev: 2 })
    vi.spyOn(indexedDB, 'open').mockImplementation(() => { throw new DOMException('The page is closing', 'UnknownError') })
    transition('pagehide', false) // the page unloads: no back/forward cache
    await s.flush()
    expect(fail).not.toHaveBeenCalled()
    expect(copyOf('ns')).toEqual({ 'ns:copy:': 1, 'ns:copy:a': { rev: 2 } }) // what the next page reads
    const living = open(fail)
    await living.load(['a', 'b'])
    living.set('a', { rev: 3 })
    await living.flush()
    expect(fail).toHaveBeenCalledTimes(1)
    expect(copyOf('ns')).toEqual({ 'ns:copy:': 0 }) // it may hold what the database never took
  })

  it('a drop cut short at any point never leaves a copy that answers without one of its keys', () => {
    const copy = createStorageCopy('ns', ['a', 'b'], () => true)
    copy.fill(['a', 'b'], [{ rev: 1 }, { rev: 2 }])
    const before = { ...localStorage }
    const ops: Array<[string, string | null]> = []
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation((k, v) => void ops.push([k, v]))
    vi.spyOn(Storage.prototype, 'removeItem').mockImplementation((k) => void ops.push([k, null]))
    copy.drop()
    vi.restoreAllMocks()
    // Every prefix of the drop's writes, as a tab closing mid-way would leave them.
    for (let n = 0; n <= ops.length; n++) {
      const left = new Map(Object.entries(before))
      for (const [k, v] of ops.slice(0, n)) v == null ? left.delete(k) : left.set(k, v)
      if (left.get('ns:copy:') == '1') expect([left.has('ns:copy:a'), left.has('ns:copy:b')]).toEqual([true, true])
    }
  })

  it('a drop with localStorage full leaves no marker, so nothing answers from the copy', () => {
    const copy = createStorageCopy('ns', ['a', 'b'], () => true)
    copy.fill(['a', 'b'], [{ rev: 1 }, undefined])
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => { throw new DOMException('full', 'QuotaExceededError') })
    copy.drop()
    expect(copyOf('ns')).toEqual({})
    expect(copy.read(['a', 'b'])).toBeNull()
  })

  it('nothing is copied while writes are not allowed (consent not granted)', async () => {
    const s = open(vi.fn(), () => false)
    await s.load(['a', 'b'])
    s.set('a', { rev: 1 })
    await s.flush()
    expect(copyOf('ns')).toEqual({})
  })
})
