/**
 * The sync as the instance holds it: its code (fetch, schedule, validation, signatures) is a
 * part loaded on demand. A stored copy that needs none of it is applied at once
 * (`cachedPlaybook`), and a start with no copy has nothing to apply: then the code loads after
 * `ready`, off the first decision's path. Calls made before it arrives wait for it, in order;
 * nothing is lost. Without a playbook source nothing loads at all.
 */
import { cachedPlaybook, isRecord, sourceKey } from './cached'
import type { Sync, SyncDeps } from './sync'

/** Loads the sync module (a dynamic import, or the split script tag's part). */
export type SyncLoader = () => Promise<{ createSync(d: SyncDeps): Sync }>

/** A {@link Sync} whose code loads when needed and whose calls wait for it. */
export function deferSync(load: SyncLoader, d: SyncDeps): Sync {
  const { source, publicKey } = d
  let sync: Sync | undefined
  let stopped = false
  let loaded: Promise<void> | undefined
  const ensure = (): Promise<void> =>
    (loaded ||= source === undefined
      ? Promise.resolve()
      : load().then(
          (m) => void (stopped || (sync = m.createSync(d))),
          // The last good playbook cannot be applied either: say so, and decide with the defaults.
          (e: Error) => d.fail(`playbook sync did not load: ${e.message}`),
        ))
  // A start that will need it (a signature to check, an inline playbook to validate) loads it
  // now, while the stored state is read; any other, as it starts: after `ready`'s own work.
  if (publicKey || (source && typeof source == 'object')) void ensure()
  const later = (fn: (s: Sync) => unknown): Promise<void> => ensure().then(async () => void (sync && (await fn(sync))))
  return {
    // What needs no sync code is done at once, so `ready` waits for no part: a stored copy
    // that may be put in force (the sync takes it as the copy in force when it arrives), or
    // none at all for a URL or function (the sync only schedules the first fetch).
    start(stored) {
      const cached = cachedPlaybook(stored, source, publicKey)
      if (cached) d.apply(cached, 'cache')
      if (!cached && (publicKey || typeof source == 'object' || isRecord(stored, sourceKey(source)))) return later((s) => s.start(stored))
      void later((s) => s.start(stored, cached))
      return Promise.resolve()
    },
    refresh: () => later((s) => s.refresh()),
    receive: (record) => void (sync ? sync.receive(record) : later((s) => s.receive(record))),
    stop() {
      stopped = true
      sync?.stop()
    },
  }
}
