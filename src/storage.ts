import { promisifyRequest } from 'idb-keyval'
import { uuid } from './ids'
import { isObj } from './is'
import { onPageCache } from './page-cache'
import { createStorageCopy } from './storage-copy'
import { dropJournal, hasJournals, saveJournal, takeJournals } from './storage-journal'
import { openStore, type MaybeStore } from './storage-open'
import { newer, type Clock } from './visitor'

/** How long a storage operation may take before we stop waiting and carry on in memory. */
export const STORAGE_TIMEOUT_MS = 1500
/** Writes made within this window share one IndexedDB transaction. */
export const COALESCE_MS = 100

/** Key-value persistence with coalesced writes that degrades to memory. */
export interface Storage {
  /**
   * Reads keys in one transaction, or from the localStorage copy when it holds them all;
   * resolves `undefined` values when storage is unavailable.
   */
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
 * so two namespaces never share state. While `mayCreate()` is false (consent not granted) the
 * database is not created if it does not exist: reads find nothing. When IndexedDB is missing, throws (Firefox private
 * mode), hangs, or runs over quota, `onFail` is told once and everything else becomes a
 * no-op: the instance's state lives in memory anyway, so the page carries on.
 *
 * While the page is in the back/forward cache it makes no IndexedDB write: WebKit never
 * finishes a readwrite transaction of a cached page, and its lock then blocks every other
 * page of the site. Writes under way as the page is cached are aborted and queued again;
 * what is queued goes to a localStorage journal that the next page writes (storage-journal.ts).
 *
 * The `copied` keys are also kept in localStorage (storage-copy.ts), written by the same
 * flushes: a load of only those keys is answered from there, with no IndexedDB round trip.
 */
export function createStorage(namespace: string, onFail: (error: Error) => void, mayCreate = (): boolean => true, copied: string[] = []): Storage {
  let store: MaybeStore | undefined
  let broken = typeof indexedDB == 'undefined' && typeof window != 'object' // SSR: memory, nothing to report
  let timer: ReturnType<typeof setTimeout> | undefined
  let chain: Promise<void> = Promise.resolve()
  const queued = new Map<IDBValidKey, unknown>()
  // The back/forward cache: whether the page is in it, a promise of its return, how many
  // times it went in (a deadline that spans a stay there starts again), its readwrite
  // transactions under way (with the writes each carries) and those aborted as it went in.
  let frozen = false
  let thawed: Promise<void> = Promise.resolve()
  let thaw = (): void => {}
  let stays = 0
  let journaled = false
  let journaling = false
  let replayed = false
  // Unloading (a page hide that is not the back/forward cache): a write the browser cuts off
  // now is the page going, not a broken database, and the copy keeps what it has.
  let leaving = false
  const me = uuid()
  const live = new Map<IDBTransaction, Array<[IDBValidKey, unknown]> | undefined>()
  const cut = new WeakSet<IDBTransaction>()
  const copy = createStorageCopy(namespace, copied, mayCreate)

  // A key or value IndexedDB cannot take is the caller's mistake, not a dead database: that
  // operation fails, and storage carries on.
  const refused = (e: unknown): e is Error => !!e && /^Data(Clone)?Error$/.test((e as Error).name)

  const fail = (e: unknown): void => {
    if (broken || leaving) return
    broken = true
    queued.clear()
    copy.drop() // it may hold writes the database never took: the next page reads the database
    const why = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
    onFail(new Error(`storage unavailable (${why}); continuing in memory`, { cause: e }))
  }

  // Runs one transaction with a deadline; a thrown or rejected operation means memory mode.
  // `ops` lengthens the deadline for a big write: a database that is slow under load is not
  // a dead one (a burst of thousands of events takes seconds to write).
  // `writes`: the puts and deletes a flush carries, queued again if the transaction is cut.
  const run = <T>(
    mode: IDBTransactionMode,
    body: (os: IDBObjectStore) => T | PromiseLike<T>,
    ops = 0,
    writes?: Array<[IDBValidKey, unknown]>,
    none?: () => T,
  ): Promise<T | undefined> => {
    if (broken) return Promise.resolve(undefined)
    const deadline = STORAGE_TIMEOUT_MS + ops
    let timeout: ReturnType<typeof setTimeout> | undefined
    let tx: IDBTransaction | undefined
    let reopened = false
    const attempt = (): Promise<T | undefined> =>
      frozen
        ? thawed.then(attempt) // no transaction starts in the cache
        : new Promise<T | undefined>((resolve) => {
            store ||= openStore(namespace, mayCreate)
            resolve(
              store(mode, (os) => {
                tx = os.transaction
                if (mode == 'readwrite') {
                  const t = tx
                  live.set(t, writes)
                  const done = (): void => void live.delete(t)
                  t.addEventListener('complete', done)
                  t.addEventListener('abort', done)
                }
                return body(os)
              }, none),
            )
          }).catch((e) => {
            // Cut as the page went into the cache: a flush's writes are queued again (and
            // journaled), anything else runs again once the page is back.
            if (tx && cut.has(tx)) return writes ? undefined : thawed.then(attempt)
            // The browser may close a connection under us ("The database connection is
            // closing": site data cleared, a long-frozen tab): open a new one and try once more.
            if (!(e && e.name == 'InvalidStateError') || reopened) throw e
            reopened = true
            store = undefined
            return attempt()
          })
    // Time in the back/forward cache does not count: the deadline starts again after a stay.
    const arm = (reject: (e: Error) => void, stay = stays): void => {
      timeout = setTimeout(
        () => (frozen || stay != stays ? arm(reject) : reject(new Error(`no answer within ${deadline} ms`))),
        deadline,
      )
    }
    return Promise.race([attempt(), new Promise<never>((_, reject) => arm(reject))]).then(
      (v) => (clearTimeout(timeout), v),
      (e) => (clearTimeout(timeout), refused(e) ? onFail(new Error(`storage refused a key or value (${e.message})`)) : fail(e), undefined),
    )
  }

  const put = (os: IDBObjectStore, [k, v]: [IDBValidKey, unknown]): unknown => (v === undefined ? os.delete(k) : os.put(v, k))

  // In the cache, queued writes wait (in the journal) for the page's return.
  const flush = (): Promise<void> => {
    clearTimeout(timer)
    timer = undefined
    if (queued.size && !frozen) {
      const entries = [...queued]
      queued.clear()
      copy.put(entries)
      chain = chain.then(() =>
        run('readwrite', (os) => {
          for (const e of entries) put(os, e)
          return promisifyRequest(os.transaction)
        }, entries.length, entries).then(() => undefined),
      )
    }
    return chain
  }

  // The journal mirrors what is queued while the page is in the cache (page-hide handlers
  // after ours still queue writes), once per burst.
  const journal = (): void => {
    if (!frozen || journaling) return
    journaling = true
    queueMicrotask(() => {
      journaling = false
      if (frozen) journaled = saveJournal(namespace, me, queued)
    })
  }

  const freeze = (): void => {
    if (frozen) return
    frozen = true
    stays++
    thawed = new Promise((resolve) => (thaw = resolve))
    clearTimeout(timer)
    timer = undefined
    for (const [tx, writes] of live) {
      // A newer value queued for the same key wins over the one being written.
      for (const [k, v] of writes || []) if (!queued.has(k)) queued.set(k, v)
      cut.add(tx)
      try {
        tx.abort()
      } catch {
        // Finished meanwhile: its writes are made twice, with the same values.
      }
    }
    journal()
  }

  const unfreeze = (): void => {
    if (!frozen) return
    frozen = false
    // Another page wrote the journal already: those writes are made.
    if (journaled && !dropJournal(namespace, me)) queued.clear()
    journaled = false
    thaw()
    if (queued.size) timer ||= setTimeout(flush, COALESCE_MS)
  }

  // What pages left in the cache owed the database, written before this page's first read. A
  // state carrying a logical clock (`rev`, `epoch`) only replaces an older one: another tab may
  // have moved on since that page was cached (or logged out).
  const replay = (): Promise<void> => {
    if (replayed) return chain
    replayed = true
    const writes = takeJournals(namespace)
    if (!writes.length) return chain
    copy.drop() // until a read of the database after these writes fills it again
    return (chain = chain.then(() =>
      run('readwrite', (os) => {
        for (const w of writes) {
          const v = w[1]
          if (!isObj(v) || typeof v.rev != 'number') put(os, w as [IDBValidKey, unknown])
          else {
            const req = os.get(w[0])
            req.onsuccess = () => void (isObj(req.result) && newer(req.result as Clock, v as Clock) || put(os, w as [IDBValidKey, unknown]))
          }
        }
        return promisifyRequest(os.transaction)
      }, writes.length).then(() => undefined),
    ))
  }

  // Pending writes must not be lost when the tab goes away: write them while it hides.
  const onHide = (e: Event): void => {
    leaving ||= (e as PageTransitionEvent).persisted === false // only a page hide has it
    if (typeof document === 'undefined' || document.visibilityState === 'hidden') void flush()
  }
  const target = typeof window === 'object' ? window : undefined
  // First, so that it hears the page going into the cache before anyone's page-hide work.
  const stopCache = onPageCache(freeze, unfreeze)
  target?.addEventListener('pagehide', onHide)
  target?.addEventListener('visibilitychange', onHide)

  return {
    load(keys) {
      // Writes owed by pages in the back/forward cache go to the database first; the copy lacks them.
      const answer = hasJournals(namespace) ? undefined : copy.read(keys)
      if (answer) return Promise.resolve(answer)
      // A namespace the copy knows nothing of (null) is most likely new to this device: the
      // database is asked whether it exists before it is opened, which would create it.
      return replay()
        .then(() => run('readonly', (os) => Promise.all(keys.map((k) => promisifyRequest(os.get(k)))), 0, undefined, answer === null ? () => keys.map(() => undefined) : undefined))
        .then((values) => (values ? (copy.fill(keys, values), values) : keys.map(() => undefined)))
    },
    set(key, value) {
      if (broken) return
      queued.set(key, value)
      if (frozen) journal()
      else timer ||= setTimeout(flush, COALESCE_MS)
    },
    cancel: (key) => (journal(), queued.delete(key)),
    tx(mode, body) {
      void flush()
      const done = chain.then(() => run(mode, body))
      chain = done.then(() => {})
      return done
    },
    clear() {
      queued.clear()
      journal()
      takeJournals(namespace) // other pages' too: consent denied, or the store wiped
      copy.drop()
      return (chain = chain.then(() => run('readwrite', (os) => promisifyRequest(os.clear())).then(() => undefined)))
    },
    flush,
    close() {
      stopCache()
      target?.removeEventListener('pagehide', onHide)
      target?.removeEventListener('visibilitychange', onHide)
      return flush()
    },
    get usable() {
      return !broken
    },
  }
}
