/**
 * Styles for every shadow root: one constructable stylesheet, shared through
 * `adoptedStyleSheets` (a strict CSP's `style-src 'self'` does not block it, unlike a
 * `<style>` element or `style` attributes). Where that is missing, a `<link>` to the
 * served `waymark.css`, when the page said where it is; without it the elements work unstyled.
 */
import { h } from './dom'
import { page } from './shared'
import css from './styles.css?raw'

// Created on first use, then shared by every root; null where construction is unsupported.
let sheet: CSSStyleSheet | null | undefined

/** Applies the elements' stylesheet to a shadow root. */
export function adoptStyles(root: ShadowRoot): void {
  if ('adoptedStyleSheets' in root) {
    if (sheet === undefined) {
      try {
        sheet = new CSSStyleSheet()
        sheet.replaceSync(css)
      } catch {
        sheet = null
      }
    }
    if (sheet) {
      root.adoptedStyleSheets = [sheet]
      return
    }
  }
  const href = page().stylesheet
  if (href) root.append(h('link', { rel: 'stylesheet', href }))
}
