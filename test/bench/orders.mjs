// What a live order widget costs the orders backend, and how fresh it stays: the built SDK
// (dist/waymark.js) in Node with jsdom, watching one order for an hour of simulated time (a
// virtual clock runs the SDK's timers in order; no real waiting), against an endpoint that is
// counted, not reached.
//
//   unchanged   the order stays "paid" for the hour, the page visible: requests per hour
//   moving      the example server's course: one step every 20 s from "placed" to "delivered";
//               which statuses the widget saw, and how long after each change
//   hidden      the page hidden for the hour: requests per hour
//
//   node test/bench/orders.mjs          prints a table (needs a built dist/: npm run build)
//   node test/bench/orders.mjs --json   prints the result as one JSON line (used by run.mjs)
import { ROOT, isMain, virtualClock } from './lib.mjs'
import { installDom } from './track.mjs'

const HOUR = 3600_000
const STEPS = ['placed', 'paid', 'packed', 'shipped', 'out_for_delivery', 'delivered']

/** One hour of one scenario; returns the requests made and, when moving, the statuses seen. */
async function scenario(kind, createWaymark, clock, dom) {
  const start = clock.now()
  let requests = 0
  globalThis.fetch = async (url) => {
    requests++
    const id = decodeURIComponent(String(url).split('/').pop())
    const step = kind === 'moving' ? Math.min(STEPS.length - 1, Math.floor((clock.now() - start) / 20_000)) : 1
    return new Response(JSON.stringify({ id, status: STEPS[step] }), { headers: { 'Content-Type': 'application/json' } })
  }
  Object.defineProperty(dom.window.document, 'visibilityState', { value: kind === 'hidden' ? 'hidden' : 'visible', configurable: true })
  const wm = createWaymark({ orders: '/api/orders/{id}', autoPage: false, consent: 'denied', namespace: `bench-orders-${kind}` })
  const seen = []
  wm.on('order', ({ order }) => seen.push([order.status, clock.now() - start]))
  await wm.ready
  const stop = wm.watchOrder('A-1')
  await clock.run(HOUR)
  stop()
  wm.destroy()
  // How long after the server changed each status the widget had it (the first is the first fetch).
  const lag = seen.slice(1).map(([status, at]) => at - STEPS.indexOf(status) * 20_000)
  return { requests, seen: seen.map(([s]) => s), maxLagMs: lag.length ? Math.max(...lag) : null }
}

/** Runs the three scenarios. */
export async function benchOrders() {
  await import('fake-indexeddb/auto')
  const dom = installDom()
  const clock = virtualClock()
  const { createWaymark } = await import(`${ROOT}/dist/waymark.js`)
  const out = {}
  for (const kind of ['unchanged', 'moving', 'hidden']) out[kind] = await scenario(kind, createWaymark, clock, dom)
  dom.window.close()
  return out
}

/** The result as a markdown table. */
export function ordersTable(r) {
  return [
    '| watching one order for an hour | requests | statuses seen | slowest change shown after |',
    '|---|---:|---|---:|',
    `| visible page, status unchanged | ${r.unchanged.requests} | ${r.unchanged.seen.join(' → ')} | — |`,
    `| visible page, one step every 20 s (the example server) | ${r.moving.requests} | ${r.moving.seen.join(' → ')} | ${(r.moving.maxLagMs / 1000).toFixed(1)} s |`,
    `| hidden page | ${r.hidden.requests} | ${r.hidden.seen.join(' → ') || '—'} | — |`,
  ].join('\n')
}

if (isMain(import.meta.url)) {
  const r = await benchOrders()
  console.log(process.argv.includes('--json') ? JSON.stringify(r) : ordersTable(r))
  process.exit(0)
}
