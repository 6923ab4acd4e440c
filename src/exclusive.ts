/**
 * A section no two tabs of a namespace run at once, for what must be decided once across
 * them (a capped offer): a Web Lock, then the visitor record other tabs stored (their counts
 * are taken in), the work, and the record written back before the next tab may read it.
 */
import { withLock } from './lock'
import type { Storage } from './storage'

/** What the section needs from the instance. */
export interface ExclusiveDeps {
  lock: string
  storage: Storage
  /** Whether tabs share state now (consent to store). */
  usable(): boolean
  /** Reads the visitor record as stored (with another tab's counts). */
  read(): Promise<unknown>
  /** Takes in what `read` gave. */
  take(stored: unknown): void
  save(): void
  /** Runs page-facing work so that it cannot throw (the instance's own wrapper). */
  guard(fn: () => void): void
}

/**
 * Creates `exclusive(fn)`. Where tabs cannot share (no Web Locks, no storage, no consent),
 * `fn` runs at once: each tab decides alone, as before.
 */
export function createExclusive(d: ExclusiveDeps): (fn: () => void) => void {
  return (fn) => {
    if (typeof navigator != 'object' || !navigator.locks || !d.usable() || !d.storage.usable) return fn()
    void withLock(d.lock, false, async () => {
      d.take(await d.read())
      d.guard(fn)
      d.save()
      await d.storage.flush() // before the next tab reads it
    })
  }
}
