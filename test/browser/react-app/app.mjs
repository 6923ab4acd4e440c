// The test app of react.test.mjs: React 18 (the page's own UMD builds, as globals) with
// waymark, waymark/elements and waymark/react resolved through the package's `exports`.
// Bundled by rollup when the test starts; written with createElement (no JSX transform).
import { createElement as h } from 'react'
import { createRoot } from 'react-dom/client'
import { createWaymark } from 'waymark'
import { defineElements } from 'waymark/elements'
import { useGreeting, useJourney, useOffers, useWaymark, WaymarkProvider } from 'waymark/react'

const wm = createWaymark({ playbook: '/playbook.json', autoPage: false, namespace: 'react', locale: 'en' })
window.waymark = wm // for the harness (waitForSdk, reload) and the test's calls
defineElements(wm)
window.__renders = { greeting: 0, stage: 0, offers: 0 }

function Greeting() {
  const greeting = useGreeting()
  window.__renders.greeting++
  return h('p', { id: 'greeting' }, greeting ? greeting.text : 'First visit')
}

function Stage() {
  const { stage } = useJourney()
  window.__renders.stage++
  return h('p', { id: 'stage' }, stage || 'none')
}

function Offers() {
  const offers = useOffers()
  window.__renders.offers++
  return h(
    'ul',
    { id: 'offers' },
    offers.map((offer) =>
      h(
        'li',
        { key: offer.id, 'data-rule': offer.rule },
        h('span', null, offer.title),
        h('button', { type: 'button', onClick: () => offer.click() }, `Take ${offer.rule}`),
        h('button', { type: 'button', onClick: () => offer.dismiss() }, `Close ${offer.rule}`),
      ),
    ),
  )
}

function Logout() {
  const instance = useWaymark()
  return h('button', { type: 'button', id: 'logout', onClick: () => instance && instance.reset() }, 'Log out')
}

function App() {
  return h(
    'main',
    null,
    h(Greeting),
    h('waymark-greeting', { 'first-visit-text': 'Hello, new visitor' }),
    h(Stage),
    h(Offers),
    h(Logout),
  )
}

createRoot(document.getElementById('root')).render(h(WaymarkProvider, { waymark: wm }, h(App)))
