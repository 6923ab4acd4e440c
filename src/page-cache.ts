/**
 * The back/forward cache: a page the visitor navigates away from may be kept, frozen, and
 * shown again on Back (`pagehide` / `pageshow` with `persisted`). Nothing of the page runs
 * meanwhile, and nothing it started may hold up the pages that follow it.
 */

/**
 * Calls `onFreeze` as the page goes into the cache and `onThaw` when it comes back; returns
 * the function that stops listening. Capture listeners on window, so a module that registers
 * first hears first (the storage must stop writing before anyone else's page-hide work).
 */
export function onPageCache(onFreeze: () => void, onThaw: () => void): () => void {
  if (typeof window != 'object') return () => {}
  const hide = (e: PageTransitionEvent): void => void (e.persisted && onFreeze())
  const show = (e: PageTransitionEvent): void => void (e.persisted && onThaw())
  addEventListener('pagehide', hide, true)
  addEventListener('pageshow', show, true)
  return () => {
    removeEventListener('pagehide', hide, true)
    removeEventListener('pageshow', show, true)
  }
}
