// What IndexedDB alone costs a page's start, the floor under Waymark's `ready`: a bare page
// that opens a database (created on a first visit) and reads one key, as Waymark's start does
// before its first decision, in Chromium at 1× and 4× CPU; median of 7 contexts, each a first
// and a returning visit. Times from the script's start (ms since navigation).
//
//   node test/bench/startup-idb.mjs
import { createServer } from 'node:http'
import { chromium } from 'playwright-core'
import { value, waitReady } from './startup-lib.mjs'
const PAGE = `<!doctype html><html><body><script>
const t0 = performance.now()
const o = indexedDB.open('bench', 1)
o.onupgradeneeded = () => o.result.createObjectStore('s')
o.onsuccess = () => {
  const t1 = performance.now()
  const db = o.result
  const tx = db.transaction('s', 'readonly')
  const g = tx.objectStore('s').get('k')
  g.onsuccess = () => {
    const t2 = performance.now()
    const w = db.transaction('s', 'readwrite'); w.objectStore('s').put('x'.repeat(18000), 'k')
    window.__r = [t0, t1 - t0, t2 - t1]
    window.__ready = t2
  }
}
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
    const med = (k) => r.map((x) => x[k]).sort((a, b) => a - b)[r.length >> 1].toFixed(1)
    console.log(`${rate}× CPU, ${v} visit: the script starts at ${med(1)} ms; open ${med(2)} ms, then one read ${med(3)} ms`)
  }
}
await browser.close(); server.close()
