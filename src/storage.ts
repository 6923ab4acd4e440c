import { createStore, promisifyRequest, type UseStore } from 'idb-keyval'

/** How long a storage operation may take before we stop waiting and carry on in memory. */
export const STORAGE_TIMEOUT_MS = 1500
/** Writes made within this window share one IndexedDB transaction. */
export const COALESCE_MS = 100

/** Key-value persistence with coalesced writes that degrades to memory. */
export interface Storage {
  /** Reads keys in one transaction; resolves `undefined` values when storage is unavailable. */
  load(keys: string[]): Promise<unknown[]>
  /** Queues a write (or a delete, for `undefined`); writes are coalesced into one transaction. */
  set(key: IDBValidKey, value: unknown): void
  /** Takes back a queued write not yet made; true if there was one. */
  cancel(key: IDBValidKey): boolean
  /**
   * Runs a transaction of the caller's own after the queued writes (reads see them);
   * resolves `undefined` when storage is unavailable.
   */
  tx<T>(mode: IDBTransactionMode, body: (os: IDBObjectStore) => T | PromiseLike<T>): Promise<T | undefined>
  /** Drops queued writes and empties the store. */
  clear(): Promise<void>
  /** Writes what is queued now; resolves when it is written or has failed. */
  flush(): Promise<void>
  /** Flushes and stops listening to page lifecycle events. */
  close(): Promise<void>
  /** Whether IndexedDB is still in use (false once it failed and we fell back to memory). */
  readonly usable: boolean
}

/**
 * Creates the store of one namespace: its own IndexedDB database (named after the namespace),
 * so two namespaces never share state. When IndexedDB is missing, throws (Firefox private
 * mode), hangs, or runs over quota, `onFail` is told once and everything else becomes a
 * no-op: the instance's state lives in memory anyway, so the page carries on.
 */
export function createStorage(namespace: string, onFail: (error: Error) => void): Storage {
  let store: UseStore | undefined
  let broken = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let chain: Promise<void> = Promise.resolve()
  const queued = new Map<IDBValidKey, unknown>()

  const fail = (e: unknown): void => {
    if (broken) return
    broken = true
    queued.clear()
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    onFail(new Error(`storage unavailable (${why}); continuing in memory`, { cause: e }))
  }

  // Runs one transaction with a deadline; a thrown or rejected operation means memory mode.
  // `ops` lengthens the deadline for a big write: a database that is slow under load is not
  // a dead one (a burst of thousands of events takes seconds to write).
  const run = <T>(mode: IDBTransactionMode, body: (os: IDBObjectStore) => T | PromiseLike<T>, ops = 0): Promise<T | undefined> => {
    if (broken) return Promise.resolve(undefined)
    const deadline = STORAGE_TIMEOUT_MS + ops
    let timeout: ReturnType<typeof setTimeout> | undefined
    const attempt = (): Promise<T> =>
      new Promise<T>((resolve) => {
        store ||= createStore(namespace, 'state')
        resolve(store(mode, body))
      })
    return Promise.race([
      // The browser may close a connection under us ("The database connection is closing":
      // site data cleared, a long-frozen tab): open a new one and try once more.
      attempt().catch((e) => {
        if (!(e && e.name == 'InvalidStateError')) throw e
        store = undefined
        return attempt()
      }),
      new Promise<never>((_, reject) => {
        timeout = setTimeout(() => reject(new Error(`no answer within ${deadline} ms`)), deadline)
      }),
    ]).then(
      (v) => (clearTimeout(timeout), v),
      (e) => (clearTimeout(timeout), fail(e), undefined),
    )
  }

  const flush = (): Promise<void> => {
    clearTimeout(timer)
    timer = undefined
    if (queued.size) {
      const entries = [...queued]
      queued.clear()
      chain = chain.then(() =>
        run('readwrite', (os) => {
          for (const [k, v] of entries) v === undefined ? os.delete(k) : os.put(v, k)
          return promisifyRequest(os.transaction)
        }, entries.length).then(() => undefined),
      )
    }
    return chain
  }

  // Pending writes must not be lost when the tab goes away: write them while it hides.
  const onHide = (): void => {
    if (typeof document === 'undefined' || document.visibilityState === 'hidden') void flush()
  }
  const target = typeof window === 'object' ? window : undefined
  target?.addEventListener('pagehide', onHide)
  target?.addEventListener('visibilitychange', onHide)

  return {
    load: (keys) =>
      run('readonly', (os) => Promise.all(keys.map((k) => promisifyRequest(os.get(k))))).then(
        (values) => values || keys.map(() => undefined),
      ),
    set(key, value) {
      if (broken) return
      queued.set(key, value)
      timer ||= setTimeout(flush, COALESCE_MS)
    },
    cancel: (key) => queued.delete(key),
    tx(mode, body) {
      void flush()
      const done = chain.then(() => run(mode, body))
      chain = done.then(() => {})
      return done
    },
    clear() {
      queued.clear()
      return (chain = chain.then(() => run('readwrite', (os) => promisifyRequest(os.clear())).then(() => undefined)))
    },
    flush,
    close() {
      target?.removeEventListener('pagehide', onHide)
      target?.removeEventListener('visibilitychange', onHide)
      return flush()
    },
    get usable() {
      return !broken
    },
  }
}
