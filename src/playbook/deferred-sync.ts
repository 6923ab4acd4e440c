/**
 * The sync as the instance holds it: its code (fetch, schedule, validation, signatures) is a
 * part loaded on demand, started as the instance is made so it loads while the stored state
 * is read. A stored copy that needs none of it is applied at once (`cachedPlaybook`); other
 * calls made before it arrives wait for it, in order; nothing is lost. Without a playbook
 * source nothing loads at all.
 */
import { cachedPlaybook } from './cached'
import type { Sync, SyncDeps } from './sync'

/** Loads the sync module (a dynamic import, or the split script tag's part). */
export type SyncLoader = () => Promise<{ createSync(d: SyncDeps): Sync }>

/** A {@link Sync} whose code loads now and whose calls wait for it. */
export function deferSync(load: SyncLoader, d: SyncDeps): Sync {
  let sync: Sync | undefined
  let stopped = false
  const loaded: Promise<void> =
    d.source === undefined
      ? Promise.resolve()
      : load().then(
          (m) => void (stopped || (sync = m.createSync(d))),
          // The last good playbook cannot be applied either: say so, and decide with the defaults.
          (e: Error) => d.fail(`playbook sync did not load: ${e.message}`),
        )
  const later = (fn: (s: Sync) => unknown): Promise<void> => loaded.then(() => void (sync && fn(sync)))
  return {
    // A stored copy that may be put in force without the sync's code is, at once: `ready`
    // waits for no part then, and the sync takes it as the copy in force when it arrives.
    start(stored) {
      const cached = cachedPlaybook(stored, d.source, d.publicKey)
      if (!cached) return loaded.then(() => sync?.start(stored))
      d.apply(cached, 'cache')
      void loaded.then(() => sync?.start(stored, cached))
      return Promise.resolve()
    },
    refresh: () => loaded.then(() => sync?.refresh()),
    receive: (record) => void (sync ? sync.receive(record) : later((s) => s.receive(record))),
    stop() {
      stopped = true
      sync?.stop()
    },
  }
}
