// Shared pieces of the benchmarks: statistics, formatting, the track() playbooks and the
// track() measurement itself (which runs unchanged in Node and inside a Chromium page).
import { execFileSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2
}

/** Smallest and largest of a list: shown next to medians so the noise is visible. */
export const range = (xs) => [Math.min(...xs), Math.max(...xs)]

/** µs with 2 significant-ish digits: 0.043, 1.2, 14. */
export const us = (x) => (x < 0.1 ? x.toFixed(3) : x < 10 ? x.toFixed(2) : x.toFixed(1))
export const times = (x) => (x >= 10 ? x.toFixed(0) : x.toFixed(2)) + '×'

/** True when this module is the script node was started with (`node test/bench/x.mjs`). */
export const isMain = (url) => process.argv[1] && url === pathToFileURL(resolve(process.argv[1])).href

/** Rebuilds dist/ with the project's own build (rollup), quietly unless it fails. */
export function build() {
  try {
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    process.stderr.write(String(e.stdout) + String(e.stderr))
    throw new Error('npm run build failed; the benchmarks need a fresh dist/')
  }
}

// A virtual clock (orders.mjs, playbook-requests.mjs) for setTimeout, clearTimeout and Date.now: `run(ms)` fires every timer due
// within `ms`, in order, letting promise chains (and fake-indexeddb's setImmediate) settle
// between them.
export function virtualClock() {
  let now = Date.now()
  let seq = 0
  const timers = new Map()
  globalThis.setTimeout = (fn, ms = 0) => (timers.set(++seq, { at: now + Math.max(0, ms), fn }), seq)
  globalThis.clearTimeout = (id) => void timers.delete(id)
  Date.now = () => now
  const settle = async () => {
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
  }
  return {
    now: () => now,
    settle,
    async run(ms) {
      const end = now + ms
      for (;;) {
        await settle() // what is under way may set the next timer
        let next
        for (const [id, t] of timers) if (!next || t.at < next[1].at) next = [id, t]
        if (!next || next[1].at > end) break
        timers.delete(next[0])
        now = Math.max(now, next[1].at)
        next[1].fn()
      }
      now = end
      await settle()
    },
  }
}

// ---------------------------------------------------------------------------------------
// track() playbooks. Every rule has a realistic three-part condition that is evaluated all
// the way to its last part and fails there: `event.total` passes for { total: 12 }, a fresh
// visitor passes `visit.returning: false`, and `page.path` (the page is /cart) fails the
// regex. So no offer is ever shown and caps never kick in: each call pays for the full
// condition of every rule that listens to it, and nothing else.
// ---------------------------------------------------------------------------------------
const rule = (id, on, i) => ({
  id,
  on: [on],
  if: {
    'event.total': { $gte: i % 10, $lt: 50 + i },
    'visit.returning': false,
    'page.path': { $regex: `^/checkout/step-${i}` },
  },
  offer: { kind: 'banner', title: `Offer ${i}: free shipping from €50` },
  priority: i % 5,
  cap: { session: 1, day: 2, total: 5 },
})
const cart = (n) => Array.from({ length: n }, (_, i) => rule(`cart-${i}`, 'cart_viewed', i))
const other = (n) => Array.from({ length: n }, (_, i) => rule(`other-${i}`, `other_${i}`, i))

export const PLAYBOOKS = {
  A: { version: 'bench-A', rules: cart(10) }, // 10 rules, all on cart_viewed
  B: { version: 'bench-B', rules: [...cart(10), ...other(990)] }, // 1,000 rules, 1 % on cart_viewed
  C: { version: 'bench-C', rules: [...cart(1), ...other(9)] }, // 10 rules, 1 on cart_viewed
}

/**
 * Measures µs per `wm.track('cart_viewed', { total: 12 })` for each playbook, interleaved.
 * Self-contained on purpose: Playwright sends it to the page as source text, so it must not
 * use anything from this module. `create` defaults to the script tag's live
 * `window.waymark.createWaymark`.
 *
 * @returns {Promise<{ samples: Record<string, number[]>, checks: object }>} µs per call, one
 *   number per timed batch, plus what the sanity checks saw.
 */
export async function measureTrack({ playbooks, batch, rounds, warmup, namespace }, create) {
  create = create || globalThis.waymark.createWaymark
  const names = Object.keys(playbooks)
  const wms = {}
  const errors = []
  let offers = 0
  for (const n of names) {
    const wm = create({ playbook: playbooks[n], autoPage: false, namespace: `${namespace}-${n}` })
    wm.on('error', (e) => errors.push(`${n}: ${(e && e.message) || e}`))
    wm.on('offer', () => offers++)
    await wm.ready
    wms[n] = wm
  }
  // Lets coalesced IndexedDB writes and the cross-tab post run between batches, untimed.
  const pause = () => new Promise((r) => setTimeout(r, 0))
  const timeBatch = async (wm) => {
    const t0 = performance.now()
    for (let i = 0; i < batch; i++) wm.track('cart_viewed', { total: 12 })
    await null // the microtasks these calls queued (one cross-tab post per burst) count too
    return ((performance.now() - t0) * 1000) / batch
  }
  for (let w = 0; w < warmup; w++) for (const n of names) await timeBatch(wms[n]), await pause()
  const samples = Object.fromEntries(names.map((n) => [n, []]))
  for (let r = 0; r < rounds; r++) {
    // Rotate the order every round so no playbook always runs right after the same one.
    for (let k = 0; k < names.length; k++) {
      const n = names[(r + k) % names.length]
      samples[n].push(await timeBatch(wms[n]))
      await pause()
    }
  }
  // Every cart rule must have been evaluated down to its last part, and none may have fired.
  const checks = { errors, offers, explain: {} }
  for (const n of names) {
    checks.explain[n] = wms[n].explain('cart-0').reason
    wms[n].destroy()
  }
  return { samples, checks }
}

/** Throws unless measureTrack's checks show a clean run. */
export function assertTrackChecks(checks, where) {
  const bad = []
  if (checks.errors.length) bad.push(`errors reported: ${checks.errors.slice(0, 3).join('; ')}`)
  if (checks.offers) bad.push(`${checks.offers} offers fired (conditions should all fail)`)
  for (const [n, reason] of Object.entries(checks.explain))
    if (reason !== 'condition not met: page.path') bad.push(`playbook ${n}: explain("cart-0") says ${JSON.stringify(reason)}`)
  if (bad.length) throw new Error(`track benchmark (${where}) is not measuring what it should:\n  ${bad.join('\n  ')}`)
}
