// track() cost in Node, with jsdom for the page and fake-indexeddb for storage.
//
//   node test/bench/track.mjs          prints a table (needs a built dist/: npm run build)
//   node test/bench/track.mjs --json   prints the result as one JSON line (used by run.mjs)
//
// Playbooks A (10 rules on cart_viewed), B (1,000 rules, 10 on cart_viewed) and C (10 rules,
// 1 on cart_viewed) run side by side in one process, their batches interleaved.
import { JSDOM } from 'jsdom'
import { PLAYBOOKS, ROOT, assertTrackChecks, isMain, measureTrack, median, range, times, us } from './lib.mjs'

export const OPTIONS = { batch: 2000, rounds: 60, warmup: 10 }

// The SDK reads browser globals at call time, so they must exist before it runs (and
// before import, to be safe). Node 20 has crypto, BroadcastChannel and performance itself.
export function installDom() {
  const dom = new JSDOM('<!doctype html><title>cart</title>', { url: 'http://localhost/cart' })
  const w = dom.window
  const globals = {
    window: w, document: w.document, location: w.location, navigator: w.navigator, history: w.history,
    Event: w.Event, CustomEvent: w.CustomEvent,
    addEventListener: w.addEventListener.bind(w), removeEventListener: w.removeEventListener.bind(w),
    dispatchEvent: w.dispatchEvent.bind(w),
  }
  // defineProperty, not assignment: some of these are getters on Node's globalThis.
  for (const [k, value] of Object.entries(globals))
    Object.defineProperty(globalThis, k, { value, configurable: true, writable: true })
  return dom
}

/** Runs the measurement; returns µs per call (median) per playbook and the ratios. */
export async function benchTrackNode(opts = OPTIONS) {
  // Before installDom(): fake-indexeddb puts itself on `window` when one exists.
  await import('fake-indexeddb/auto')
  const dom = installDom()
  const { createWaymark } = await import(`${ROOT}/dist/waymark.js`)
  const { samples, checks } = await measureTrack(
    { playbooks: PLAYBOOKS, namespace: `bench-${process.pid}-${Date.now()}`, ...opts },
    createWaymark,
  )
  assertTrackChecks(checks, 'Node')
  dom.window.close()
  return summarise(samples, opts, `Node ${process.version} + jsdom`)
}

/** Medians, ranges and the two ratios from per-batch samples (shared with Chromium). */
export function summarise(samples, opts, env) {
  const m = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, median(xs)]))
  const r = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, range(xs)]))
  return { env, ...opts, us: m, range: r, BoverA: m.B / m.A, BoverC: m.B / m.C }
}

export function trackTable(results) {
  const rows = results.map((x) =>
    `| ${x.env} | ${us(x.us.A)} | ${us(x.us.B)} | ${us(x.us.C)} | ${times(x.BoverA)} | ${times(x.BoverC)} |`)
  return [
    "| `track('cart_viewed')`, µs per call | A: 10 rules, all 10 on `cart_viewed` | B: 1,000 rules, 10 on it | C: 10 rules, 1 on it | B ÷ A (target ≤ 1.5×) | B ÷ C |",
    '|---|---:|---:|---:|---:|---:|',
    ...rows,
  ].join('\n')
}

if (isMain(import.meta.url)) {
  const result = await benchTrackNode()
  if (process.argv.includes('--json')) console.log(JSON.stringify(result))
  else {
    console.log(trackTable([result]))
    for (const k of 'ABC') console.log(`${k}: min–max over ${result.rounds} batches ${result.range[k].map(us).join('–')} µs`)
  }
  // jsdom and fake-indexeddb may leave handles open; the work is done.
  process.exit(0)
}
