// Waymark the npm way, headless. Built by rollup (examples/esm/rollup.config.mjs) into
// dist/app.js; `waymark` resolves through the package's `exports` like any dependency would.
//
// No script tag and no `defineElements`: nothing from Waymark draws on this page. Every
// greeting, stage, offer and order below is rendered by this file from the public API, with
// textContent only (never innerHTML: offer texts, names and order fields come from outside).
import { createWaymark } from 'waymark'

// "Start a new visit" ends the visit now rather than after 30 idle minutes: for one load,
// Waymark is created with a visit that ends after 6 ms without activity (sessionMinutes), so it
// starts the next visit as it loads; that load records no page view and reloads at once.
const NEW_VISIT_KEY = 'northbean-esm-new-visit' // 'start', then 'starting' for that load, then 'started'
const newVisitFlag = (() => {
  try {
    const flag = sessionStorage.getItem(NEW_VISIT_KEY)
    if (flag === 'start') sessionStorage.setItem(NEW_VISIT_KEY, 'starting')
    else sessionStorage.removeItem(NEW_VISIT_KEY)
    return flag
  } catch { return null }
})()
const startingVisit = newVisitFlag === 'start'

const wm = createWaymark({
  playbook: '/playbook.json',
  collect: '/collect',
  orders: '/api/orders/{id}',
  locale: 'en', // this page speaks English: Waymark's texts and the English rules of the example playbook
  ...(startingVisit ? { sessionMinutes: 0.0001, autoPage: false } : {}),
})
window.wm = wm // for the console: try wm.journey() or wm.explain('free-shipping-nudge')

const STAGES = ['consider', 'evaluate', 'buy', 'enjoy', 'advocate', 'bond']
const ORDER_STEPS = ['placed', 'paid', 'packed', 'shipped', 'out_for_delivery', 'delivered']
// Headless means the page's own copy too: these labels are this page's, in its language. (The
// SDK's greeting is still the SDK's, in the visitor's locale, from the playbook's texts.)
const STATUS_LABELS = {
  placed: 'Placed', paid: 'Paid', packed: 'Packed', shipped: 'Shipped', out_for_delivery: 'Out for delivery',
  delivered: 'Delivered', cancelled: 'Cancelled', returned: 'Returned',
}
const PAGE_LOCALE = document.documentElement.lang || 'en'
const $ = (id) => document.getElementById(id)

/**
 * `el('p', { className: 'x', 'aria-label': 'y' }, 'text', child)`: an element with properties
 * (attributes for `role`, `aria-*` and `data-*`) and children; strings become text nodes.
 */
function el (tag, props = {}, ...children) {
  const node = document.createElement(tag)
  for (const [key, value] of Object.entries(props)) {
    if (key === 'role' || key.startsWith('aria-') || key.startsWith('data-')) node.setAttribute(key, value)
    else node[key] = value
  }
  node.append(...children.filter((c) => c != null && c !== false))
  return node
}

/** Only http(s) and same-site relative links are followed; anything else (javascript:, data:) is not. */
function safeHref (href) {
  if (typeof href !== 'string') return null
  try {
    const url = new URL(href, location.href)
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null
  } catch { return null }
}

const time = (at) => new Date(at).toLocaleTimeString(PAGE_LOCALE, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })

// ---- visitor: greeting and profile ----

function renderVisitor () {
  const profile = wm.profile()
  const greeting = wm.greeting()
  const name = profile.traits.firstName
  $('greeting').textContent = greeting
    ? greeting.text
    : `First visit${name ? ', ' + name : ''}: no greeting yet.`
  $('greeting').classList.toggle('pending', !greeting)
  const visits = `Visit ${profile.visits}${profile.returning ? ' (returning)' : ''}`
  $('visitor-meta').textContent = `${visits} · ${profile.userId ? 'user ' + profile.userId : 'anonymous'}`
  $('greeting-hint').hidden = Boolean(greeting)
}

function startNewVisit () {
  try { sessionStorage.setItem(NEW_VISIT_KEY, 'start') } catch { return /* storage blocked */ }
  location.reload()
}

// ---- journey: the stage stepper ----

function renderJourney () {
  const { stage, stages, cycle } = wm.journey()
  const reached = new Set(stages.map((s) => s.id))
  const list = $('stages')
  list.replaceChildren(...STAGES.map((id) => {
    const li = el('li', { className: reached.has(id) ? 'reached' : '' }, id)
    if (id === stage) li.setAttribute('aria-current', 'step')
    return li
  }))
  $('stage-now').textContent = stage ? `Stage: ${stage}${cycle ? ` (loyalty cycle ${cycle})` : ''}` : 'No stage yet'
}

wm.on('stage', ({ stage, previous, event, cycle }) => {
  renderJourney()
  $('stage-change').textContent = `${previous ?? 'start'} → ${stage}, on “${event}”${cycle ? ` (loyalty cycle ${cycle})` : ''}`
})

// ---- offers: every kind, in this page's own markup ----

const banners = { top: null, bottom: null } // the bar on screen at each edge

/** One offer as an <article>: kind, title, body, code with a copy button, call to action, close. */
function offerCard (offer, onDone) {
  const done = (how) => {
    if (how === 'click') offer.click(); else offer.dismiss()
    logOffer(offer, how === 'click' ? 'clicked' : 'dismissed')
    onDone?.()
  }
  const card = el('article', { className: `offer offer-${offer.kind}`, 'data-rule': offer.rule })
  const head = el('header', { className: 'offer-head' },
    el('span', { className: 'offer-kind' }, offer.kind),
    el('button', { type: 'button', className: 'offer-close', 'aria-label': 'Close', onclick: () => done('dismiss') }, '×'))
  const titleId = 'offer-title-' + offer.id
  if (offer.title) card.setAttribute('aria-labelledby', titleId)
  card.append(head)
  if (offer.title) card.append(el('h3', { className: 'offer-title', id: titleId }, offer.title))
  if (offer.body) card.append(el('p', { className: 'offer-body' }, offer.body))
  if (offer.code) {
    const copy = el('button', { type: 'button', className: 'offer-copy' }, 'Copy')
    copy.onclick = async () => {
      try { await navigator.clipboard.writeText(offer.code); copy.textContent = 'Copied' } catch { /* no clipboard */ }
    }
    card.append(el('p', { className: 'offer-code' }, 'Your code ', el('code', {}, offer.code), copy))
  }
  if (offer.data !== undefined) {
    card.append(el('pre', { className: 'offer-data' }, 'data: ' + JSON.stringify(offer.data, null, 1).replace(/\n\s*/g, ' ')))
  }
  if (offer.cta?.label) {
    const href = safeHref(offer.cta.href)
    const cta = href
      ? el('a', { className: 'offer-cta', href }, offer.cta.label)
      : el('button', { type: 'button', className: 'offer-cta' }, offer.cta.label)
    cta.addEventListener('click', () => done('click')) // a link still navigates afterwards
    card.append(cta)
  }
  card.append(el('p', { className: 'offer-meta' }, `rule ${offer.rule} · on “${offer.trigger}”`))
  return card
}

const show = {
  banner (offer) {
    const where = offer.placement === 'bottom' ? 'bottom' : 'top'
    const bar = el('div', { className: `banner banner-${where}`, role: 'region', 'aria-label': 'Offer' })
    bar.append(offerCard(offer, () => bar.remove()))
    banners[where]?.remove()
    banners[where] = bar
    if (where === 'top') document.body.prepend(bar); else document.body.append(bar)
  },
  toast (offer) {
    const card = offerCard(offer, () => card.remove())
    $('toasts').append(card)
  },
  modal (offer) {
    const dialog = $('offer-modal')
    let finished = false
    const card = offerCard(offer, () => { finished = true; dialog.close() })
    dialog.replaceChildren(card)
    dialog.removeAttribute('aria-labelledby')
    dialog.removeAttribute('aria-label')
    if (offer.title) dialog.setAttribute('aria-labelledby', 'offer-title-' + offer.id)
    else dialog.setAttribute('aria-label', 'Offer')
    // Escape and the backdrop close it too: that is a dismissal (and frees the overlay slot).
    dialog.onclose = () => {
      if (!finished) { offer.dismiss(); logOffer(offer, 'dismissed') }
      dialog.replaceChildren()
    }
    dialog.onclick = (e) => { if (e.target === dialog) dialog.close() }
    dialog.showModal()
  },
  inline (offer) {
    // An inline offer goes to this page's element for its placement, if there is one.
    const slot = document.querySelector(`[data-placement="${CSS.escape(offer.placement ?? '')}"]`) ?? $('offer-list')
    const card = offerCard(offer, () => { card.remove(); renderOfferEmpty() })
    slot.append(card)
  },
  headless (offer) {
    const card = offerCard(offer, () => { card.remove(); renderOfferEmpty() })
    $('offer-list').prepend(card)
  },
}

function renderOfferEmpty () {
  $('offer-empty').hidden = $('offer-list').children.length > 0
}

function logOffer (offer, what) {
  const li = el('li', {}, el('time', {}, time(Date.now())), ' ', el('code', {}, offer.rule), ` ${what}`)
  const log = $('offer-log')
  log.prepend(li)
  while (log.children.length > 6) log.lastElementChild.remove()
  $('offer-log-empty').hidden = true
}

wm.on('offer', (offer) => {
  ;(show[offer.kind] ?? show.headless)(offer)
  logOffer(offer, `shown (${offer.kind})`)
  renderOfferEmpty()
  explain()
})

// Why a rule does or does not fire now.
function explain () {
  const id = $('explain-rule').value.trim()
  if (!id) return
  const { fires, reason } = wm.explain(id)
  $('explain-out').textContent = fires ? 'would fire now' : reason
  $('explain-out').className = fires ? 'yes' : 'no'
}

// ---- the visitor's actions ----

const ACTIONS = {
  product: () => wm.track('product_viewed', { id: 'hand-grinder', name: 'Hand grinder', price: 45 }),
  compare: () => wm.track('compare', { ids: ['espresso-roast', 'yirgacheffe'] }),
  cart: () => wm.track('cart_viewed', { total: 45, items: 1, currency: 'EUR' }),
  review: () => wm.track('review_written', { rating: 5 }),
  identify: () => wm.identify('u-42', { firstName: 'Анна' }),
  logout: () => wm.reset(),
  'new-visit': startNewVisit,
}
document.addEventListener('click', (e) => {
  const button = e.target.closest('button[data-action]')
  if (!button) return
  ACTIONS[button.dataset.action]?.()
  renderVisitor()
  renderJourney()
  explain()
})
$('explain-form').addEventListener('submit', (e) => { e.preventDefault(); explain() })
$('explain-rule').addEventListener('input', explain)

// ---- orders: wm.order(id), wm.watchOrder(id) and on('order'), in this page's own markup ----

let shownOrder = null
let stopWatching = () => {}

const statusLabel = (status) => STATUS_LABELS[status] ?? status

function renderOrder (order) {
  const view = $('order-view')
  const at = ORDER_STEPS.indexOf(order.status)
  const ended = at === -1 // cancelled or returned
  const steps = el('ol', { className: 'order-steps', 'aria-label': 'Order progress' })
  for (const [i, step] of ORDER_STEPS.entries()) {
    const li = el('li', { className: ended ? 'upcoming' : i < at ? 'done' : i === at ? 'current' : 'upcoming' },
      el('span', { className: 'dot', 'aria-hidden': 'true' }), el('span', { className: 'label' }, statusLabel(step)))
    if (i === at) li.setAttribute('aria-current', 'step')
    steps.append(li)
  }
  if (ended) {
    const li = el('li', { className: 'current ended' }, el('span', { className: 'dot', 'aria-hidden': 'true' }), el('span', { className: 'label' }, statusLabel(order.status)))
    li.setAttribute('aria-current', 'step')
    steps.append(li)
  }
  const facts = el('dl', { className: 'order-facts' })
  const fact = (term, value) => { if (value) facts.append(el('div', {}, el('dt', {}, term), el('dd', {}, value))) }
  fact('Status', statusLabel(order.status))
  if (order.eta && order.status !== 'delivered' && !ended) {
    const eta = new Date(order.eta)
    if (!Number.isNaN(eta.getTime())) {
      fact('Estimated delivery', new Intl.DateTimeFormat(PAGE_LOCALE, { dateStyle: 'medium', timeStyle: 'short', hourCycle: 'h23' }).format(eta))
    }
  }
  fact('Carrier', typeof order.carrier === 'string' ? order.carrier : null)
  const tracking = safeHref(order.trackingUrl)
  if (tracking) facts.append(el('div', {}, el('dt', {}, 'Tracking'), el('dd', {}, el('a', { href: tracking, rel: 'noopener' }, 'Track the parcel'))))
  view.replaceChildren(el('p', { className: 'order-title' }, 'Order ', el('strong', {}, order.id)), steps, facts)
}

async function showOrder (id) {
  stopWatching()
  shownOrder = id
  $('order-view').replaceChildren(el('p', { className: 'muted' }, 'Loading the order…'))
  $('order-announce').textContent = ''
  try {
    const order = await wm.order(id) // the device's copy at once if there is one, else fetched
    if (shownOrder !== id) return
    renderOrder(order)
    stopWatching = wm.watchOrder(id) // polls while shown; changes arrive through on('order')
  } catch (err) {
    if (shownOrder !== id) return
    const text = err?.status === 404 ? `We could not find order ${id}.` : 'The order status could not be loaded. Try again later.'
    $('order-view').replaceChildren(el('p', { className: 'order-problem' }, text))
  }
}

wm.on('order', ({ order, previous }) => {
  if (order.id !== shownOrder) return
  renderOrder(order)
  if (previous) $('order-announce').textContent = `${time(Date.now())}: ${statusLabel(previous)} → ${statusLabel(order.status)}`
})

$('order-form').addEventListener('submit', (e) => {
  e.preventDefault()
  const id = $('order-id').value.trim()
  if (/^[A-Za-z0-9_-]{1,64}$/.test(id)) showOrder(id)
  else $('order-view').replaceChildren(el('p', { className: 'order-problem' }, 'An order id is letters, digits, - and _.'))
})

// ---- start ----

wm.on('error', (err) => {
  console.warn(err.message)
  $('last-error').hidden = false
  $('last-error').textContent = err.message
})
wm.on('playbook', ({ version, from }) => {
  $('playbook-version').textContent = `playbook ${version ?? '(no version)'} from ${from}`
  explain()
})

$('boot').hidden = true
await wm.ready
if (startingVisit) {
  // The new visit has started (and is being stored): reload with the usual 30 minutes.
  $('boot').textContent = 'Starting a new visit…'
  $('boot').hidden = false
  try { sessionStorage.setItem(NEW_VISIT_KEY, 'started') } catch { /* ignore */ }
  setTimeout(() => location.reload(), 400)
  await new Promise(() => {}) // nothing else on this load
}
if (newVisitFlag === 'started') $('new-visit-note').textContent = `Visit ${wm.profile().visits} started.`
renderVisitor()
renderJourney()
explain()
const initialOrder = new URLSearchParams(location.search).get('order')
if (initialOrder && /^[A-Za-z0-9_-]{1,64}$/.test(initialOrder)) $('order-id').value = initialOrder
showOrder($('order-id').value.trim())
