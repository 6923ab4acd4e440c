/**
 * Page visibility, for work that pauses while the tab is hidden (order polls, playbook
 * checks) and catches up when it is shown. Under SSR there is no document: never hidden,
 * never shown.
 */

/** Whether the tab is hidden now. */
export const hidden = (): boolean => typeof document == 'object' && document.visibilityState == 'hidden'

/** Calls `fn` each time the tab becomes visible; returns the function that stops it. */
export function onShown(fn: () => void): () => void {
  if (typeof document != 'object') return () => {}
  const listener = (): void => void (hidden() || fn())
  document.addEventListener('visibilitychange', listener)
  return () => document.removeEventListener('visibilitychange', listener)
}
