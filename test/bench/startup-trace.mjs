// Where the main-thread time of `bench:startup` goes: a Chromium trace of a returning visit to
// each of its pages (blank, the split script tag, GrowthBook's), from navigation to 1 s after
// ready, with each task's time split by what runs at its top level: the HTML parser (which
// runs synchronous scripts, Waymark's first file and GrowthBook's alike), callbacks into
// JavaScript (IndexedDB answers, messages, promise jobs), scripts evaluated on their own (the
// parts loaded after ready), timers, events, rendering, and what is left (the task's own time).
// Median of RUNS loads per figure (default 5).
//
//   node test/bench/startup-trace.mjs [rate]   (needs a built dist/: npm run build)
//   ALL=1 node test/bench/startup-trace.mjs 4   every kind of top-level event in its own row
//   FIRST=1 node test/bench/startup-trace.mjs 4   a first visit instead (the playbook fetched,
//                                                 validated and stored after ready)
import { chromium } from 'playwright-core'
import { median } from './lib.mjs'
import { mainThread, serveStartup, waitReady } from './startup-lib.mjs'

const RATE = Number(process.argv[2] || 4)
const RUNS = Number(process.env.RUNS || 5)
// ALL=1: a row for every kind of top-level event, the browser's own included, not only JavaScript's.
const ALL = !!process.env.ALL
const FIRST = !!process.env.FIRST
const VISIT = FIRST ? 'first visit' : 'returning visit'
const SDKS = ['blank', 'waymark', 'growthbook']
const RENDER = new Set(['Layout', 'UpdateLayoutTree', 'Paint', 'PrePaint', 'Layerize', 'Commit'])

// The kind of a task's top-level event.
const kind = (e) => {
  if (RENDER.has(e.name)) return 'rendering'
  if (e.name == 'EvaluateScript' || e.name == 'v8.compile') return `script ${(e.args?.data?.url || 'inline').replace(/^.*\//, '').replace(/\?.*/, '')}`
  return { ParseHTML: 'HTML parser (and its scripts)', 'v8.callFunction': 'callbacks into JavaScript', FunctionCall: 'callbacks into JavaScript', TimerFire: 'timers', EventDispatch: 'events' }[e.name] || e.name
}

/** Whether a kind is JavaScript's (the HTML parser's row counts the scripts it runs). */
const JS = (k) => /^(callbacks|HTML parser|script |timers|events)/.test(k)

/** One traced visit: ms per kind, the total, and the longest task with its JavaScript. */
async function traced(browser, url) {
  const context = await browser.newContext()
  if (!FIRST) {
    const warm = await context.newPage()
    await warm.goto(url)
    await waitReady(await context.newCDPSession(warm))
    await warm.waitForTimeout(1000) // the fetched playbook stored
    await warm.close()
  }
  const p = await context.newPage()
  const cdp = await context.newCDPSession(p)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE })
  await browser.startTracing(p, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8'] })
  await p.goto(url)
  await waitReady(cdp)
  await p.waitForTimeout(1000)
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents
  await context.close()
  const on = mainThread(events).filter((e) => e.dur)
  const out = { total: 0, longest: 0, 'longest: JavaScript': 0, 'longest running JavaScript': 0 }
  const add = (k, us) => (out[k] = (out[k] || 0) + us / 1000)
  for (const task of on.filter((e) => e.name == 'RunTask')) {
    const end = task.ts + task.dur
    const inside = on.filter((e) => e != task && e.name != 'RunTask' && e.ts >= task.ts && e.ts + e.dur <= end)
    // Top level: inside no other event of the task.
    const top = inside.filter((e) => !inside.some((o) => o != e && o.ts <= e.ts && o.ts + o.dur >= e.ts + e.dur && o.dur > e.dur))
    let covered = 0
    for (const e of top) add(kind(e), e.dur), (covered += e.dur)
    add('the tasks\' own time', task.dur - covered)
    add('total', task.dur)
    // The longest task, and the JavaScript at its top level (issue 17's long-task target: is
    // the longest task the page's or the browser's own?); and the longest task that runs
    // JavaScript (the HTML parser counting, as it runs the synchronous scripts), 1 ms or more.
    const js = top.filter((e) => JS(kind(e))).reduce((a, e) => a + e.dur, 0) / 1000
    if (task.dur / 1000 > out.longest) (out.longest = task.dur / 1000), (out['longest: JavaScript'] = js)
    if (js >= 1) out['longest running JavaScript'] = Math.max(out['longest running JavaScript'], task.dur / 1000)
  }
  return out
}

const server = await serveStartup()
const base = `http://127.0.0.1:${server.address().port}`
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] })
const runs = Object.fromEntries(SDKS.map((s) => [s, []]))
for (let run = 0; run < RUNS; run++) for (const sdk of SDKS) runs[sdk].push(await traced(browser, `${base}/${sdk}`))
const version = browser.version()
await browser.close()
server.close()

// The kinds JavaScript runs in, one row each; the browser's own work (preloads, context set-up,
// rendering, the tasks' own time) in one row: the total minus those.
const kinds = [...new Set(SDKS.flatMap((s) => runs[s].flatMap((r) => Object.keys(r))))].filter((k) => (ALL ? !/^(total|longest)/.test(k) : JS(k)))
const med = (sdk, k) => median(runs[sdk].map((r) => r[k] || 0))
const rows = kinds.map((k) => [k, ...SDKS.map((s) => med(s, k))]).filter(([, ...v]) => v.some((x) => x >= 0.5))
const total = SDKS.map((s) => med(s, 'total'))
rows.sort((x, y) => y[2] - y[1] - (x[2] - x[1]))
rows.push(['the browser\'s own work (preloads, context set-up, rendering, the tasks\' own time)', ...SDKS.map((s, i) => total[i] - rows.reduce((a, r) => a + r[1 + i], 0))])
rows.push(['total', ...total])
console.log(`Main-thread time of a ${VISIT} at ${RATE}× CPU, from navigation to 1 s after ready; median of ${RUNS} loads, ms (Chromium ${version})`)
console.log('| | blank page | Waymark, split script tag | GrowthBook | Waymark added | GrowthBook added |\n|---|---:|---:|---:|---:|---:|')
for (const [k, b, w, g] of rows) console.log(`| ${k} | ${b.toFixed(1)} | ${w.toFixed(1)} | ${g.toFixed(1)} | ${(w - b).toFixed(1)} | ${(g - b).toFixed(1)} |`)
console.log(`\nThe longest task of each load (median of ${RUNS}, in brackets the most of any load), and the JavaScript at its top level (the HTML parser with the scripts it runs, callbacks, timers), ms`)
console.log('| | blank page | Waymark, split script tag | GrowthBook |\n|---|---:|---:|---:|')
const LONG = { longest: 'longest task', 'longest: JavaScript': 'of which JavaScript', 'longest running JavaScript': 'longest task that runs 1 ms of JavaScript or more' }
const most = (sdk, k) => Math.max(...runs[sdk].map((r) => r[k] || 0))
for (const [k, label] of Object.entries(LONG)) console.log(`| ${label} | ${SDKS.map((s) => `${med(s, k).toFixed(1)} (${most(s, k).toFixed(1)})`).join(' | ')} |`)
