/** DOM helpers for the elements. Text only ever goes in as text nodes, never as markup. */

type Child = Node | string | false | null | undefined
/** Attributes of a node; undefined ones are left out. */
type Attrs = Record<string, string | undefined>

/**
 * Creates an element with attributes (undefined ones skipped) and children; strings become
 * text nodes, so remote text can never turn into markup.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, v)
  for (const c of children) if (c) el.append(c)
  return el
}

/**
 * Runs `fn` once the document is parsed: a script in <head> can fire an offer before there
 * is a body to show it in, or before the page's own host or slot is parsed.
 */
export const parsed = (fn: () => void): void =>
  document.readyState == 'loading' ? document.addEventListener('DOMContentLoaded', fn, { once: true }) : fn()

/** Attributes of a node whose `part` (the page's styling hook) and class (ours) share `name`. */
export const named = (name: string, attrs?: Attrs): Attrs => ({ part: name, class: name, ...attrs })

/**
 * The URL of a link that is safe to follow: http(s) or relative to the page. Anything else
 * (`javascript:`, `data:`, a malformed URL) gives null, and the caller renders no link.
 */
export function safeUrl(href: unknown): URL | null {
  if (typeof href !== 'string' || !href.trim()) return null
  try {
    const url = new URL(href, location.href)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null
  } catch {
    return null
  }
}

/** A link to a safe URL; one leaving the site gets `rel="noopener noreferrer"`. */
export function link(url: URL, attrs: Attrs, text: string): HTMLAnchorElement {
  const external = url.origin !== location.origin ? 'noopener noreferrer' : undefined
  return h('a', { ...attrs, href: url.href, rel: external }, text)
}
