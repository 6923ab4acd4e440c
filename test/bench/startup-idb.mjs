// What IndexedDB alone costs a page's start, the floor under Waymark's `ready`: a bare page
// that opens a database (created on a first visit) and reads one key, as Waymark's start does
// before its first decision, in Chromium at 1× and 4× CPU; median of 7 contexts, each a first
// and a returning visit. Times from the script's start (ms since navigation).
//
// With ASK=1, the page Waymark's start now is when its copy knows nothing of the namespace: it
// asks `indexedDB.databases()` first, and opens and reads only a database that is listed (on a
// first visit it creates it afterwards, as Waymark's first write does).
//
//   node test/bench/startup-idb.mjs
//   ASK=1 node test/bench/startup-idb.mjs
import { createServer } from 'node:http'
import { chromium } from 'playwright-core'
import { value, waitReady } from './startup-lib.mjs'
const ASK = !!process.env.ASK
// __r: [script start, time to ask (ASK), time to open, time to read]; a skipped step takes 0.
const PAGE = `<!doctype html><html><body><script>
const t0 = performance.now()
const openAndRead = (ta, asked) => {
  const o = indexedDB.open('bench', 1)
  o.onupgradeneeded = () => o.result.createObjectStore('s')
  o.onsuccess = () => {
    const t1 = performance.now()
    const db = o.result
    const write = () => { const w = db.transaction('s', 'readwrite'); w.objectStore('s').put('x'.repeat(18000), 'k') }
    if (!asked) { write(); return } // the answer came already: nothing to read
    const g = db.transaction('s', 'readonly').objectStore('s').get('k')
    g.onsuccess = () => {
      const t2 = performance.now()
      write()
      window.__r = [t0, ta - t0, t1 - ta, t2 - t1]
      window.__ready = t2
    }
  }
}
${ASK ? `indexedDB.databases().then((all) => {
  const ta = performance.now()
  if (all.some((d) => d.name == 'bench')) return openAndRead(ta, true)
  window.__r = [t0, ta - t0, 0, 0]
  window.__ready = ta
  openAndRead(ta, false)
})` : 'openAndRead(t0, true)'}
</script></body></html>`
const server = createServer((req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end(PAGE))
await new Promise((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${server.address().port}/`
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] })
for (const rate of [1, 4]) {
  const rows = []
  for (let i = 0; i < 7; i++) {
    const ctx = await browser.newContext()
    for (const visit of ['first', 'returning']) {
      const p = await ctx.newPage(); const cdp = await ctx.newCDPSession(p)
      await cdp.send('Emulation.setCPUThrottlingRate', { rate })
      await p.goto(url); await waitReady(cdp)
      rows.push([visit, ...(await value(cdp, 'window.__r'))]); await p.waitForTimeout(200); await p.close()
    }
    await ctx.close()
  }
  for (const v of ['first', 'returning']) {
    const r = rows.filter((x) => x[0] == v)
    const mid = (xs) => xs.sort((a, b) => a - b)[xs.length >> 1].toFixed(1)
    const med = (k) => mid(r.map((x) => x[k]))
    const steps = `${ASK ? `ask ${med(2)} ms, then ` : ''}open ${med(3)} ms, then one read ${med(4)} ms`
    console.log(`${rate}× CPU, ${v} visit: the script starts at ${med(1)} ms; ${steps}; answered ${mid(r.map((x) => x[2] + x[3] + x[4]))} ms after it`)
  }
}
await browser.close(); server.close()
