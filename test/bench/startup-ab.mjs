// A/B of script-tag builds at start-up: the page and playbook of `bench:startup`, loaded with
// each build in turn (interleaved, so drift hits all alike), in Chromium at one CPU rate. Prints
// the median and spread of `ready` and of main-thread time (CDP TaskDuration until 1 s after
// ready) and the longest tasks (of the page, and from the script's start) per build, for a
// first and a returning visit. Raw figures, no blank page subtracted: it compares builds with
// each other, more finely than bench:startup's 6 loads can. Scripts are served gzipped, as
// bench:startup serves them.
//
//   node test/bench/startup-ab.mjs RATE RUNS name=path/to/waymark.iife.js ...
//   node test/bench/startup-ab.mjs RATE RUNS name=path/to/dist/script ...   (a split tag's folder)
//   TRACE=1 node test/bench/startup-ab.mjs ...
//     also traces each returning visit: the main-thread time of the task that runs the SDK's
//     script and of the tasks that call into it (IndexedDB answers, timers), steadier than the
//     page's whole main-thread time
//   GAP=3000 node test/bench/startup-ab.mjs ...
//     waits that long between a visitor's first and returning visit
//   GROWTHBOOK=1 node test/bench/startup-ab.mjs ...
//     also loads bench:startup's blank page and GrowthBook's in every round (the order of all
//     pages turning), and prints issue 17's ratios for each build: its figure minus the blank
//     page's over GrowthBook's minus the blank page's, with a 90 % interval over 1,000
//     resamplings of the rounds. These are bench:startup's ratios at one CPU rate, from as many
//     rounds as asked (the README's "paired rounds"). With two builds, with or without it, their
//     per-round difference is printed too, which is what can tell two builds apart.
import { createServer } from 'node:http'
import { existsSync } from 'node:fs'
import { basename } from 'node:path'
import { chromium } from 'playwright-core'
import { median } from './lib.mjs'
import { GROWTHBOOK_JS, PLAYBOOK, RATIOS, interval, load, longTasks, mainThread, page as around, sendScript, startupPages, value, waitReady, waymarkTag } from './startup-lib.mjs'

const [rate = '4', runs = '15', ...builds] = process.argv.slice(2)
// GAP=ms: a pause between a visitor's first and returning visit (after the first's second past
// ready), for the work a first visit leaves the browser to finish (its database made on disk).
const GAP = Number(process.env.GAP || 0)
const BUILDS = builds.map((b) => b.split('='))
// With GROWTHBOOK=1, bench:startup's blank page and GrowthBook's page join every round.
const { '/blank': blank, '/growthbook': growthbook } = startupPages()
const OTHERS = process.env.GROWTHBOOK ? { '/blank': blank, '/growthbook': growthbook } : {}
if (BUILDS.some(([n]) => `/${n}` in OTHERS)) throw new Error('a build may not be named blank or growthbook')
// A path to a .js file is a one-file script tag; any other, the folder of a split tag.
const file = (path) => (path.endsWith('.js') ? 'waymark.iife.js' : 'waymark.js')
const page = (name, path) => around(longTasks() + waymarkTag(`/${name}/${file(path)}`))

const server = createServer((req, res) => {
  const path = (req.url || '/').split('?')[0]
  const build = BUILDS.find(([n]) => path == `/${n}` || path.startsWith(`/${n}/`))
  if (path == '/playbook.json') return res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }).end(JSON.stringify(PLAYBOOK))
  if (OTHERS[path]) return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(OTHERS[path])
  if (path == '/auto.min.js') return sendScript(res, GROWTHBOOK_JS)
  if (!build) return res.writeHead(404).end()
  if (path.endsWith('.js')) {
    const js = build[1].endsWith('.js') ? build[1] : `${build[1]}/${path.slice(build[0].length + 2)}`
    if (!/^[\w.-]+$/.test(basename(js)) || !existsSync(js)) return res.writeHead(404).end()
    return sendScript(res, js)
  }
  res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(build[0], build[1]))
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const base = `http://127.0.0.1:${server.address().port}`
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] })

// A returning visit traced: ready, and the main-thread time of the tasks that run the SDK's
// script (the HTML parser's, with its evaluation) and of those that call into its files.
async function traced(context, url) {
  const p = await context.newPage()
  const cdp = await context.newCDPSession(p)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(rate) })
  await browser.startTracing(p, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] })
  await p.goto(url)
  await waitReady(cdp)
  await p.waitForTimeout(1000)
  const events = JSON.parse((await browser.stopTracing()).toString()).traceEvents
  const ready = await value(cdp, 'window.__ready')
  await p.close()
  const on = mainThread(events)
  const ours = (e) => /\/waymark[\w.-]*\.js/.test(e.args?.data?.url || '')
  const within = (t, what) => on.some((e) => e.ts >= t.ts && e.ts + e.dur <= t.ts + t.dur && what(e))
  const time = (what) => on.filter((t) => t.name == 'RunTask' && within(t, what)).reduce((a, t) => a + t.dur / 1000, 0)
  return { ready, script: time((e) => e.name == 'EvaluateScript' && ours(e) && /\/waymark(\.iife)?\.js/.test(e.args.data.url)), calls: time((e) => e.name == 'FunctionCall' && ours(e)) }
}

const samples = {}
const add = (k, v) => (samples[k] ||= []).push(v)
// Every page of a round, in an order that turns with each round (two builds alone: alternating),
// and is reversed every other turn: turning alone put one of two builds before the other in
// three rounds of four (with blank and GrowthBook's pages), so whatever a load leaves the
// browser to finish (a closed context's storage deleted, say) fell on one build more often.
const PAGES = [...Object.keys(OTHERS).map((p) => p.slice(1)), ...BUILDS.map(([n]) => n)]
for (let run = 0; run < Number(runs); run++) {
  const pages = Math.floor(run / PAGES.length) % 2 ? PAGES.slice().reverse() : PAGES
  for (const name of [...pages.slice(run % PAGES.length), ...pages.slice(0, run % PAGES.length)]) {
    const context = await browser.newContext()
    add(`${name} first`, await load(context, `${base}/${name}`, rate))
    if (GAP) await new Promise((r) => setTimeout(r, GAP))
    add(`${name} returning`, await load(context, `${base}/${name}`, rate))
    if (process.env.TRACE && !OTHERS[`/${name}`]) add(`${name} traced`, await traced(context, `${base}/${name}`))
    await context.close()
  }
}
await browser.close()
server.close()
const q = (xs, f) => xs.slice().sort((a, b) => a - b)[Math.floor(f * (xs.length - 1))]
const fmt = (xs) => `${median(xs).toFixed(0)} (${q(xs, 0.25).toFixed(0)}–${q(xs, 0.75).toFixed(0)})`
console.log(`${rate}× CPU, ${runs} loads each; median (quartiles), ms`)
console.log("| build | visit | ready | main thread | longest task of the page | longest from the script's start to 1 s after ready: median, most |\n|---|---|---:|---:|---:|---:|")
for (const k of Object.keys(samples).filter((k) => !k.endsWith(' traced'))) {
  const s = samples[k]
  console.log(`| ${k.replace(' ', ' | ')} | ${fmt(s.map((x) => x.ready))} | ${fmt(s.map((x) => x.task))} | ${Math.max(...s.map((x) => x.longest)).toFixed(0)} | ${median(s.map((x) => x.longestOurs)).toFixed(0)}, ${Math.max(...s.map((x) => x.longestOurs)).toFixed(0)} |`)
}
if (process.env.TRACE) {
  console.log(`\nA returning visit traced, ${runs} loads each; median (quartiles), ms`)
  console.log("| build | ready | the task that runs the SDK's script | tasks that call into the SDK |\n|---|---:|---:|---:|")
  for (const [name] of BUILDS) {
    const s = samples[`${name} traced`]
    console.log(`| ${name} | ${fmt(s.map((x) => x.ready))} | ${fmt(s.map((x) => x.script))} | ${fmt(s.map((x) => x.calls))} |`)
  }
}

// Issue 17's ratios for each build: its figure minus the blank page's over GrowthBook's minus
// the blank page's (bench:startup's, at this rate), and how far they move when the rounds are
// resampled with replacement (5th to 95th percentile of 1,000 resamplings).
const n = Number(runs)
// A figure of all the rounds, then its interval: `fmt` writes each number.
const spread = (fn, fmt) => `${fmt(fn([...Array(n).keys()]))} (${interval(n, fn).map(fmt).join(' to ')})`
const FIGURES = Object.values(RATIOS)
if (OTHERS['/growthbook']) {
  const ratio = (name, [visit, f]) => (rounds) => {
    const m = (page) => median(rounds.map((i) => samples[`${page} ${visit}`][i][f]))
    return (m(name) - m('blank')) / (m('growthbook') - m('blank'))
  }
  console.log(`\nEach build ÷ GrowthBook, both minus the blank page, ${runs} rounds at ${rate}× CPU; in brackets, the 90 % interval`)
  console.log('| build | main thread added, returning | ready, returning | ready, first visit |\n|---|---:|---:|---:|')
  for (const [name] of BUILDS) console.log(`| ${name} | ${FIGURES.map((f) => spread(ratio(name, f), (x) => `${x.toFixed(2)}×`)).join(' | ')} |`)
}
// Two builds: their difference round by round, which drift between rounds does not blur.
if (BUILDS.length == 2) {
  const [[a], [b]] = BUILDS
  const diff = ([visit, f]) => (rounds) => median(rounds.map((i) => samples[`${b} ${visit}`][i][f] - samples[`${a} ${visit}`][i][f]))
  console.log(`\n${b} minus ${a}, round by round: the median difference (90 % interval)`)
  console.log('| main thread, returning | ready, returning | ready, first visit |\n|---:|---:|---:|')
  console.log(`| ${FIGURES.map((f) => spread(diff(f), (x) => `${x.toFixed(1)} ms`)).join(' | ')} |`)
}
