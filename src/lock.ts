/**
 * Runs `fn` while holding the origin-wide Web Lock `name`, so that one tab at a time does a
 * job all tabs share (fetching the playbook, later delivering events). With `ifAvailable`,
 * a tab that finds the lock taken skips the job (another tab is doing it) and gets
 * `undefined`. Where Web Locks are missing (older Safari) or refused (sandboxed frames),
 * `fn` runs anyway: a duplicate job is better than none. `fn` must not reject.
 */
export function withLock<T>(name: string, ifAvailable: boolean, fn: () => Promise<T>): Promise<T | undefined> {
  const locks = typeof navigator == 'object' ? navigator.locks : undefined
  let ran = false
  const run = (): Promise<T> => ((ran = true), fn())
  return locks
    ? (locks.request(name, { ifAvailable }, (lock) => (lock ? run() : undefined)) as Promise<T | undefined>).catch(() =>
        ran ? undefined : run(),
      )
    : run()
}
