/**
 * A cross-tab mutex for browsers without Web Locks: a lease record in the namespace's store,
 * taken and checked in one readwrite transaction (IndexedDB runs those one at a time per
 * store, across tabs). A tab that dies holding it blocks the others only until it expires;
 * what that tab was sending is still queued, so the next holder sends it again under the
 * same ids, and the collector drops the copy if the first one had arrived.
 */
import { uuid } from '../ids'
import { isObj } from '../is'
import type { Storage } from '../storage'

/** How long a lease lasts: longer than one delivery attempt (a 10 s timeout and a delete). */
export const LEASE_MS = 30_000

/** Creates `withLease(fn)`: runs `fn` holding the lease `key`, or returns undefined when another live tab holds it. */
export function createLease(storage: Storage, key: string): <T>(fn: () => Promise<T>) => Promise<T | undefined> {
  const me = uuid()
  const ours = (l: unknown): boolean => isObj(l) && l.tab === me
  const update = (take: boolean): Promise<boolean | undefined> =>
    storage.tx('readwrite', (os) => {
      const req = os.get(key)
      return new Promise<boolean>((resolve) => {
        req.onsuccess = () => {
          const now = Date.now()
          const l = req.result
          // A lease further ahead than it can last was taken on a clock since set back: expired.
          const left = isObj(l) ? (l.until as number) - now : 0
          const free = ours(l) || !(left > 0 && left <= LEASE_MS)
          if (take && free) os.put({ tab: me, until: now + LEASE_MS }, key)
          if (!take && ours(l)) os.delete(key)
          resolve(free)
        }
        req.onerror = () => resolve(false)
      })
    })
  return async (fn) => {
    // Storage gone (undefined): nothing is shared between tabs any more, so no lease is needed.
    if ((await update(true)) === false) return undefined
    try {
      return await fn()
    } finally {
      void update(false)
    }
  }
}
