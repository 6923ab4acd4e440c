/**
 * The content of an offer: title, body, promo code with a copy button, call to action and a
 * close button. Every text is set as text; a CTA is a link only for an http(s) or relative URL.
 */
import type { Offer, Waymark } from '../types'
import { h, link, named, safeUrl } from './dom'
import { tx } from './texts'

/**
 * Builds an offer's node with `part` (banner, toast, modal or inline). `after` runs once the
 * visitor clicked the CTA or closed the offer, and removes it.
 */
export function offerView(offer: Offer, wm: Waymark, part: string, after: () => void): HTMLElement {
  // click() and dismiss() record the outcome and free the overlay slot; only the first counts.
  const end = (how: 'click' | 'dismiss') => () => {
    offer[how]()
    after()
  }
  // Close first in the document, so a modal's first focusable is the harmless way out.
  const close = h('button', named('close', { type: 'button', 'aria-label': tx(wm, 'offer.close') }), '×')
  close.addEventListener('click', end('dismiss'))
  const el = h(
    'div',
    { part, class: `offer ${part}` },
    close,
    h(
      'div',
      { class: 'text' },
      // A preview link's offer says so: nothing the visitor does with it is recorded.
      offer.preview && h('p', named('preview'), tx(wm, 'offer.preview')),
      offer.title && h(part === 'modal' ? 'h2' : 'p', named('title', { id: 'title' }), offer.title),
      offer.body && h('p', named('body', { id: 'body' }), offer.body),
    ),
  )
  if (offer.code) el.append(codeBox(wm, String(offer.code)))
  const cta = offer.cta
  if (cta && cta.label) {
    const url = safeUrl(cta.href)
    const attrs = named('cta')
    const button = url ? link(url, attrs, cta.label) : h('button', { ...attrs, type: 'button' }, cta.label)
    // A link navigates on its own (an <a> follows its href even once removed): no preventDefault.
    button.addEventListener('click', end('click'))
    el.append(button)
  }
  return el
}

/** The promo code and its copy button ("Copied" once the clipboard took it). */
function codeBox(wm: Waymark, code: string): HTMLElement {
  const value = h('code', named('code'), code)
  const copy = h('button', named('copy', { type: 'button' }), tx(wm, 'offer.copy'))
  // Without clipboard access (an insecure page, a denied permission) the code is selected,
  // ready for the visitor's own copy.
  const select = () => {
    const selection = getSelection()
    if (!selection) return
    const range = document.createRange()
    range.selectNodeContents(value)
    selection.removeAllRanges()
    selection.addRange(range)
  }
  copy.addEventListener('click', () => {
    const clipboard = navigator.clipboard
    if (!clipboard) return select()
    clipboard.writeText(code).then(() => void (copy.textContent = tx(wm, 'offer.copied')), select)
  })
  return h('p', { class: 'codebox' }, h('span', { class: 'codelabel' }, tx(wm, 'offer.code')), value, copy)
}
