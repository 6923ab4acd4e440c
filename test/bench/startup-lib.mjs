// What the startup benchmarks share (startup.mjs, startup-trace.mjs, startup-ab.mjs,
// startup-profile.mjs): the 100-rule playbook, the measured pages and their server, and how a
// page load is read without disturbing it.
import { createServer } from 'node:http'
import { readFileSync, readdirSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { ROOT } from './lib.mjs'

/** Rules in the playbook (100, or RULES=n); startup.mjs gives GrowthBook as many features. */
export const N = Number(process.env.RULES) || 100

/**
 * N rules with conditions, on several triggers (page views reach a handful of them): each
 * condition has three parts, one of them a `$regex`.
 */
export const PLAYBOOK = {
  version: 'startup-1',
  rules: Array.from({ length: N }, (_, i) => ({
    id: `r${i}`, on: [i % 10 ? `event_${i % 10}` : 'page'],
    if: { 'visit.count': { $gte: i % 3 }, 'device.locale': { $in: ['en', 'ru', 'de'] }, 'page.path': { $regex: `^/p${i % 7}` } },
    offer: { kind: 'headless', data: { i } },
  })),
}

/** A page around `body`, as both SDKs' pages are. */
export const page = (body) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bench</title></head><body><main><h1>Shop</h1></main>${body}</body></html>`

/**
 * Long tasks collected into `window.__long` from the page's start, each as [startTime, duration];
 * and `window.__start`, the time just before the measured script: every page puts this script
 * right before its SDK's (or, on the blank page, before its own inline one). Issue 17's long-task
 * target counts the tasks from there on; the tasks before it are the navigation's own (setting up
 * the page's JavaScript context, 100 ms or more at 4× on a blank page), which no script can change.
 */
export const longTasks = () =>
  `<script>window.__long=[];new PerformanceObserver(l=>l.getEntries().forEach(e=>__long.push([e.startTime,e.duration]))).observe({type:'longtask',buffered:true});window.__start=performance.now()</script>`

/** The script tag from `src`, with `window.__ready` set when Waymark is ready. */
export const waymarkTag = (src) =>
  `<script src="${src}" data-playbook="/playbook.json" data-namespace="startup"></script><script>waymark.ready.then(()=>window.__ready=performance.now())</script>`

// Read through CDP's Runtime.evaluate, not Playwright's page.waitForFunction / page.evaluate:
// those inject Playwright's own script into the page, a 60-90 ms task at 4× CPU that ran
// between a page's load and Waymark's ready (GrowthBook's came before it), so it was counted
// in Waymark's ready, its main-thread time and its longest task.
/** An expression's value in the page, read through CDP. */
export const value = async (cdp, expression) => (await cdp.send('Runtime.evaluate', { expression, returnByValue: true })).result.value

/**
 * The complete events (`ph: 'X'`) of the traced page's main thread: the renderer thread that
 * parsed its HTML (a trace also holds other pages' and the browser's threads).
 */
export function mainThread(events) {
  const main = events.find((e) => e.name == 'thread_name' && e.args.name == 'CrRendererMain' && events.some((x) => x.pid == e.pid && x.tid == e.tid && x.name == 'ParseHTML'))
  return events.filter((e) => e.pid == main.pid && e.tid == main.tid && e.ph == 'X')
}

/** Waits until the page has set `window.__ready`, polling through CDP (30 s at most). */
export async function waitReady(cdp) {
  const deadline = Date.now() + 30_000
  while ((await value(cdp, 'window.__ready')) === undefined) {
    if (Date.now() > deadline) throw new Error('no ready within 30 s')
    await new Promise((r) => setTimeout(r, 20))
  }
}

/**
 * A mobile network for `network` in {@link load}: Chrome DevTools' "Slow 4G" preset (150 ms
 * round trip, 1.6 Mbit/s down, 750 kbit/s up), applied by CDP to every request of the page.
 */
export const SLOW_4G = { offline: false, latency: 150, downloadThroughput: (1.6 * 1024 * 1024) / 8, uploadThroughput: (750 * 1024) / 8 }

/**
 * One page load at `rate`× CPU (and `network`'s conditions, if given): ready (ms since
 * navigation), main-thread time until 1 s after it, the longest task of the page
 * (`longest`) and the longest from the script's start to 1 s after ready (`longestOurs`).
 */
export async function load(context, url, rate, network) {
  const p = await context.newPage()
  const cdp = await context.newCDPSession(p)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(rate) })
  if (network) await cdp.send('Network.enable'), await cdp.send('Network.emulateNetworkConditions', network)
  await cdp.send('Performance.enable')
  await p.goto(url)
  await waitReady(cdp)
  await p.waitForTimeout(1000)
  const metrics = Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]))
  const [ready, long, start] = await value(cdp, '[window.__ready, window.__long, window.__start]')
  await p.close()
  // From the script's start to 1 s after ready: a task that ends after the start (the one that
  // runs the script begins before it, with the parser) and begins before that second is over.
  const ours = long.filter(([at, d]) => at + d > start && at < ready + 1000)
  return { ready, task: metrics.TaskDuration * 1000, longest: Math.max(0, ...long.map(([, d]) => d)), longestOurs: Math.max(0, ...ours.map(([, d]) => d)) }
}

// GrowthBook gets as many features as the playbook has rules, each with a targeting condition:
// comparable work for each SDK's evaluator.
const FEATURES = Object.fromEntries(Array.from({ length: N }, (_, i) => [`feature-${i}`, {
  defaultValue: false,
  rules: [{ condition: { country: { $in: ['US', 'RU', 'DE'] }, visits: { $gte: i % 3 }, url: { $regex: `^/p${i % 7}` } }, force: true }],
}]))

/** GrowthBook's script tag, `/auto.min.js` on the pages of {@link startupPages}. */
export const GROWTHBOOK_JS = `${ROOT}/node_modules/@growthbook/growthbook/dist/bundles/auto.min.js`

/** Answers with the script `file`, compressed as a site would serve it (gzip: Chromium asks for brotli only over https). */
export const sendScript = (res, file) =>
  res.writeHead(200, { 'Content-Type': 'text/javascript', 'Content-Encoding': 'gzip' }).end(gzipSync(readFileSync(file), { level: 9 }))

/**
 * Issue 17's ratios, Waymark's split script tag against GrowthBook, each figure minus the blank
 * page's: [visit, figure] each.
 */
export const RATIOS = { task: ['returning', 'task'], readyReturning: ['returning', 'ready'], readyFirst: ['first', 'ready'] }

/**
 * How far a figure of `n` runs can be trusted: `fn` (a figure of the runs whose indices it is
 * given) over 1,000 resamplings of the runs with replacement (bootstrap); its 5th and 95th
 * percentiles.
 */
export function interval(n, fn) {
  const xs = Array.from({ length: 1000 }, () => fn(Array.from({ length: n }, () => Math.floor(Math.random() * n)))).sort((a, b) => a - b)
  return [xs[50], xs[949]]
}

/**
 * The pages of `bench:startup`, by path: `/blank`, `/waymark` (the split script tag),
 * `/waymark1` (the one file) and `/growthbook` (its script tag with an inline payload).
 */
export function startupPages() {
  const long = longTasks()
  return {
    '/blank': page(`${long}<script>window.__ready=performance.now()</script>`),
    '/waymark': page(long + waymarkTag('/script/waymark.js')),
    '/waymark1': page(long + waymarkTag('/waymark.iife.js')),
    '/growthbook': page(`${long}<script>window.growthbook_config={payload:{features:${JSON.stringify(FEATURES)}},noStreaming:true,attributes:{country:'US',visits:1}};document.addEventListener('growthbookdata',()=>window.__ready??=performance.now())</script><script src="/auto.min.js"></script>`),
  }
}

/** Serves {@link startupPages}, both script tags from dist/, GrowthBook's and the playbook, on 127.0.0.1. */
export function serveStartup() {
  const pages = startupPages()
  const files = {
    '/waymark.iife.js': `${ROOT}/dist/waymark.iife.js`,
    ...Object.fromEntries(readdirSync(`${ROOT}/dist/script`).filter((f) => f.endsWith('.js')).map((f) => [`/script/${f}`, `${ROOT}/dist/script/${f}`])),
    '/auto.min.js': GROWTHBOOK_JS,
  }
  const server = createServer((req, res) => {
    const path = (req.url || '/').split('?')[0]
    if (pages[path]) return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(pages[path])
    if (files[path]) return sendScript(res, files[path])
    if (path === '/playbook.json') return res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }).end(JSON.stringify(PLAYBOOK))
    res.writeHead(404).end()
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}
