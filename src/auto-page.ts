import { redactUrl } from './redact'
import type { Props } from './types'

const NAVIGATE = 'waymark:navigate'

/**
 * What a page view records of the page: path, URL, referrer and title (nothing under SSR).
 * The URLs lose their fragment and the values of the query names in `redact`.
 */
export function pageProps(redact: string[], referrer?: string): Props {
  if (typeof location !== 'object') return {}
  const url = (u: string): string => redactUrl(u, redact)
  return { path: location.pathname, url: url(location.href), referrer: url(referrer ?? document.referrer), title: document.title }
}
let patched = false

// The history API fires no event of its own, so pushState and replaceState are wrapped
// once per page to announce themselves; every instance listens for the announcement.
function patchHistory(): void {
  if (patched) return
  patched = true
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method]
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      const result = original.apply(this, args)
      dispatchEvent(new Event(NAVIGATE))
      return result
    }
  }
}

/**
 * Calls `onNavigate(previousUrl)` after an SPA navigation changes the path or query
 * (pushState, replaceState, back/forward). Hash-only changes and replaceState calls that
 * keep the URL (scroll restoration, state updates) are not page views. Returns `stop`.
 */
export function watchNavigation(onNavigate: (previousUrl: string) => void): () => void {
  if (typeof window !== 'object' || typeof history !== 'object') return () => {}
  patchHistory()
  const key = (): string => location.pathname + location.search
  let last = key()
  let lastUrl = location.href
  // Synchronous, so a track() right after pushState lands after that page's view.
  const check = (): void => {
    const now = key()
    if (now === last) return
    const previous = lastUrl
    last = now
    lastUrl = location.href
    onNavigate(previous)
  }
  addEventListener(NAVIGATE, check)
  addEventListener('popstate', check)
  return () => {
    removeEventListener(NAVIGATE, check)
    removeEventListener('popstate', check)
  }
}
