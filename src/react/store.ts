/**
 * External stores over a Waymark instance, for React's `useSyncExternalStore`. A store reads
 * one value of the instance, reads it again when one of the instance's events may have changed
 * it, and keeps handing out the previous snapshot while the new one is the same: React then
 * has nothing to re-render. Nothing here touches the instance before a hook asks.
 */
import type { Waymark, WaymarkEventMap } from '../types'

/** What `useSyncExternalStore` takes: a subscription and the current snapshot. */
export interface Store<T> {
  /** Listens to the instance; calls `changed` only when the snapshot did change. Returns the unsubscribe. */
  subscribe(changed: () => void): () => void
  /** The current snapshot: the same object for as long as the value is the same. */
  get(): T
}

/**
 * A store of `read(wm)`, re-read on the given events of `wm` and when `wm.ready` resolves
 * (the stored visitor arrives then, with no event of its own when nothing else happens).
 * `same` decides when a fresh read is no change. Without an instance, the store holds `empty`.
 */
export function watchStore<T>(
  wm: Waymark | null,
  empty: T,
  read: (wm: Waymark) => T,
  same: (a: T, b: T) => boolean,
  events: Array<keyof WaymarkEventMap>,
): Store<T> {
  let current: T | undefined
  let known = false
  // Reads now; true when the snapshot changed (the first read is no change: nobody saw one before).
  const refresh = (): boolean => {
    if (!wm) return false
    const next = read(wm)
    if (known && same(current as T, next)) return false
    const first = !known
    current = next
    known = true
    return !first
  }
  return {
    subscribe(changed) {
      if (!wm) return () => {}
      let on = true
      const check = (): void => void (on && refresh() && changed())
      const offs = events.map((type) => wm.on(type, check))
      // `ready` may already have resolved: a check then costs one read and changes nothing.
      void Promise.resolve(wm.ready).then(check, () => {})
      return () => {
        on = false
        offs.forEach((off) => off())
      }
    },
    get() {
      if (!wm) return empty
      refresh()
      return current as T
    },
  }
}
