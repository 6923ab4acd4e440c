/**
 * Focus handling of a modal offer: focus moves into it, Tab and Shift+Tab stay inside,
 * Escape closes it, and focus returns to where it was when it closes.
 */

// A modal holds only the SDK's own links and buttons.
const FOCUSABLE = 'a[href],button:not([disabled])'

/** The focused element, looking inside shadow roots (the page may use web components too). */
function deepActive(): HTMLElement | null {
  let el = document.activeElement
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement
  return el as HTMLElement | null
}

/**
 * Traps focus in `dialog`, which lives in `host`'s shadow root. `escape` runs on Escape.
 * Returns the function that releases the trap and restores focus.
 */
export function trapFocus(host: HTMLElement, dialog: HTMLElement, escape: () => void): () => void {
  const previous = deepActive()
  const root = dialog.getRootNode() as ShadowRoot
  const items = () => Array.from(dialog.querySelectorAll<HTMLElement>(FOCUSABLE))
  const enter = () => (items()[0] || dialog).focus()
  dialog.setAttribute('tabindex', '-1')
  enter()

  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      escape()
    } else if (e.key === 'Tab') {
      const list = items()
      const active = root.activeElement
      const outside = !active || !dialog.contains(active)
      const edge = e.shiftKey ? list[0] : list[list.length - 1]
      if (outside || active === edge || !list.length) {
        e.preventDefault()
        ;(e.shiftKey ? list[list.length - 1] : list[0])?.focus()
      }
    }
  }
  // Focus that leaves by other means (a click on the page, a script) is brought back.
  const onFocus = (e: FocusEvent) => {
    if (!host.contains(e.target as Node)) enter()
  }
  document.addEventListener('keydown', onKey, true)
  document.addEventListener('focusin', onFocus, true)
  return () => {
    document.removeEventListener('keydown', onKey, true)
    document.removeEventListener('focusin', onFocus, true)
    if (previous && previous.isConnected && typeof previous.focus === 'function') previous.focus()
  }
}
