// Northbean Coffee: the demo shop's own code. A tiny SPA (history.pushState routes) so that
// Waymark's autoPage records every navigation. The shop only talks to Waymark through the
// public API: `waymark(...)` (works before the SDK loads: calls are queued) and, once loaded,
// `waymark.profile()`, `waymark.journey()`, `waymark.greeting()` and `waymark.on(...)`.
// Every string is set with textContent: nothing here uses innerHTML.
//
// The shop speaks English and Russian. The inline script in index.html picks the language
// (the visitor's choice, else the browser's), puts it on <html lang> and gives it to the SDK as
// data-locale; this file shows every text in it. The EN / RU switch stores the choice and
// reloads the page, because the SDK reads its options once.
'use strict'

const LANGS = ['en', 'ru']
const LANG = LANGS.includes(document.documentElement.lang) ? document.documentElement.lang : 'en'
const LANG_KEY = 'northbean-lang'

const TEXTS = {
  en: {
    'nav.label': 'Main',
    'nav.catalogue': 'Catalogue',
    'nav.cart': 'Cart',
    'nav.order': 'My order',
    'nav.sample': 'Sample order',
    'nav.shops': 'Our shops',
    'lang.label': 'Language',
    'greeting.first': 'Welcome to Northbean!',
    'catalogue.title': 'Freshly roasted, delivered',
    'catalogue.lead': 'Small-batch beans and the tools to brew them. Free shipping from €50.',
    'catalogue.view': 'View product',
    'product.back': '← All products',
    'product.add': 'Add to cart / view cart',
    'cart.title': 'Your cart',
    'cart.empty': 'Your cart is empty.',
    'cart.browse': 'Browse the catalogue',
    'cart.total': 'Total:',
    'cart.place': 'Place order',
    'order.title': 'Order',
    'order.thanks': 'Thank you for your order! The status below updates by itself.',
    'order.neutral': 'The status below updates by itself.',
    'order.status': 'Status: {status}',
    'order.unknown': 'We could not find this order.',
    'order.unavailable': 'Order status is unavailable right now.',
    'missing.title': 'Page not found',
    'missing.back': 'Back to the catalogue',
    'shops.title': 'Our shops',
    'shops.store-tverskaya': 'Tverskaya 7',
    'shops.tverskaya': 'Tverskaya 7, Moscow: coffee bar and click-and-collect desk, 8:00–22:00.',
    'shops.lead': 'In one of our shops? Your phone can tell this page, and the page tells no one: the position is compared with the shops on your device and never sent.',
    'shops.locate': 'Am I in a shop?',
    'shops.asking': 'Checking…',
    'shops.at': 'You are at: {place}.',
    'shops.none': 'Not in one of our shops (or the position was not shared).',
    'title.shops': 'Our shops',
    'panel.title': 'What Waymark knows',
    'panel.loading': 'Loading the SDK…',
    'panel.stages': 'Journey stages',
    'panel.identify': 'Identify as Анна',
    'panel.logout': 'Log out',
    'panel.events': 'Recent events',
    'panel.newVisit': 'Start a new visit',
    'panel.newVisitHint': 'A visit ends after 30 minutes without activity, and the greeting is for the next one. This ends it now: the page reloads once with the SDK\'s data-session-minutes at a few milliseconds.',
    'panel.newVisitDone': 'Visit {visits} started: Waymark greets you back.',
    'panel.newVisitUnnamed': 'Visit {visits} started. Identify as Анна to be greeted by name.',
    'newVisit.title': 'Starting a new visit…',
    'newVisit.lead': 'Waymark starts the next visit; the page reloads by itself in a moment.',
    'panel.first': 'First visit: no greeting yet.',
    'panel.firstNamed': 'First visit, {name}: no greeting yet.',
    'panel.failed': 'Waymark did not load: {error}',
    'error.start': 'the SDK did not start',
    'error.load': 'the SDK failed to load',
    footer: 'A demo storefront for the Waymark SDK. Nothing here is for sale.',
    'title.shop': 'Northbean Coffee',
    'title.cart': 'Cart',
    'title.order': 'Order {id}',
    'title.missing': 'Page not found',
  },
  ru: {
    'nav.label': 'Основное меню',
    'nav.catalogue': 'Каталог',
    'nav.cart': 'Корзина',
    'nav.order': 'Мой заказ',
    'nav.sample': 'Пример заказа',
    'nav.shops': 'Наши магазины',
    'lang.label': 'Язык',
    'greeting.first': 'Добро пожаловать в Northbean!',
    'catalogue.title': 'Свежая обжарка с доставкой',
    'catalogue.lead': 'Кофе малыми партиями и всё, чтобы его заварить. Бесплатная доставка от 50\u00a0€.',
    'catalogue.view': 'Подробнее',
    'product.back': '← Весь каталог',
    'product.add': 'Добавить в корзину',
    'cart.title': 'Ваша корзина',
    'cart.empty': 'В корзине пока пусто.',
    'cart.browse': 'Перейти в каталог',
    'cart.total': 'Итого:',
    'cart.place': 'Оформить заказ',
    'order.title': 'Заказ',
    'order.thanks': 'Спасибо за заказ! Статус ниже обновляется сам.',
    'order.neutral': 'Статус ниже обновляется сам.',
    'order.status': 'Статус: {status}',
    'order.unknown': 'Мы не нашли этот заказ.',
    'order.unavailable': 'Статус заказа сейчас недоступен.',
    'missing.title': 'Страница не найдена',
    'missing.back': 'Вернуться в каталог',
    'shops.title': 'Наши магазины',
    'shops.store-tverskaya': 'Тверская, 7',
    'shops.tverskaya': 'Москва, Тверская, 7: кофе-бар и пункт выдачи заказов, 8:00–22:00.',
    'shops.lead': 'Вы в нашем магазине? Телефон может сказать это странице, а страница не скажет никому: положение сравнивается с адресами магазинов на вашем устройстве и никуда не отправляется.',
    'shops.locate': 'Я в магазине?',
    'shops.asking': 'Проверяем…',
    'shops.at': 'Вы здесь: {place}.',
    'shops.none': 'Вы не в нашем магазине (или положение не было передано).',
    'title.shops': 'Наши магазины',
    'panel.title': 'Что знает Waymark',
    'panel.loading': 'Загружаем SDK…',
    'panel.stages': 'Этапы пути покупателя',
    'panel.identify': 'Войти как Анна',
    'panel.logout': 'Выйти',
    'panel.events': 'Последние события',
    'panel.newVisit': 'Начать новый визит',
    'panel.newVisitHint': 'Визит заканчивается после 30 минут без действий, а приветствие — для следующего. Кнопка завершает визит сразу: страница один раз перезагружается с data-session-minutes в несколько миллисекунд.',
    'panel.newVisitDone': 'Начался визит {visits}: Waymark приветствует вас снова.',
    'panel.newVisitUnnamed': 'Начался визит {visits}. Войдите как Анна, чтобы приветствие было по имени.',
    'newVisit.title': 'Начинаем новый визит…',
    'newVisit.lead': 'Waymark начинает следующий визит; страница сейчас перезагрузится сама.',
    'panel.first': 'Первый визит: приветствия пока нет.',
    'panel.firstNamed': 'Первый визит, {name}: приветствия пока нет.',
    'panel.failed': 'Waymark не загрузился: {error}',
    'error.start': 'SDK не запустился',
    'error.load': 'ошибка загрузки скрипта',
    footer: 'Демо-магазин для SDK Waymark. Здесь ничего не продаётся.',
    'title.shop': 'Northbean Coffee',
    'title.cart': 'Корзина',
    'title.order': 'Заказ {id}',
    'title.missing': 'Страница не найдена',
  },
}

// Order statuses, for the fallback below only (the SDK's element has its own, in its locale).
const STATUS = {
  en: { placed: 'placed', paid: 'paid', packed: 'packed', shipped: 'shipped', out_for_delivery: 'out for delivery',
    delivered: 'delivered', cancelled: 'cancelled', returned: 'returned' },
  ru: { placed: 'оформлен', paid: 'оплачен', packed: 'собран', shipped: 'отправлен', out_for_delivery: 'передан курьеру',
    delivered: 'доставлен', cancelled: 'отменён', returned: 'возвращён' },
}

/** A text in the page's language, `{name}` placeholders filled. */
function t (key, params = {}) {
  const text = TEXTS[LANG][key] ?? TEXTS.en[key] ?? key
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in params ? String(params[name]) : all))
}

// Names and descriptions per language; `name.en` is also what events carry, so reports do not
// depend on the visitor's language.
const PRODUCTS = [
  { id: 'espresso-roast', price: 24, color: '#4a2c1d',
    name: { en: 'Espresso Roast, 1 kg', ru: 'Эспрессо-обжарка, 1 кг' },
    description: {
      en: 'Chocolate, hazelnut and a long finish. Roasted for espresso, fine in a moka pot.',
      ru: 'Шоколад, фундук и долгое послевкусие. Обжарка для эспрессо, хороша и в гейзерной кофеварке.',
    } },
  { id: 'yirgacheffe', price: 12.5, color: '#c58b4c',
    name: { en: 'Ethiopia Yirgacheffe, 250 g', ru: 'Эфиопия Иргачефф, 250 г' },
    description: {
      en: 'Jasmine and bergamot. A light roast for filter and pour-over.',
      ru: 'Жасмин и бергамот. Светлая обжарка для фильтра и воронки.',
    } },
  { id: 'hand-grinder', price: 45, color: '#7b8087',
    name: { en: 'Hand grinder', ru: 'Ручная кофемолка' },
    description: {
      en: 'Steel burrs, 40 settings, from Turkish to French press.',
      ru: 'Стальные жернова, 40 степеней помола: от турки до френч-пресса.',
    } },
  { id: 'stoneware-mug', price: 9, color: '#3f6f73',
    name: { en: 'Stoneware mug', ru: 'Керамическая кружка' },
    description: {
      en: 'Holds 300 ml and keeps it warm.',
      ru: 'Вмещает 300 мл и долго держит тепло.',
    } },
]
const STAGES = ['consider', 'evaluate', 'buy', 'enjoy', 'advocate', 'bond']
// The stages' names in the panel (the playbook's stage ids are the English ones).
const STAGE_NAMES = {
  en: {},
  ru: { consider: 'знакомство', evaluate: 'выбор', buy: 'покупка', enjoy: 'использование', advocate: 'рекомендация', bond: 'лояльность' },
}
const CART_KEY = 'northbean-cart'
const ORDER_KEY = 'northbean-last-order'
const ORDERS_KEY = 'northbean-orders' // every order placed in this browser: only those get a thank-you
// 'start': the next load starts a visit ('starting' while it does); 'started': it did.
const NEW_VISIT_KEY = 'northbean-new-visit'
const SAMPLE_ORDER = 'A-1001' // the demo server's order, for a visitor who has placed none
// The load that starts a new visit (index.html gave the SDK a tiny data-session-minutes): it
// shows a notice, records nothing and reloads once the SDK has started the visit.
const STARTING_VISIT = document.documentElement.hasAttribute('data-new-visit')
const $ = (id) => document.getElementById(id)
const MONEY = new Intl.NumberFormat(LANG === 'ru' ? 'ru-RU' : 'en-IE', { style: 'currency', currency: 'EUR' })
const euro = (n) => MONEY.format(n) // €24.00 in English, 24,00 € in Russian
const pageTitle = (part) => (part ? part + ' · ' : '') + t('title.shop')
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
  else if (path === '/shops') renderShops()
  else if ((m = /^\/order\/([\w-]+)$/.exec(path))) renderOrder(m[1])
  else renderMissing()
  $('main').focus({ preventScroll: true })
  window.scrollTo(0, 0)
}

function renderCatalogue () {
  show('view-catalogue')
  document.title = pageTitle()
}

// locate() may prompt for the position; the SDK compares it with the playbook's places on the
// device and answers with a place id (or null). Entering a shop also fires place:<id> rules.
function renderShops () {
  show('view-shops')
  document.title = pageTitle(t('title.shops'))
}
function locateMe () {
  $('shops-result').textContent = t('shops.asking')
  whenSdk().then(() => window.waymark.locate()).then((place) => {
    $('shops-result').textContent = place ? t('shops.at', { place: t('shops.' + place) }) : t('shops.none')
  }, () => { $('shops-result').textContent = t('shops.none') })
}

function renderMissing () {
  show('view-missing')
  document.title = pageTitle(t('title.missing'))
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
    h2.textContent = p.name[LANG]
    const price = document.createElement('p')
    price.className = 'price'
    price.textContent = euro(p.price)
    const link = document.createElement('a')
    link.className = 'button'
    link.href = '/product/' + p.id
    link.dataset.link = ''
    link.textContent = t('catalogue.view')
    li.append(swatch, h2, price, link)
    grid.append(li)
  }
}

function renderProduct (id) {
  const p = PRODUCTS.find((x) => x.id === id)
  if (!p) return renderMissing()
  show('view-product')
  document.title = pageTitle(p.name[LANG])
  $('product-swatch').style.background = p.color
  $('product-name').textContent = p.name[LANG]
  $('product-price').textContent = euro(p.price)
  $('product-description').textContent = p.description[LANG]
  $('add-to-cart').dataset.product = p.id
  wm('track', 'product_viewed', { id: p.id, name: p.name.en, price: p.price })
}

function renderCart () {
  show('view-cart')
  document.title = pageTitle(t('title.cart'))
  const lines = readCart()
  const list = $('cart-lines')
  list.replaceChildren()
  for (const l of lines) {
    const p = PRODUCTS.find((x) => x.id === l.id)
    if (!p) continue
    const li = document.createElement('li')
    const name = document.createElement('span')
    name.textContent = `${l.qty} × ${p.name[LANG]}`
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
  document.title = pageTitle(t('title.order', { id }))
  $('order-id').textContent = id
  $('order-note').textContent = placedOrders().includes(id) ? t('order.thanks') : t('order.neutral')
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
    out.textContent = order
      ? t('order.status', { status: STATUS[LANG][order.status] ?? order.status.replace(/_/g, ' ') })
      : t('order.unknown')
    if (order && order.status !== 'delivered' && location.pathname === '/order/' + id) {
      fallbackTimer = setTimeout(() => orderFallback(id), 5000)
    }
  } catch {
    out.textContent = t('order.unavailable')
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
  try {
    localStorage.setItem(ORDER_KEY, orderId)
    localStorage.setItem(ORDERS_KEY, JSON.stringify([...placedOrders(), orderId].slice(-20)))
  } catch { /* ignore */ }
  showOrderLink(orderId)
  go('/order/' + orderId)
}

/** The orders placed in this browser (the shop's own record, not Waymark's). */
function placedOrders () {
  try {
    const list = JSON.parse(localStorage.getItem(ORDERS_KEY))
    return Array.isArray(list) ? list : []
  } catch { return [] }
}

/** The header's order link: the visitor's last order, else the demo server's sample order. */
function showOrderLink (orderId) {
  $('nav-order').href = '/order/' + (orderId || SAMPLE_ORDER)
  $('nav-order').textContent = t(orderId ? 'nav.order' : 'nav.sample')
}

// ---- the "What Waymark knows" panel ----
function renderPanel () {
  const w = window.waymark
  if (typeof w.profile !== 'function') return
  const profile = w.profile()
  const journey = w.journey()
  const greeting = w.greeting()
  const name = profile.traits.firstName
  $('wm-greeting').textContent = greeting ? greeting.text
    : name ? t('panel.firstNamed', { name }) : t('panel.first')
  $('wm-profile').textContent = JSON.stringify(profile, readableTimes, 2)
  $('wm-journey').textContent = JSON.stringify(journey, readableTimes, 2)
  const reached = new Set(journey.stages.map((s) => s.id))
  for (const li of $('wm-stages').children) {
    li.classList.toggle('reached', reached.has(li.dataset.stage))
    if (li.dataset.stage === journey.stage) li.setAttribute('aria-current', 'step')
    else li.removeAttribute('aria-current')
  }
}

// Times as the visitor reads them ("30 Nov 2026, 14:05:09"), not epoch milliseconds.
const TIME = new Intl.DateTimeFormat(LANG === 'ru' ? 'ru-RU' : 'en-GB', { dateStyle: 'medium', timeStyle: 'medium' })
const CLOCK = new Intl.DateTimeFormat(LANG === 'ru' ? 'ru-RU' : 'en-GB', { timeStyle: 'medium' })
const TIME_KEYS = new Set(['firstSeen', 'lastSeen', 'at'])
/** JSON.stringify's replacer for the panel: the profile's and the journey's times, readable. */
function readableTimes (key, value) {
  return TIME_KEYS.has(key) && typeof value === 'number' && Number.isFinite(value) ? TIME.format(value) : value
}

function logEvent (ev) {
  const li = document.createElement('li')
  const at = document.createElement('time')
  at.dateTime = new Date(ev.at).toISOString()
  at.textContent = CLOCK.format(ev.at)
  const name = document.createElement('code')
  name.textContent = ev.name
  li.append(at, ' ', name, ` → ${ev.stage ?? '–'}`)
  const list = $('wm-events')
  list.prepend(li)
  while (list.children.length > 8) list.lastElementChild.remove()
}

// Resolves once the live instance has replaced the stub and loaded its state.
function whenSdk () {
  return new Promise((resolve, reject) => {
    const ready = () => typeof window.waymark.profile === 'function'
      ? Promise.resolve(window.waymark.ready).then(resolve, reject)
      : reject(new Error(t('error.start')))
    if (typeof window.waymark.profile === 'function') return ready()
    const tag = document.querySelector('script[src$="/script/waymark.js"]')
    tag.addEventListener('load', ready, { once: true })
    tag.addEventListener('error', () => reject(new Error(t('error.load'))), { once: true })
  })
}

// ---- language ----
/** Every static text of index.html (data-t: its text, data-t-label: its aria-label) in the page's language. */
function applyTexts () {
  for (const el of document.querySelectorAll('[data-t]')) el.textContent = t(el.dataset.t)
  for (const el of document.querySelectorAll('[data-t-label]')) el.setAttribute('aria-label', t(el.dataset.tLabel))
  // <waymark-greeting> shows this on a first visit; the SDK's own greeting (in data-locale) after.
  // The element observes the attribute, so it may be set before or after the SDK defines it.
  document.querySelector('waymark-greeting').setAttribute('first-visit-text', t('greeting.first'))
  for (const button of document.querySelectorAll('.lang-switch [data-lang]')) {
    button.setAttribute('aria-pressed', String(button.dataset.lang === LANG))
  }
}

/** Remembers the choice and reloads: the SDK reads data-locale once, when it starts. */
function switchLanguage (lang) {
  if (lang === LANG || !LANGS.includes(lang)) return
  try { localStorage.setItem(LANG_KEY, lang) } catch { return /* storage blocked: nowhere to keep the choice */ }
  location.reload()
}

// ---- start ----
applyTexts()
for (const id of STAGES) {
  const li = document.createElement('li')
  li.dataset.stage = id
  li.textContent = STAGE_NAMES[LANG][id] ?? id
  if (li.textContent !== id) li.title = id
  $('wm-stages').append(li)
}
buildCatalogue()
writeCart(readCart())
let lastOrder = null
try { lastOrder = localStorage.getItem(ORDER_KEY) } catch { /* ignore */ }
showOrderLink(lastOrder)

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-link]')
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return
  e.preventDefault()
  if (a.getAttribute('href') !== location.pathname) go(a.getAttribute('href'))
})
window.addEventListener('popstate', render)
for (const button of document.querySelectorAll('.lang-switch [data-lang]')) {
  button.addEventListener('click', () => switchLanguage(button.dataset.lang))
}
$('add-to-cart').addEventListener('click', addToCart)
$('place-order').addEventListener('click', placeOrder)
$('locate').addEventListener('click', locateMe)
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
$('new-visit').addEventListener('click', startNewVisit)

/** Ends the visit now: the next load starts the SDK with a visit that ends after 6 ms idle (see index.html). */
function startNewVisit () {
  try { sessionStorage.setItem(NEW_VISIT_KEY, 'start') } catch { return /* storage blocked: nothing can tell the next load */ }
  $('new-visit').disabled = true
  location.reload()
}

/** The note after a new visit started, once: which visit it is, and whether Waymark knows a name. */
function newVisitNote () {
  let flag = null
  try {
    flag = sessionStorage.getItem(NEW_VISIT_KEY)
    sessionStorage.removeItem(NEW_VISIT_KEY)
  } catch { /* ignore */ }
  if (flag !== 'started') return
  const { visits, traits } = window.waymark.profile()
  $('new-visit-note').textContent = t(traits.firstName || traits.name ? 'panel.newVisitDone' : 'panel.newVisitUnnamed', { visits })
}

// Events that happened before this ran (the listener in index.html kept them), then each new one.
const recorded = window.northbeanEvents || []
function showEvent (ev) {
  logEvent(ev)
  if (typeof window.waymark.profile === 'function') renderPanel()
}

if (STARTING_VISIT) {
  // The SDK started the new visit as it loaded (and stored it); reload with the usual options.
  show('view-new-visit')
  document.title = pageTitle(t('newVisit.title'))
  $('new-visit').disabled = true
  const done = (started) => {
    try {
      if (started) sessionStorage.setItem(NEW_VISIT_KEY, 'started')
      else sessionStorage.removeItem(NEW_VISIT_KEY)
    } catch { /* ignore */ }
    // The visitor's state reaches IndexedDB within 100 ms of a change; then the page goes.
    setTimeout(() => location.reload(), 400)
  }
  whenSdk().then(() => done(true), () => done(false))
} else {
  render()
  whenSdk().then(() => {
    for (const ev of recorded.splice(0)) logEvent(ev)
    recorded.listener = showEvent
    window.waymark.on('stage', renderPanel)
    renderPanel()
    newVisitNote()
  }, (err) => {
    $('wm-greeting').textContent = t('panel.failed', { error: err.message })
  })
}
