/**
 * The sync as the instance holds it: its code (fetch, schedule, validation, signatures) is a
 * part loaded on demand. A stored copy that needs none of it is applied at once
 * (`cachedPlaybook`), and a start with no copy has nothing to apply: then the code loads after
 * `ready`, off the first decision's path; with a copy checked under 30 s ago, not before that
 * copy is 30 s old (see `start`). Calls made before it arrives wait for it, in order; nothing
 * is lost. Without a playbook source nothing loads at all.
 */
import { VISIBLE_GAP_MS, cachedPlaybook, isRecord, sourceKey } from './cached'
import type { CacheRecord } from './fetch'
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
  // The sync's start, once: at `start`, or later for a copy checked just now (see there).
  let begin = (): void => {}
  let timer: ReturnType<typeof setTimeout> | undefined
  return {
    // What needs no sync code is done at once, so `ready` waits for no part: a stored copy
    // that may be put in force (the sync takes it as the copy in force when it arrives), or
    // none at all for a URL or function (the sync only schedules the first fetch).
    start(stored) {
      const cached = cachedPlaybook(stored, source, publicKey)
      const applied = cached && d.apply(cached, 'cache')
      if (!cached && (publicKey || typeof source == 'object' || isRecord(stored, sourceKey(source)))) return later((s) => s.start(stored))
      begin = () => {
        begin = () => {}
        clearTimeout(timer)
        void later((s) => s.start(stored, cached))
      }
      // A copy in force checked under 30 s ago (or `refreshSeconds`, if shorter) has no check
      // due before then, by timer or by the tab being shown again, so the sync's code loads
      // then: most page views of a visit come within that time, and load none of it. A call
      // that needs the sync (refresh, another tab's copy) starts it at once.
      const gap = Math.min(d.refreshSeconds * 1000, VISIBLE_GAP_MS)
      const wait = cached ? (stored as CacheRecord).at + gap - Date.now() : 0
      // Over the gap: a copy checked "in the future" (a clock set back), which the sync checks now.
      if (wait > 0 && wait <= gap) timer = setTimeout(begin, wait)
      else begin()
      return Promise.resolve(applied).then(() => {})
    },
    refresh: () => (begin(), later((s) => s.refresh())),
    receive: (record) => void (sync ? sync.receive(record) : (begin(), later((s) => s.receive(record)))),
    stop() {
      stopped = true
      clearTimeout(timer)
      sync?.stop()
    },
  }
}
