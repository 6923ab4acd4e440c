// Northbean Coffee: the demo shop's own code. A tiny SPA (history.pushState routes) so that
// Waymark's autoPage records every navigation. The shop only talks to Waymark through the
// public API: `waymark(...)` (works before the SDK loads: calls are queued) and, once loaded,
// `waymark.profile()`, `waymark.journey()`, `waymark.greeting()` and `waymark.on(...)`.
// Every string is set with textContent: nothing here uses innerHTML.
'use strict'

const PRODUCTS = [
  { id: 'espresso-roast', name: 'Espresso Roast, 1 kg', price: 24, color: '#4a2c1d',
    description: 'Chocolate, hazelnut and a long finish. Roasted for espresso, fine in a moka pot.' },
  { id: 'yirgacheffe', name: 'Ethiopia Yirgacheffe, 250 g', price: 12.5, color: '#c58b4c',
    description: 'Jasmine and bergamot. A light roast for filter and pour-over.' },
  { id: 'hand-grinder', name: 'Hand grinder', price: 45, color: '#7b8087',
    description: 'Steel burrs, 40 settings, from Turkish to French press.' },
  { id: 'stoneware-mug', name: 'Stoneware mug', price: 9, color: '#3f6f73',
    description: 'Holds 300 ml and keeps it warm.' },
]
const STAGES = ['consider', 'evaluate', 'buy', 'enjoy', 'advocate', 'bond']
const CART_KEY = 'northbean-cart'
const ORDER_KEY = 'northbean-last-order'
const $ = (id) => document.getElementById(id)
const euro = (n) => '€' + n.toFixed(2)
const wm = (...args) => window.waymark(...args) // always the current stub or live instance

// ---- cart (the shop's own state, in localStorage) ----
function readCart () {
  try { return JSON.parse(localStorage.getItem(CART_KEY)) || [] } catch { return [] }
}
function writeCart (lines) {
  try { localStorage.setItem(CART_KEY, JSON.stringify(lines)) } catch { /* private mode */ }
  $('cart-count').textContent = String(lines.reduce((n, l) => n + l.qty, 0))
}
function cartTotal (lines) {
  return lines.reduce((sum, l) => sum + (PRODUCTS.find((p) => p.id === l.id)?.price ?? 0) * l.qty, 0)
}

// ---- routing ----
function go (path) {
  history.pushState(null, '', path)
  render()
}

function show (viewId) {
  for (const section of document.querySelectorAll('main > section')) section.hidden = section.id !== viewId
}

function render () {
  const path = location.pathname
  let m
  if (path === '/' || path === '/catalog' || path === '/index.html') renderCatalogue()
  else if ((m = /^\/product\/([\w-]+)$/.exec(path))) renderProduct(m[1])
  else if (path === '/cart') renderCart()
  else if ((m = /^\/order\/([\w-]+)$/.exec(path))) renderOrder(m[1])
  else show('view-missing')
  $('main').focus({ preventScroll: true })
  window.scrollTo(0, 0)
}

function renderCatalogue () {
  show('view-catalogue')
  document.title = 'Northbean Coffee'
}

function buildCatalogue () {
  const grid = $('product-grid')
  for (const p of PRODUCTS) {
    const li = document.createElement('li')
    li.className = 'card'
    const swatch = document.createElement('div')
    swatch.className = 'swatch'
    swatch.style.background = p.color
    const h2 = document.createElement('h2')
    h2.textContent = p.name
    const price = document.createElement('p')
    price.className = 'price'
    price.textContent = euro(p.price)
    const link = document.createElement('a')
    link.className = 'button'
    link.href = '/product/' + p.id
    link.dataset.link = ''
    link.textContent = 'View product'
    li.append(swatch, h2, price, link)
    grid.append(li)
  }
}

function renderProduct (id) {
  const p = PRODUCTS.find((x) => x.id === id)
  if (!p) return show('view-missing')
  show('view-product')
  document.title = p.name + ' · Northbean Coffee'
  $('product-swatch').style.background = p.color
  $('product-name').textContent = p.name
  $('product-price').textContent = euro(p.price)
  $('product-description').textContent = p.description
  $('add-to-cart').dataset.product = p.id
  wm('track', 'product_viewed', { id: p.id, name: p.name, price: p.price })
}

function renderCart () {
  show('view-cart')
  document.title = 'Cart · Northbean Coffee'
  const lines = readCart()
  const list = $('cart-lines')
  list.replaceChildren()
  for (const l of lines) {
    const p = PRODUCTS.find((x) => x.id === l.id)
    if (!p) continue
    const li = document.createElement('li')
    const name = document.createElement('span')
    name.textContent = `${l.qty} × ${p.name}`
    const sum = document.createElement('span')
    sum.textContent = euro(p.price * l.qty)
    li.append(name, sum)
    list.append(li)
  }
  const total = cartTotal(lines)
  $('cart-empty').hidden = lines.length > 0
  $('place-order').disabled = lines.length === 0
  $('cart-total').textContent = euro(total)
  wm('track', 'cart_viewed', { total, items: lines.reduce((n, l) => n + l.qty, 0), currency: 'EUR' })
}

function renderOrder (id) {
  show('view-order')
  document.title = 'Order ' + id + ' · Northbean Coffee'
  $('order-id').textContent = id
  // The SDK's <waymark-order-status> element polls /api/orders/{id} (data-orders) and updates live.
  const el = document.createElement('waymark-order-status')
  el.setAttribute('order-id', id)
  $('order-status-host').replaceChildren(el)
  whenSdk().then(() => { if (!customElements.get('waymark-order-status')) orderFallback(id) }, () => orderFallback(id))
}

// Shown only when the SDK build has no order-status element: read the order API directly.
let fallbackTimer
async function orderFallback (id) {
  clearTimeout(fallbackTimer)
  const out = $('order-fallback')
  out.hidden = false
  try {
    const res = await fetch('/api/orders/' + encodeURIComponent(id))
    const order = res.ok ? await res.json() : null
    out.textContent = order ? 'Status: ' + order.status.replace(/_/g, ' ') : 'We could not find this order.'
    if (order && order.status !== 'delivered' && location.pathname === '/order/' + id) {
      fallbackTimer = setTimeout(() => orderFallback(id), 5000)
    }
  } catch {
    out.textContent = 'Order status is unavailable right now.'
  }
}

// ---- actions ----
function addToCart () {
  const id = $('add-to-cart').dataset.product
  const lines = readCart()
  const line = lines.find((l) => l.id === id)
  if (line) line.qty += 1
  else lines.push({ id, qty: 1 })
  writeCart(lines)
  go('/cart')
}

function placeOrder () {
  const lines = readCart()
  if (!lines.length) return
  const orderId = 'A-' + (1000 + Math.floor(Math.random() * 9000))
  wm('track', 'order_completed', { orderId, total: cartTotal(lines), currency: 'EUR' })
  writeCart([])
  try { localStorage.setItem(ORDER_KEY, orderId) } catch { /* ignore */ }
  $('nav-order').href = '/order/' + orderId
  go('/order/' + orderId)
}

// ---- the "What Waymark knows" panel ----
function renderPanel () {
  const w = window.waymark
  if (typeof w.profile !== 'function') return
  const profile = w.profile()
  const journey = w.journey()
  const greeting = w.greeting()
  $('wm-greeting').textContent = greeting
    ? greeting.text
    : `First visit${profile.traits.firstName ? ', ' + profile.traits.firstName : ''}: no greeting yet.`
  $('wm-profile').textContent = JSON.stringify(profile, null, 2)
  $('wm-journey').textContent = JSON.stringify(journey, null, 2)
  const reached = new Set(journey.stages.map((s) => s.id))
  for (const li of $('wm-stages').children) {
    li.classList.toggle('reached', reached.has(li.dataset.stage))
    if (li.dataset.stage === journey.stage) li.setAttribute('aria-current', 'step')
    else li.removeAttribute('aria-current')
  }
}

function logEvent (ev) {
  const li = document.createElement('li')
  const name = document.createElement('code')
  name.textContent = ev.name
  li.append(name, ` → ${ev.stage ?? '–'}`)
  const list = $('wm-events')
  list.prepend(li)
  while (list.children.length > 8) list.lastElementChild.remove()
}

// Resolves once the live instance has replaced the stub and loaded its state.
function whenSdk () {
  return new Promise((resolve, reject) => {
    const ready = () => typeof window.waymark.profile === 'function'
      ? Promise.resolve(window.waymark.ready).then(resolve, reject)
      : reject(new Error('the SDK did not start'))
    if (typeof window.waymark.profile === 'function') return ready()
    const tag = document.querySelector('script[src$="waymark.iife.js"]')
    tag.addEventListener('load', ready, { once: true })
    tag.addEventListener('error', () => reject(new Error('the SDK failed to load')), { once: true })
  })
}

// ---- start ----
for (const id of STAGES) {
  const li = document.createElement('li')
  li.dataset.stage = id
  li.textContent = id
  $('wm-stages').append(li)
}
buildCatalogue()
writeCart(readCart())
try {
  const last = localStorage.getItem(ORDER_KEY)
  if (last) $('nav-order').href = '/order/' + last
} catch { /* ignore */ }

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]')
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  e.preventDefault()
  if (a.getAttribute('href') !== location.pathname) go(a.getAttribute('href'))
})
window.addEventListener('popstate', render)
$('add-to-cart').addEventListener('click', addToCart)
$('place-order').addEventListener('click', placeOrder)
$('identify').addEventListener('click', () => {
  // email is a trait for this visit only: storeTraits keeps just firstName, name and locale.
  wm('identify', 'u-42', { firstName: 'Анна', email: 'anna@example.com' })
  renderPanel()
})
$('logout').addEventListener('click', () => {
  wm('reset')
  $('wm-events').replaceChildren()
  renderPanel()
})

render()

whenSdk().then(() => {
  const w = window.waymark
  w.on('event', (ev) => { logEvent(ev); renderPanel() })
  w.on('stage', renderPanel)
  renderPanel()
}, (err) => {
  $('wm-greeting').textContent = 'Waymark did not load: ' + err.message
})
