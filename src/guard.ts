/**
 * The instance's life: public methods never throw, wait in line (in call order) until the
 * stored state is loaded, and do nothing once it is destroyed.
 */

/** The guard of one instance. */
export interface Guard {
  /** Wraps a public method: run now, or queued until `open()`; a throw is reported, never passed on. */
  api<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void
  /** The stored state is loaded: methods run at once from now on. */
  open(): void
  /** Runs what waited, in call order (after the start's own events). */
  replay(): void
  /** Destroyed: drops what waits and refuses what comes. */
  close(): void
  /** Starts `begin` once `ready` resolves, unless stopped or destroyed first; returns the stop. */
  later(ready: Promise<unknown>, begin: () => () => void): () => void
  readonly loaded: boolean
  readonly destroyed: boolean
}

/** Creates a guard that reports a method's throw through `fail`. */
export function createGuard(fail: (message: string, cause?: unknown) => void): Guard {
  let loaded = false
  let destroyed = false
  const waiting: Array<() => void> = []
  return {
    api:
      (fn) =>
      (...args) => {
        const run = (): void => {
          try {
            fn(...args)
          } catch (e) {
            fail('internal error', e)
          }
        }
        if (!destroyed) loaded ? run() : waiting.push(run)
      },
    open() {
      loaded = true
    },
    replay() {
      waiting.splice(0).forEach((run) => run())
    },
    close() {
      destroyed = true
      waiting.length = 0
    },
    later(ready, begin) {
      let stop: (() => void) | undefined
      let stopped = false
      void ready.then(() => stopped || destroyed || (stop = begin()))
      return () => void ((stopped = true), stop && stop())
    },
    get loaded() {
      return loaded
    },
    get destroyed() {
      return destroyed
    },
  }
}
