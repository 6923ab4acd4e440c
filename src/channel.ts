import { onPageCache } from './page-cache'

/** A cross-tab message channel; a no-op where `BroadcastChannel` is missing. */
export interface Channel {
  post(message: unknown): void
  /** Posts what `make` returns a microtask later (nothing if falsy): one post per burst of changes. */
  soon(make: () => unknown): void
  close(): void
}

/**
 * Opens the namespace's channel: tabs of the same origin and namespace hear each other.
 * While the page is in the back/forward cache the channel is closed: a message arriving
 * there makes Chromium and Firefox evict the page, and every other page of the site posts one
 * as it starts. What the page missed meanwhile it reads from storage when it comes back.
 */
export function createChannel(name: string, onMessage: (message: unknown) => void): Channel {
  let bc: BroadcastChannel | undefined
  let due = false
  const open = (): void => {
    try {
      bc = new BroadcastChannel(name)
      bc.onmessage = (e) => onMessage(e.data)
    } catch {
      // No BroadcastChannel (old Safari, SSR): each tab keeps its own state until reload.
    }
  }
  const shut = (): void => {
    bc?.close()
    bc = undefined
  }
  open()
  // Shut after the instance's own page-hide work (a bubbling listener, after the storage's
  // and the delivery's capturing ones), so what that work posts still goes out.
  const hide = (e: PageTransitionEvent): void => void (e.persisted && shut())
  const win = typeof window == 'object'
  if (win) addEventListener('pagehide', hide)
  const stopShow = onPageCache(() => {}, () => bc || open())
  const stop = (): void => {
    if (win) removeEventListener('pagehide', hide)
    stopShow()
  }
  const post = (message: unknown): void => {
    try {
      bc?.postMessage(message)
    } catch {
      // Closed channel or uncloneable data: the next change posts a fresh snapshot.
    }
  }
  return {
    post,
    soon(make) {
      if (due) return
      due = true
      queueMicrotask(() => {
        due = false
        const message = make()
        if (message) post(message)
      })
    },
    close: () => (stop(), shut()),
  }
}
