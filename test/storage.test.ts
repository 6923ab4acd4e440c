import { describe, expect, it, vi } from 'vitest'
import { createStorage, STORAGE_TIMEOUT_MS } from '../src/storage'
import { countTransactions, settle, stored } from './helpers'

describe('storage', () => {
  it('writes a burst of sets in one transaction, the last value winning', async () => {
    const tx = countTransactions()
    const s = createStorage('ns', () => {})
    for (let i = 0; i < 1000; i++) s.set('n', i)
    await s.flush()
    expect(tx.readwrite).toBe(1)
    expect(await stored('ns')).toEqual({ n: 999 })
  })

  it('coalesces on its own, without an explicit flush', async () => {
    const s = createStorage('ns', () => {})
    s.set('a', 1)
    s.set('b', 2)
    await settle()
    expect(await stored('ns')).toEqual({ a: 1, b: 2 })
  })

  it('deletes a key set to undefined and clears the whole store', async () => {
    const s = createStorage('ns', () => {})
    s.set('a', 1)
    s.set('b', 2)
    await s.flush()
    s.set('a', undefined)
    await s.flush()
    expect(await stored('ns')).toEqual({ b: 2 })
    s.set('c', 3)
    await s.clear()
    expect(await stored('ns')).toEqual({})
  })

  it('keeps namespaces apart', async () => {
    const a = createStorage('a', () => {})
    const b = createStorage('b', () => {})
    a.set('k', 'a')
    await a.flush()
    expect(await b.load(['k'])).toEqual([undefined])
  })

  it('flushes pending writes when the page hides', async () => {
    const s = createStorage('ns', () => {})
    s.set('k', 1)
    window.dispatchEvent(new Event('pagehide'))
    await s.flush()
    expect(await stored('ns')).toEqual({ k: 1 })
    await s.close()
  })

  it('falls back to memory, reporting once, when IndexedDB is missing', async () => {
    vi.stubGlobal('indexedDB', undefined)
    const fail = vi.fn()
    const s = createStorage('ns', fail)
    expect(await s.load(['a', 'b'])).toEqual([undefined, undefined])
    s.set('a', 1)
    await s.flush()
    expect(fail).toHaveBeenCalledTimes(1)
    expect(fail.mock.calls[0][0].message).toMatch(/storage unavailable .*; continuing in memory/)
    expect(s.usable).toBe(false)
    vi.unstubAllGlobals()
  })

  it('falls back to memory when opening throws (private mode)', async () => {
    await stored('ns') // a device with the database: the load opens it
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError')
    })
    const fail = vi.fn()
    const s = createStorage('ns', fail)
    await s.load(['a'])
    expect(fail.mock.calls[0][0].message).toContain('SecurityError: denied')
  })

  it('falls back to memory when a write runs over quota', async () => {
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError')
    })
    const fail = vi.fn()
    const s = createStorage('ns', fail)
    s.set('a', 1)
    await s.flush()
    expect(fail.mock.calls[0][0].message).toContain('QuotaExceededError')
    s.set('b', 2) // ignored quietly from now on
    await s.flush()
    expect(fail).toHaveBeenCalledTimes(1)
  })

  it('stops waiting for a database that never opens', async () => {
    await stored('ns')
    vi.spyOn(indexedDB, 'open').mockImplementation(() => ({}) as IDBOpenDBRequest)
    const fail = vi.fn()
    const started = Date.now()
    expect(await createStorage('ns', fail).load(['a'])).toEqual([undefined])
    expect(Date.now() - started).toBeGreaterThanOrEqual(STORAGE_TIMEOUT_MS - 50)
    expect(fail.mock.calls[0][0].message).toContain(`no answer within ${STORAGE_TIMEOUT_MS} ms`)
  })

  it('opens a new connection when the browser closed the old one mid-session', async () => {
    const fail = vi.fn()
    const s = createStorage('ns', fail)
    s.set('a', 1)
    await s.flush()
    vi.spyOn(IDBDatabase.prototype, 'transaction').mockImplementationOnce(() => {
      throw new DOMException('The database connection is closing.', 'InvalidStateError')
    })
    s.set('b', 2)
    await s.flush()
    expect(fail).not.toHaveBeenCalled()
    expect(s.usable).toBe(true)
    expect(await stored('ns')).toEqual({ a: 1, b: 2 })
  })

  it('falls back to memory when opening fails with InvalidStateError twice (Firefox private mode)', async () => {
    await stored('ns')
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('A mutation operation was attempted on a database that did not allow mutations.', 'InvalidStateError')
    })
    const fail = vi.fn()
    const s = createStorage('ns', fail)
    expect(await s.load(['a'])).toEqual([undefined])
    expect(fail).toHaveBeenCalledTimes(1)
    expect(s.usable).toBe(false)
  })
})

describe('a first load on a device without the database', () => {
  const names = async (): Promise<string[]> => (await indexedDB.databases()).map((d) => d.name!)

  it('answers without opening it, so a read creates no database; the first write does', async () => {
    const open = vi.spyOn(indexedDB, 'open')
    const s = createStorage('ns', () => {})
    expect(await s.load(['a', 'b'])).toEqual([undefined, undefined])
    expect(open).not.toHaveBeenCalled()
    expect(await names()).toEqual([])
    s.set('a', 1)
    await s.flush()
    expect(await names()).toEqual(['ns'])
    expect(await s.load(['a', 'b'])).toEqual([1, undefined])
  })

  it('reads a database that exists as before', async () => {
    const s = createStorage('ns', () => {})
    s.set('a', 1)
    await s.flush()
    expect(await createStorage('ns', () => {}).load(['a'])).toEqual([1])
  })

  it('loses no write made while it asks', async () => {
    const s = createStorage('ns', () => {})
    const loaded = s.load(['a'])
    s.set('a', 1)
    await s.flush()
    await loaded
    expect(await stored('ns')).toEqual({ a: 1 })
  })

  it('reports a database that cannot be opened at the first write, once', async () => {
    vi.spyOn(indexedDB, 'open').mockImplementation(() => {
      throw new DOMException('denied', 'SecurityError')
    })
    const fail = vi.fn()
    const s = createStorage('ns', fail)
    expect(await s.load(['a'])).toEqual([undefined])
    s.set('a', 1)
    await s.flush()
    expect(fail).toHaveBeenCalledTimes(1)
    expect(fail.mock.calls[0][0].message).toContain('SecurityError: denied')
    expect(s.usable).toBe(false)
  })

  it('opens as before where the browser cannot list databases, or will not', async () => {
    for (const stub of [undefined, () => Promise.reject(new DOMException('no', 'SecurityError'))]) {
      vi.spyOn(indexedDB, 'databases', 'get' as never).mockReturnValue(stub as never)
      const open = vi.spyOn(indexedDB, 'open')
      const s = createStorage(`ns-${!!stub}`, () => {})
      expect(await s.load(['a'])).toEqual([undefined])
      expect(open).toHaveBeenCalledTimes(1)
      vi.restoreAllMocks()
    }
  })

  it('does not ask where the namespace is known here (a dropped copy leaves its marker)', async () => {
    localStorage.setItem('ns:copy:', '0')
    const asked = vi.spyOn(indexedDB, 'databases')
    expect(await createStorage('ns', () => {}, () => true, ['a']).load(['a'])).toEqual([undefined])
    expect(asked).not.toHaveBeenCalled()
  })
})
