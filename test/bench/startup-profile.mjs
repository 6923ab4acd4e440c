// Where Waymark's start-up time goes: a CDP CPU profile of the script tag's returning visit
// (the playbook of `bench:startup` cached on the device), in Chromium at 4× CPU, from
// navigation to `ready`. Self time is summed per source file and per function, mapped back to
// src/ through dist/waymark.iife.js.map; the main thread's long tasks are listed too.
//
//   node test/bench/startup-profile.mjs [rate] [first]   (needs a built dist/: npm run build)
//   IIFE=path/to/waymark.iife.js RUNS=9 node test/bench/startup-profile.mjs 4
//     another build; with RUNS, only the median over that many loads of the SDK's own
//     JavaScript time (self time in the script, with its source map) and of ready
//   AFTER=1000 node test/bench/startup-profile.mjs 4 first
//     the single load profiled and traced until 1 s after ready, not only until ready
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { chromium } from 'playwright-core'
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping'
import { PLAYBOOK, longTasks, mainThread, page, value, waitReady, waymarkTag } from './startup-lib.mjs'
import { ROOT } from './lib.mjs'

const RATE = Number(process.argv[2] || 4)
const FIRST = process.argv[3] == 'first'
const IIFE = process.env.IIFE || `${ROOT}/dist/waymark.iife.js`
const RUNS = Number(process.env.RUNS || 0)
// AFTER=ms: the single load's profile and trace go on that long after ready (a first visit's
// fetched playbook is stored, and the parts load, after it).
const AFTER = Number(process.env.AFTER || 0)
const PAGE = page(longTasks() + waymarkTag('/waymark.iife.js'))

const server = createServer((req, res) => {
  const path = (req.url || '/').split('?')[0]
  if (path == '/waymark') return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(PAGE)
  if (path == '/waymark.iife.js') return res.writeHead(200, { 'Content-Type': 'text/javascript' }).end(readFileSync(IIFE))
  if (path == '/playbook.json') return res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }).end(JSON.stringify(PLAYBOOK))
  res.writeHead(404).end()
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${server.address().port}/waymark`
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] })
const context = await browser.newContext()
if (!FIRST) {
  const warm = await context.newPage()
  await warm.goto(url)
  await warm.waitForFunction(() => window.__ready !== undefined)
  await warm.waitForTimeout(1500) // the fetched copy stored
  await warm.close()
}
if (RUNS) {
  const map = new TraceMap(readFileSync(`${IIFE}.map`, 'utf8'))
  const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1]
  const runs = []
  for (let i = 0; i < RUNS; i++) {
    const ctx = FIRST ? await browser.newContext() : context
    const page = await ctx.newPage()
    const s = await ctx.newCDPSession(page)
    await s.send('Emulation.setCPUThrottlingRate', { rate: RATE })
    await s.send('Profiler.enable')
    await s.send('Profiler.setSamplingInterval', { interval: 100 })
    await s.send('Profiler.start')
    await page.goto(url)
    await waitReady(s)
    const { profile: pr } = await s.send('Profiler.stop')
    const ready = await value(s, 'window.__ready')
    if (!FIRST) await page.waitForTimeout(300)
    await page.close()
    if (FIRST) await ctx.close()
    const files = new Map()
    const self = new Map()
    pr.samples.forEach((id, k) => self.set(id, (self.get(id) || 0) + (pr.timeDeltas[k + 1] || 0) / 1000))
    for (const n of pr.nodes) {
      const t = self.get(n.id)
      if (!t || !n.callFrame.url.endsWith('waymark.iife.js')) continue
      const o = originalPositionFor(map, { line: n.callFrame.lineNumber + 1, column: n.callFrame.columnNumber })
      const f = (o.source || '?').replace(/^.*src\//, '')
      files.set(f, (files.get(f) || 0) + t)
    }
    runs.push({ ready, sdk: [...files.values()].reduce((a, b) => a + b, 0), files })
  }
  const names = [...new Set(runs.flatMap((r) => [...r.files.keys()]))]
  const byFile = names.map((f) => [f, med(runs.map((r) => r.files.get(f) || 0))]).sort((a, b) => b[1] - a[1]).slice(0, 12)
  console.log(`${FIRST ? 'first' : 'returning'} visit, ${RATE}× CPU, ${RUNS} loads, ${IIFE}: median ready ${med(runs.map((r) => r.ready)).toFixed(0)} ms, SDK JavaScript (self time) ${med(runs.map((r) => r.sdk)).toFixed(1)} ms (${runs.map((r) => r.sdk.toFixed(0)).join(' ')})`)
  console.log(byFile.map(([f, t]) => `  ${t.toFixed(1).padStart(6)} ms  ${f}`).join('\n'))
  await browser.close()
  server.close()
  process.exit(0)
}
const p = await context.newPage()
const cdp = await context.newCDPSession(p)
await cdp.send('Emulation.setCPUThrottlingRate', { rate: RATE })
await cdp.send('Profiler.enable')
await cdp.send('Profiler.setSamplingInterval', { interval: 100 })
await cdp.send('Profiler.start')
await browser.startTracing(p, { categories: ['devtools.timeline', 'v8', 'disabled-by-default-devtools.timeline'] })
await p.goto(url)
await waitReady(cdp)
if (AFTER) await p.waitForTimeout(AFTER)
const { profile } = await cdp.send('Profiler.stop')
const trace = JSON.parse((await browser.stopTracing()).toString())
const [ready, long, origin] = await value(cdp, '[window.__ready, window.__long, performance.timeOrigin]')
await browser.close()
server.close()

const map = new TraceMap(readFileSync(`${IIFE}.map`, 'utf8'))
const self = new Map(profile.nodes.map((n) => [n.id, 0]))
const dts = profile.timeDeltas
for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i], self.get(profile.samples[i]) + (dts[i] || 0) / 1000)
const byFile = new Map()
const byFn = new Map()
const add = (m, k, v) => m.set(k, (m.get(k) || 0) + v)
for (const n of profile.nodes) {
  const t = self.get(n.id)
  if (!t) continue
  const f = n.callFrame
  let file = f.url ? f.url.replace(/^.*\//, '') : `(${f.functionName || 'native'})`
  let fn = f.functionName || '(anonymous)'
  if (f.url.endsWith('waymark.iife.js')) {
    const o = originalPositionFor(map, { line: f.lineNumber + 1, column: f.columnNumber })
    file = (o.source || '?').replace(/^.*src\//, 'src/')
    fn = `${file}:${o.line} ${o.name || fn}`
  } else fn = `${file} ${fn}`
  add(byFile, file, t)
  add(byFn, fn, t)
}
const top = (m, k) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([n, t]) => `${t.toFixed(1).padStart(8)} ms  ${n}`).join('\n')
console.log(`${FIRST ? 'first' : 'returning'} visit at ${RATE}× CPU: ready ${ready.toFixed(0)} ms; long tasks ${JSON.stringify(long.map(([s, d]) => [Math.round(s), Math.round(d)]))}`)
// Main-thread tasks from navigation to ready (the renderer's main thread), with what ran in each.
const events = trace.traceEvents
const on = mainThread(events)
const t0 = origin * 1000 // µs, the trace clock is monotonic: align on the navigation's first task instead
const tasks = on.filter((e) => e.name == 'RunTask' && e.dur > 3000)
const first = Math.min(...on.filter((e) => e.name == 'RunTask').map((e) => e.ts))
const inside = (t) => on.filter((e) => e != t && e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && e.dur > 1000 && e.name != 'RunTask')
console.log('\nmain-thread tasks over 3 ms (start ms after the first task, duration ms; children over 1 ms):')
for (const t of tasks) console.log(`${((t.ts - first) / 1000).toFixed(0).padStart(6)} ${(t.dur / 1000).toFixed(1).padStart(6)}  ${inside(t).map((e) => `${e.name}${e.args?.data?.url ? '(' + e.args.data.url.replace(/^.*\//, '') + ')' : ''} ${(e.dur / 1000).toFixed(1)}`).slice(0, 8).join(', ')}`)
const total = (n) => on.filter((e) => e.name == n).reduce((a, e) => a + e.dur / 1000, 0)
console.log('\ntotals (ms): ' + ['ParseHTML', 'EvaluateScript', 'v8.compile', 'v8.compileModule', 'FunctionCall', 'TimerFire', 'EventDispatch', 'RunMicrotasks', 'UpdateLayoutTree', 'Layout', 'Paint', 'MinorGC', 'MajorGC', 'V8.GCScavenger', 'v8.parseOnBackground'].map((n) => `${n} ${total(n).toFixed(1)}`).join(', '))
void t0
console.log('\nself time by file:\n' + top(byFile, 25))
console.log('\nself time by function:\n' + top(byFn, 40))

// Each profile node's parent, and the nodes by id: stacks are walked up from a sample.
const parent = new Map()
for (const n of profile.nodes) for (const c of n.children || []) parent.set(c, n.id)
const byId = new Map(profile.nodes.map((n) => [n.id, n]))

// The tasks that validate a playbook or put one in force (src/playbook/validate.ts,
// src/offers.ts on the stack): on a first visit, the fetched playbook's, after ready. The last
// that applies one (and does not validate) gets its breakdown below too.
let applying
{
  const files = (id) => {
    const out = new Set()
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const f = byId.get(n).callFrame
      if (f.url.endsWith('waymark.iife.js')) out.add((originalPositionFor(map, { line: f.lineNumber + 1, column: f.columnNumber }).source || '').replace(/^.*src\//, ''))
    }
    return out
  }
  const found = new Map()
  let ts = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    ts += profile.timeDeltas[i]
    const f = files(profile.samples[i])
    const what = f.has('playbook/validate.ts') ? 'validates' : f.has('offers.ts') ? 'applies' : undefined
    const task = what && on.find((t) => t.name == 'RunTask' && t.ts <= ts && ts <= t.ts + t.dur)
    if (task) found.set(task, new Set([...(found.get(task) || []), what]))
  }
  console.log('\ntasks that validate or apply a playbook: ' + [...found].map(([t, w]) => `${(t.dur / 1000).toFixed(1)} ms (${[...w].join(', ')})`).join('; '))
  applying = [...found].filter(([, w]) => w.has('applies') && !w.has('validates')).map(([t]) => t).at(-1)
}

// Inclusive time per function in the two longest tasks, and in the last that applies a
// playbook, mapped to src/: what they are made of.
for (const longest of new Set([...tasks.slice().sort((a, b) => b.dur - a.dur).slice(0, 2), ...(applying ? [applying] : [])])) {
  const incl = new Map()
  let ts = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    ts += profile.timeDeltas[i]
    if (ts < longest.ts || ts > longest.ts + longest.dur) continue
    const seen = new Set()
    for (let id = profile.samples[i]; id !== undefined; id = parent.get(id)) {
      const f = byId.get(id).callFrame
      let name = `${f.url.replace(/^.*\//, '')} ${f.functionName}`
      if (f.url.endsWith('waymark.iife.js')) {
        const o = originalPositionFor(map, { line: f.lineNumber + 1, column: f.columnNumber })
        name = `${(o.source || '?').replace(/^.*src\//, 'src/')}:${o.line} ${o.name || f.functionName}`
      }
      if (!seen.has(name)) seen.add(name), add(incl, name, (profile.timeDeltas[i + 1] || 0) / 1000)
    }
  }
  console.log(`\nthe task of ${(longest.dur / 1000).toFixed(1)} ms at ${((longest.ts - first) / 1000).toFixed(0)} ms, inclusive time by function:\n` + top(incl, 40))
}
