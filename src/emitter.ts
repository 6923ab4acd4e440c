/** A listener-keyed event emitter, typed by an event map. */
export interface Emitter<M> {
  /** Adds a listener; returns the function that removes it. */
  on<K extends keyof M>(type: K, listener: (payload: M[K]) => void): () => void
  /** Calls every listener of `type`; a listener that throws does not stop the others. Returns whether anyone listened. */
  emit<K extends keyof M>(type: K, payload: M[K]): boolean
  /** Removes every listener. */
  clear(): void
}

/**
 * Creates an emitter. A throwing listener is the page's bug, not ours: it is reported the
 * way `EventTarget` reports it (`reportError`, so it shows as an uncaught error in the
 * console) without breaking Waymark's own flow or the other listeners.
 */
export function createEmitter<M>(): Emitter<M> {
  const listeners = new Map<keyof M, Set<(payload: never) => void>>()
  return {
    on(type, listener) {
      let set = listeners.get(type)
      if (!set) listeners.set(type, (set = new Set()))
      set.add(listener)
      return () => void set.delete(listener)
    },
    emit(type, payload) {
      const set = listeners.get(type)
      if (set) for (const listener of [...set]) {
        try {
          (listener as (p: M[typeof type]) => void)(payload)
        } catch (e) {
          const report = (globalThis as { reportError?: (e: unknown) => void }).reportError
          if (report) report(e)
          else setTimeout(() => { throw e })
        }
      }
      return !!set && set.size > 0
    },
    clear: () => listeners.clear(),
  }
}
