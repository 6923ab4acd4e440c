/** Renders an instance's offers: overlays in `<waymark-overlay>`, inline ones in slots. */
import type { Offer, Waymark } from '../types'
import { parsed } from './dom'
import { page, type OverlayHost } from './shared'
import { refreshSlots } from './slot'

/** Shows an overlay offer in the page's overlay host, creating the host on first use. */
function showOverlay(offer: Offer, wm: Waymark): void {
  parsed(() => {
    const state = page()
    let host = state.overlay
    // The page's own host (placed where an in-flow banner belongs), else one at the end of <body>.
    if (!host?.isConnected)
      host = state.overlay =
        document.querySelector<OverlayHost>('waymark-overlay') ||
        document.body.appendChild(document.createElement('waymark-overlay') as OverlayHost)
    host.show(offer, wm)
  })
}

/**
 * Shows an inline offer in the slots of its placement, now or when one comes. A preview there
 * stays until it is closed (whoever opened the link came to see it): a live offer waits behind it.
 */
function showInline(offer: Offer, wm: Waymark, placement: string): void {
  const inline = page().inline
  const on = inline.get(placement)
  if (on && on.offer.preview && !offer.preview) on.next = { offer, wm }
  else inline.set(placement, { offer, wm }), refreshSlots(placement)
}

/**
 * A preview link's inline offer: in its slot when the page shows one, else as a toast, so
 * whoever opened the link sees it either way (contract: "Preview links").
 */
function showPreview(offer: Offer, wm: Waymark, placement: string): void {
  parsed(() => {
    for (const slot of document.querySelectorAll('waymark-slot'))
      if (slot.getAttribute('name') === placement && slot.checkVisibility?.() !== false) return showInline(offer, wm, placement)
    showOverlay({ ...offer, kind: 'toast' }, wm)
  })
}

/** Takes down `wm`'s offers on screen, recording nothing: they were made for a user who logged out. */
function takeDown(wm: Waymark): void {
  const { overlay, inline } = page()
  if (overlay?.current?.wm === wm) overlay.clear()
  for (const [name, entry] of inline) if (entry.wm === wm) inline.delete(name), refreshSlots(name)
}

/** Starts rendering `wm`'s offers; returns the function that stops it. Headless offers are left to the page. */
export function startOffers(wm: Waymark): () => void {
  const off = wm.on('profile', (change) => void (change && change.reason === 'reset' && takeDown(wm)))
  const stop = wm.on('offer', (offer) => {
    const { kind, placement } = offer
    if (kind === 'banner' || kind === 'toast' || kind === 'modal') showOverlay(offer, wm)
    else if (kind === 'inline' && typeof placement === 'string') (offer.preview ? showPreview : showInline)(offer, wm, placement)
  })
  return () => (off(), stop())
}
