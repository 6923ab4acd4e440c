/** Renders an instance's offers: overlays in `<waymark-overlay>`, inline ones in slots. */
import type { Offer, Waymark } from '../types'
import { page, type OverlayHost } from './shared'
import { refreshSlots } from './slot'

/** Shows an overlay offer in the page's overlay host, creating the host on first use. */
function showOverlay(offer: Offer, wm: Waymark): void {
  // A script in <head> can fire an offer before there is a body to show it in, or before the
  // page's own host is parsed: it shows once the document is.
  if (document.readyState == 'loading') return void document.addEventListener('DOMContentLoaded', () => showOverlay(offer, wm), { once: true })
  const state = page()
  let host = state.overlay
  // The page's own host (placed where an in-flow banner belongs), else one at the end of <body>.
  if (!host?.isConnected)
    host = state.overlay =
      document.querySelector<OverlayHost>('waymark-overlay') ||
      document.body.appendChild(document.createElement('waymark-overlay') as OverlayHost)
  host.show(offer, wm)
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
    const kind = offer.kind
    if (kind === 'banner' || kind === 'toast' || kind === 'modal') showOverlay(offer, wm)
    else if (kind === 'inline' && typeof offer.placement === 'string') {
      page().inline.set(offer.placement, { offer, wm })
      refreshSlots(offer.placement)
    }
  })
  return () => (off(), stop())
}
