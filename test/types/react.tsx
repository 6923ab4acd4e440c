// Type test of waymark/react (issue 16, item 7): type-checked by `tsc -p test/types` (against
// the sources) in `npm run typecheck`, and by `tsc -p test/types/tsconfig.dist.json` (against
// the built dist/react.d.ts, as a user's project sees it) in `npm run lint:package`. Never run.
// Each `@ts-expect-error` marks a misuse that must not compile: if it compiled, tsc would
// report the directive as unused and fail.
import { createWaymark, type Greeting, type Journey, type Offer, type Waymark } from 'waymark'
import { useGreeting, useJourney, useOffers, useWaymark, WaymarkProvider, type WaymarkProviderProps } from 'waymark/react'

export function Header() {
  const greeting: Greeting | null = useGreeting()
  const journey: Journey = useJourney()
  const offers: readonly Offer[] = useOffers()
  const wm: Waymark | null = useWaymark()
  return (
    <header className="site-header">
      <waymark-greeting first-visit-text="Welcome!" className="greeting" id="hello" />
      {greeting && <p>{greeting.text}</p>}
      <p data-stage={journey.stage ?? 'none'}>{journey.counts.cart_viewed ?? 0} carts</p>
      <waymark-order-status order-id="A-1001" style={{ display: 'block' }} />
      <waymark-slot name="cart" key="slot" ref={(el: HTMLElement | null) => void el} />
      {offers.map((offer) => (
        <button key={offer.id} onClick={() => offer.click()}>
          {offer.title}
        </button>
      ))}
      <button onClick={() => wm?.track('cart_viewed', { total: 45 })}>Cart</button>
    </header>
  )
}

const wm = createWaymark({ playbook: '/playbook.json' })

export const apps = [
  <WaymarkProvider waymark={wm}>
    <Header />
  </WaymarkProvider>,
  <WaymarkProvider waymark={null} />,
  <WaymarkProvider options={{ playbook: '/playbook.json', locale: 'ru' }}>
    <Header />
  </WaymarkProvider>,
]

export const props: WaymarkProviderProps = { options: {} }

export function Misuses() {
  // @ts-expect-error the hooks take no arguments
  useOffers(42)
  // @ts-expect-error the greeting is null on a first visit
  useGreeting().text
  // @ts-expect-error the list is read-only: offers leave it by click() or dismiss()
  useOffers().push({} as Offer)
  // @ts-expect-error the instance is null outside a provider and on the server
  useWaymark().track('x')
  return (
    <>
      {/* @ts-expect-error order-id is a string attribute */}
      <waymark-order-status order-id={5} />
      {/* @ts-expect-error an order status needs its order-id */}
      <waymark-order-status />
      {/* @ts-expect-error a slot needs its name */}
      <waymark-slot />
      {/* @ts-expect-error first-visit-text is text */}
      <waymark-greeting first-visit-text={true} />
      {/* @ts-expect-error a provider needs an instance or options */}
      <WaymarkProvider>
        <Header />
      </WaymarkProvider>
      {/* @ts-expect-error not both: an instance or options */}
      <WaymarkProvider waymark={wm} options={{}} />
      {/* @ts-expect-error options are createWaymark's */}
      <WaymarkProvider options={{ locale: 5 }} />
    </>
  )
}
