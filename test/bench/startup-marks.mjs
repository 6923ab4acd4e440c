// Where a start's `ready` falls, by marks in the page: two split-tag builds, alternating, each
// load in a new browser context (a first visit) or, with RET=1, in one that visited a second
// before (a returning visit). Per load, at one CPU rate in Chromium: `ready` after the script's
// start; after the IndexedDB `databases()` answer (a first visit asks it before opening: the
// floor under its `ready`); and the fetched playbook in force (its `playbook` event from the
// network), after the script's start. Prints each build's medians and the round-by-round median
// difference. Finer than startup-ab.mjs for the start's own path: no blank page, no GrowthBook,
// and the times are the page's own, from the script's start, not from the navigation's.
//
//   node test/bench/startup-marks.mjs RATE ROUNDS before=path/to/dist/script after=dist/script
//   RET=1 AGE=120000 node test/bench/startup-marks.mjs 4 16 before=… after=…
//     returning visits whose stored copy was checked AGE ms ago (a check due at start)
//   SHOW=1 …   also each load's figures and when the sync part and the playbook were fetched
import { createServer } from 'node:http'
import { chromium } from 'playwright-core'
import { median } from './lib.mjs'
import { PLAYBOOK, longTasks, page, sendScript, value, waitReady } from './startup-lib.mjs'

const [rate = '4', rounds = '20', ...builds] = process.argv.slice(2)
const BUILDS = Object.fromEntries(builds.map((b) => b.split('=')))
const NAMES = Object.keys(BUILDS)
if (NAMES.length != 2 || NAMES.some((n) => !/^\w+$/.test(n))) throw new Error('give two builds: name=path/to/dist/script name=…')

// Marks: the databases() answer (the page wraps it), `ready`, and the playbook fetched in force.
const MARKS = `<script>window.__t={};const d=indexedDB.databases&&indexedDB.databases.bind(indexedDB);if(d)indexedDB.databases=()=>d().then(r=>(__t.answer??=performance.now(),r))</script>`
const tag = (name) =>
  `<script src="/${name}/waymark.js" data-playbook="/playbook.json" data-namespace="startup"></script>` +
  `<script>waymark.ready.then(()=>window.__ready=performance.now());waymark.on('playbook',p=>p.from=='network'&&(window.__pb??=performance.now()))</script>`

const server = createServer((req, res) => {
  const path = (req.url || '/').split('?')[0]
  const [, name, file] = path.split('/')
  if (!BUILDS[name]) return path == '/playbook.json' ? res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }).end(JSON.stringify(PLAYBOOK)) : res.writeHead(404).end()
  if (!file) return res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page(longTasks() + MARKS + tag(name)))
  if (!/^waymark(-[a-z]+)?\.js$/.test(file)) return res.writeHead(404).end()
  sendScript(res, `${BUILDS[name]}/${file}`)
})
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const base = `http://127.0.0.1:${server.address().port}`
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] })

const rows = Object.fromEntries(NAMES.map((n) => [n, []]))
for (let i = 0; i < Number(rounds); i++) {
  for (const name of i % 2 ? NAMES.slice().reverse() : NAMES) {
    const context = await browser.newContext()
    if (process.env.RET) {
      const warm = await context.newPage()
      await warm.goto(`${base}/${name}/`)
      await warm.waitForTimeout(1500) // the fetched copy stored
      // AGE: the copy's last check moved back, so this start has a check due.
      if (process.env.AGE) await warm.evaluate((age) => { const k = 'startup:copy:playbook'; const r = JSON.parse(localStorage.getItem(k)); r.at -= age; localStorage.setItem(k, JSON.stringify(r)) }, Number(process.env.AGE))
      await warm.close()
    }
    const p = await context.newPage()
    const cdp = await context.newCDPSession(p)
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(rate) })
    await p.goto(`${base}/${name}/`)
    await waitReady(cdp)
    await p.waitForTimeout(1000)
    const [t, start, ready, pb, fetched] = await value(cdp, "[window.__t, window.__start, window.__ready, window.__pb, performance.getEntriesByType('resource').filter((e) => /sync|playbook/.test(e.name)).map((e) => e.name.split('/').pop().split('?')[0] + ' at ' + (e.startTime - window.__start).toFixed(0))]")
    const row = { ready: ready - start, answer: t.answer ? ready - t.answer : NaN, playbook: pb ? pb - start : NaN }
    rows[name].push(row)
    if (process.env.SHOW) console.log(name, Object.entries(row).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', '), '|', fetched.join(', '))
    await context.close()
  }
}
await browser.close()
server.close()

const KEYS = { ready: "ready after the script's start", answer: "ready after the databases() answer", playbook: "the fetched playbook in force, after the script's start" }
const med = (xs) => (xs.some((x) => Number.isNaN(x)) ? NaN : median(xs))
console.log(`${process.env.RET ? 'returning' : 'first'} visits, ${rate}× CPU, ${rounds} rounds, median ms`)
console.log(`| | ${NAMES.join(' | ')} | ${NAMES[1]} − ${NAMES[0]}, round by round |\n|---|---:|---:|---:|`)
for (const [k, label] of Object.entries(KEYS)) {
  const [a, b] = NAMES.map((n) => rows[n].map((r) => r[k]))
  console.log(`| ${label} | ${med(a).toFixed(1)} | ${med(b).toFixed(1)} | ${med(b.map((x, i) => x - a[i])).toFixed(1)} |`)
}
