// The example's React app: a provider, the four hooks and the three elements. No side effect
// at import and no browser global while rendering, so the build renders it on the server
// (server.tsx, at build time) and the browser hydrates that markup (client.tsx).
import { useEffect } from 'react'
import type { Offer, WaymarkOptions } from 'waymark'
import { defineElements } from 'waymark/elements'
import { useGreeting, useJourney, useOffers, useWaymark, WaymarkProvider } from 'waymark/react'

// Read once, when the provider mounts in the browser: it makes the instance then (never on the
// server) and destroys it on unmount. sessionMinutes: 1 makes a return visible within minutes.
const OPTIONS: WaymarkOptions = {
  playbook: '/playbook.json',
  collect: '/collect',
  orders: '/api/orders/{id}',
  locale: 'en',
  sessionMinutes: 1,
}
const STAGES = ['consider', 'evaluate', 'buy', 'enjoy', 'advocate', 'bond']

export function App() {
  return (
    <WaymarkProvider options={OPTIONS}>
      <Elements />
      <header className="site-header">
        <a className="brand" href="/">
          Northbean <span>Coffee</span>
        </a>
        <span className="tag">npm · React 18</span>
        <Greeting />
      </header>
      <main>
        <section aria-labelledby="journey-title">
          <h2 id="journey-title">Journey (useJourney)</h2>
          <Journey />
          <Actions />
        </section>
        <section aria-labelledby="offers-title">
          <h2 id="offers-title">Offers on screen (useOffers)</h2>
          <Offers />
          <waymark-slot name="catalogue-top" />
        </section>
        <section aria-labelledby="elements-title">
          <h2 id="elements-title">Elements in JSX</h2>
          <waymark-greeting first-visit-text="Hello! First time here?" />
          <waymark-order-status order-id="R-1001" />
        </section>
      </main>
    </WaymarkProvider>
  )
}

/** Registers the elements once the provider's instance exists (in the browser, after mount). */
function Elements() {
  const wm = useWaymark()
  useEffect(() => {
    if (!wm) return
    defineElements(wm, { stylesheet: '/waymark.css' })
    ;(window as { wm?: unknown }).wm = wm // for the console: try wm.journey() or wm.explain('free-shipping-nudge')
  }, [wm])
  return null
}

/** Re-renders only when the greeting's text changes. */
function Greeting() {
  const greeting = useGreeting()
  return (
    <p className="greeting" role="status">
      {greeting ? greeting.text : 'Hello! Come back in a minute to be greeted.'}
    </p>
  )
}

function Journey() {
  const { stage, stages } = useJourney()
  const reached = new Set(stages.map((s) => s.id))
  return (
    <ol className="stages">
      {STAGES.map((id) => (
        <li key={id} aria-current={id === stage ? 'step' : undefined} className={reached.has(id) ? 'reached' : undefined}>
          {id}
        </li>
      ))}
    </ol>
  )
}

function Actions() {
  const wm = useWaymark()
  return (
    <p className="actions">
      <button type="button" disabled={!wm} onClick={() => wm?.track('product_viewed', { sku: 'ETH-250' })}>
        View a product
      </button>
      <button type="button" disabled={!wm} onClick={() => wm?.track('cart_viewed', { total: 45, gap: 5 })}>
        View the cart (€45)
      </button>
      <button type="button" disabled={!wm} onClick={() => wm?.identify('u-42', { firstName: 'Anna' })}>
        Log in as Anna
      </button>
      <button type="button" disabled={!wm} onClick={() => wm?.reset()}>
        Log out
      </button>
    </p>
  )
}

/** Banners, toasts, modals and inline offers are drawn by the elements; headless ones here. */
function Offers() {
  const offers = useOffers()
  if (!offers.length) return <p className="empty">None right now. Log in, come back after a minute, and view the cart.</p>
  return (
    <ul className="offers">
      {offers.map((offer) => (
        <OfferItem key={offer.id} offer={offer} />
      ))}
    </ul>
  )
}

function OfferItem({ offer }: { offer: Offer }) {
  return (
    <li>
      <strong>{offer.title}</strong> <span className="kind">{offer.kind}</span>
      {offer.body && <p>{offer.body}</p>}
      {offer.kind === 'headless' && (
        <>
          <button type="button" onClick={() => offer.click()}>
            {offer.cta?.label || 'Take it'}
          </button>
          <button type="button" onClick={() => offer.dismiss()}>
            No thanks
          </button>
        </>
      )}
    </li>
  )
}
