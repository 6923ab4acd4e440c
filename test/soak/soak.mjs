// `npm run soak` (not part of `npm test`): 100,000 track() calls against the 1,000-rule
// playbook in a real Chromium, through the script-tag build, with real IndexedDB and the
// example server's /collect. Reports the page's heap before, after and after a forced GC,
// IndexedDB transactions per 1,000 events, what reached the collector, µs per track() and the
// run time; exits non-zero when the heap after GC grew by more than 10 MB, when events were
// lost without a report, or when the page threw.
//
//   node test/soak/soak.mjs                 (builds dist/ first when it is missing or older than src/)
//   node test/soak/soak.mjs --no-build      use dist/ as it is
//   SOAK_EVENTS=20000 SOAK_BATCH=500 SOAK_PAUSE_MS=50 node test/soak/soak.mjs   (defaults 100000, 1000, 0)
//
// Needs Debian's Chromium at /usr/bin/chromium (or CHROMIUM_PATH), like the browser suite.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { startServer } from '../../examples/server/server.mjs'
import { PLAYBOOKS, ROOT, build } from '../bench/lib.mjs'

const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const IIFE = join(ROOT, 'dist', 'waymark.iife.js')
const EVENTS = Number(process.env.SOAK_EVENTS || 100_000)
const BATCH = Number(process.env.SOAK_BATCH || 1000)
const PAUSE_MS = Number(process.env.SOAK_PAUSE_MS || 0)
const MAX_HEAP_GROWTH = 10 * 1024 * 1024
const NAMESPACE = 'soak'

// As test/browser/harness.mjs launch() (not imported: it registers vitest hooks).
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync']

// The script tag's own instance (collect '/collect', no auto page view) stays idle; the soak
// makes its own with the 1,000-rule playbook. The page is /cart, so every rule's condition
// runs to its last part (page.path) and fails there: no offer, no cap, the full cost.
const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waymark soak</title>
<link rel="icon" href="data:,">
<script async src="/waymark.iife.js" data-collect="/collect" data-auto-page="false"></script>
</head><body><h1>cart</h1></body></html>`

const MB = (bytes) => (bytes / 1024 / 1024).toFixed(2)
const log = (what) => process.stderr.write(`soak: ${what}\n`)

/** Newest modification time under a directory, in ms. */
const newest = (dir) =>
  Math.max(...readdirSync(dir, { withFileTypes: true }).map((e) =>
    e.isDirectory() ? newest(join(dir, e.name)) : statSync(join(dir, e.name)).mtimeMs))

function ensureBuild() {
  if (process.argv.includes('--no-build')) {
    if (!existsSync(IIFE)) throw new Error(`${IIFE} is missing: run without --no-build or \`npm run build\``)
    return 'dist/ as it was (--no-build)'
  }
  if (!existsSync(IIFE)) {
    log('dist/ is missing: npm run build…')
    build()
    return 'built (dist/ was missing)'
  }
  if (newest(join(ROOT, 'src')) > statSync(IIFE).mtimeMs) {
    log('src/ is newer than dist/: npm run build…')
    build()
    return 'rebuilt (src/ was newer than dist/)'
  }
  return 'dist/ up to date'
}

/** In the page: counts IndexedDB transactions of one database by mode. */
function countTransactions(namespace) {
  const counts = { readonly: 0, readwrite: 0 }
  const original = IDBDatabase.prototype.transaction
  IDBDatabase.prototype.transaction = function (...args) {
    if (this.name === namespace) counts[args[1] || 'readonly']++
    return original.apply(this, args)
  }
  window.__soakTx = counts
}

/** In the page: the soak instance, started and drained, with counters on its events. */
async function createSoakInstance({ playbook, namespace }) {
  const wm = window.waymark.createWaymark({ playbook, collect: '/collect', namespace, autoPage: false })
  const s = { events: 0, offers: 0, errors: [], dropped: 0, playbook: null, storageFailedAt: 0 }
  wm.on('event', () => s.events++)
  wm.on('offer', () => s.offers++)
  wm.on('playbook', (p) => (s.playbook = p.version))
  wm.on('error', (e) => {
    if (/storage unavailable/.test(e.message) && !s.storageFailedAt) s.storageFailedAt = s.events
    const m = /dropped the (\d+) oldest/.exec(e.message)
    if (m) s.dropped += Number(m[1])
    if (s.errors.length < 20) s.errors.push(e.message)
  })
  await wm.ready
  await wm.flush()
  window.__soak = { wm, s }
  return { events: s.events, errors: s.errors, playbook: s.playbook }
}

/** In the page: `events` track() calls in batches, a macrotask between batches; then flush(). */
async function runSoak({ events, batch, namespace, pauseMs }) {
  const { wm, s } = window.__soak
  const tx = window.__soakTx
  const tx0 = { ...tx }
  const events0 = s.events
  const pause = () => new Promise((r) => setTimeout(r, pauseMs))
  let busy = 0 // time inside track() calls only
  const t0 = performance.now()
  for (let done = 0; done < events;) {
    const n = Math.min(batch, events - done)
    const b0 = performance.now()
    for (let i = 0; i < n; i++, done++) {
      // Two thirds hit the 10 rules on cart_viewed, the rest one of the 990 others each.
      if (done % 3) wm.track('cart_viewed', { total: 12, i: done })
      else wm.track(`other_${done % 990}`, { total: 12, i: done })
    }
    busy += performance.now() - b0
    await pause() // timers, coalesced writes, delivery and the cross-tab post run here
  }
  const tracked = performance.now() - t0
  const f0 = performance.now()
  await wm.flush()
  const flushMs = performance.now() - f0
  // What is left in the namespace's store (its own connection, not counted above): events the
  // next visit will send, or drop as overflow.
  const left = await new Promise((resolve) => {
    const open = indexedDB.open(namespace)
    open.onerror = () => resolve([])
    open.onsuccess = () => {
      const db = open.result
      const req = db.transaction('state', 'readonly').objectStore('state').getAll(IDBKeyRange.bound(['q'], ['q', []]))
      req.onsuccess = () => (resolve(req.result.map((text) => JSON.parse(text).props.i ?? -1)), db.close())
      req.onerror = () => (resolve([]), db.close())
    }
  })
  return {
    left, storageFailedAt: s.storageFailedAt ? s.storageFailedAt - events0 : 0,
    busyMs: busy, trackedMs: tracked, flushMs,
    recorded: s.events - events0, offers: s.offers, dropped: s.dropped, errors: s.errors,
    tx: { readonly: tx.readonly - tx0.readonly, readwrite: tx.readwrite - tx0.readwrite },
    explain: wm.explain('cart-0').reason,
  }
}

async function main() {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`)
  const started = performance.now()
  const buildNote = ensureBuild()
  const dataDir = mkdtempSync(join(tmpdir(), 'waymark-soak-'))
  const server = await startServer({ port: 0, dataDir })
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ARGS })
  const collector = async (body) => {
    const res = await fetch(`${server.url}/__collect`, body ? { method: 'POST', body: JSON.stringify(body) } : undefined)
    return (await res.json()).stats
  }
  try {
    const context = await browser.newContext()
    const page = await context.newPage()
    const pageErrors = []
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(`console: ${m.text()}`) })
    await page.route(`${server.url}/cart`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: PAGE }))
    await page.goto(`${server.url}/cart`)
    await page.waitForFunction(() => typeof window.waymark?.createWaymark === 'function', null, { timeout: 15_000 })
    await page.evaluate(() => window.waymark.ready.then(() => window.waymark.flush()))
    const cdp = await context.newCDPSession(page)
    const heap = async (gc) => {
      if (gc) for (let i = 0; i < 3; i++) await cdp.send('HeapProfiler.collectGarbage')
      return (await cdp.send('Runtime.getHeapUsage')).usedSize
    }

    log(`1,000-rule playbook (${PLAYBOOKS.B.rules.length} rules), namespace "${NAMESPACE}"…`)
    await page.evaluate(countTransactions, NAMESPACE)
    const setup = await page.evaluate(createSoakInstance, { playbook: PLAYBOOKS.B, namespace: NAMESPACE })
    if (setup.playbook !== PLAYBOOKS.B.version) throw new Error(`playbook not applied: ${JSON.stringify(setup)}`)
    await collector({ resetStats: true }) // count only what the soak sends from here on
    const heapBefore = await heap(true)

    log(`${EVENTS.toLocaleString('en')} track() calls in batches of ${BATCH.toLocaleString('en')}…`)
    const r = await page.evaluate(runSoak, { events: EVENTS, batch: BATCH, namespace: NAMESPACE, pauseMs: PAUSE_MS })
    const heapAfter = await heap(false)
    const heapAfterGc = await heap(true)

    // The collector writes after answering only when the request body was read: wait until
    // its counts stop moving (at most 10 s).
    let stats = await collector()
    for (let i = 0; i < 40; i++) {
      await new Promise((res) => setTimeout(res, 250))
      const next = await collector()
      if (next.stored === stats.stored && next.requests === stats.requests) break
      stats = next
    }
    const growth = heapAfterGc - heapBefore
    const perK = (n) => (n / (r.recorded / 1000)).toFixed(2)
    // Accounting by track index (props.i): delivered (the collector's events.jsonl) or still
    // queued in IndexedDB; the rest is gone, and should all have been reported as dropped.
    const delivered = new Set()
    const jsonl = join(dataDir, 'events.jsonl')
    if (existsSync(jsonl))
      for (const line of readFileSync(jsonl, 'utf8').split('\n')) if (line) {
        const e = JSON.parse(line)
        if (e.type === 'track') delivered.add(e.props.i)
      }
    const queued = new Set(r.left.filter((i) => i >= 0 && !delivered.has(i)))
    const gone = EVENTS - delivered.size - queued.size
    const lost = Math.max(0, gone - r.dropped) // at least this many vanished without a report
    const runMs = performance.now() - started

    const checks = [
      [`heap after GC grew ${MB(growth)} MB (limit ${MB(MAX_HEAP_GROWTH)} MB)`, growth <= MAX_HEAP_GROWTH],
      [`every track() is delivered, still queued, or reported dropped (at least ${lost.toLocaleString('en')} vanished without a report)`, lost === 0],
      [`IndexedDB stays in use (${r.storageFailedAt ? `"storage unavailable" reported after ${r.storageFailedAt.toLocaleString('en')} events` : 'yes'})`, !r.storageFailedAt],
      [`no duplicates at the collector (${stats.duplicates})`, stats.duplicates === 0],
      [`no page errors (${pageErrors.length})`, pageErrors.length === 0],
      [`no offers (the conditions all fail on /cart): ${r.offers}; explain("cart-0"): ${r.explain}`, r.offers === 0 && r.explain === 'condition not met: page.path'],
    ]

    const rows = [
      ['build', buildNote],
      ['Chromium', browser.version()],
      ['rules in the playbook', PLAYBOOKS.B.rules.length.toLocaleString('en')],
      ['track() calls', `${EVENTS.toLocaleString('en')} (batches of ${BATCH.toLocaleString('en')}, setTimeout(${PAUSE_MS}) between)`],
      ['events recorded (track + stage + session)', r.recorded.toLocaleString('en')],
      ['heap used before (after GC)', `${MB(heapBefore)} MB`],
      ['heap used after', `${MB(heapAfter)} MB`],
      ['heap used after forced GC', `${MB(heapAfterGc)} MB`],
      ['heap after GC − before', `${growth >= 0 ? '+' : ''}${MB(growth)} MB`],
      ['IndexedDB transactions (readwrite / readonly)', `${r.tx.readwrite} / ${r.tx.readonly}`],
      ['IndexedDB transactions per 1,000 events (readwrite / readonly)', `${perK(r.tx.readwrite)} / ${perK(r.tx.readonly)}`],
      ['collector: requests / events received', `${stats.requests} / ${stats.events.toLocaleString('en')}`],
      ['collector: stored / duplicates', `${stats.stored.toLocaleString('en')} / ${stats.duplicates}`],
      ['track() events delivered / still queued in IndexedDB / neither', `${delivered.size.toLocaleString('en')} / ${queued.size.toLocaleString('en')} / ${gone.toLocaleString('en')}`],
      ['reported dropped ("delivery queue full")', r.dropped.toLocaleString('en')],
      ['vanished without a report (at least)', lost.toLocaleString('en')],
      ['µs per track() (time inside the calls)', (r.busyMs * 1000 / EVENTS).toFixed(2)],
      ['µs per track() (wall, with the pauses between batches)', (r.trackedMs * 1000 / EVENTS).toFixed(2)],
      ['track() loop, then flush()', `${(r.trackedMs / 1000).toFixed(2)} s, then ${(r.flushMs / 1000).toFixed(2)} s`],
      ['run time (build, browser, server included)', `${(runMs / 1000).toFixed(1)} s`],
    ]
    if (r.errors.length) rows.push(['errors reported (first)', r.errors.slice(0, 3).join('; ')])
    if (pageErrors.length) rows.push(['page errors (first)', pageErrors.slice(0, 3).join('; ')])

    console.log('\n| soak | |\n|---|---:|')
    for (const [k, v] of rows) console.log(`| ${k} | ${v} |`)
    console.log('')
    for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`)
    if (checks.some(([, ok]) => !ok)) process.exitCode = 1
  } finally {
    await browser.close()
    await server.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exitCode = 1
})
