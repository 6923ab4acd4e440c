// A test origin per browser context: an HTTP server on its own 127.0.0.1 port in front of the
// example server. It does, the same way for every engine, what only some drivers can do:
//   - serves the test's own pages (with the headers it asks for, a CSP say);
//   - puts the in-page shim (shim.js) first in every HTML page, with the page's CSP nonce;
//   - goes "offline": refuses every request but its own /__t/ ones;
//   - collects what the shim reports (page errors, console errors and warnings).
// Its own port also makes each context a separate origin, so no state leaks between tests
// even where an engine's contexts would share it.
import { createServer, request } from 'node:http'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const SHIM = readFileSync(join(HERE, 'shim.js'), 'utf8')
const ROOT = join(HERE, '..', '..', '..')
let axe

const nonceOf = (csp) => (/'nonce-([^']+)'/.exec(csp || '') || [])[1]

/** Puts the shim, the context's settings and its init scripts first in <head>. */
function inject (html, csp, settings) {
  const nonce = nonceOf(csp)
  const open = nonce ? `<script nonce="${nonce}">` : '<script>'
  const code = `${SHIM}\n__t.init(${JSON.stringify(settings.config())});\n${settings.initScripts.map((s) => `;(${s})();`).join('\n')}`
  const tag = `${open}${code.replace(/<\/script/gi, '<\\/script')}</script>`
  const head = /<head[^>]*>/i.exec(html)
  return head ? html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length) : tag + html
}

/**
 * Opens a test origin in front of `upstream` (the example server's URL).
 * @returns {Promise<{ url: string, serve: Function, reports: object[], setOffline: Function,
 *   shiftClock: Function, addInitScript: Function, close: Function }>}
 */
export async function openOrigin (upstream) {
  const up = new URL(upstream)
  const pages = [] // [prefix, { html, headers }], newest first
  const reports = []
  const settings = {
    clockOffset: 0,
    offline: false,
    initScripts: [],
    config () { return { clockOffset: this.clockOffset, offline: this.offline } },
  }
  const sockets = new Set()

  const server = createServer((req, res) => {
    const path = req.url
    if (path === '/__t/report' && req.method === 'POST') {
      let body = ''
      req.on('data', (d) => { body += d })
      req.on('end', () => {
        try { reports.push(JSON.parse(body)) } catch { /* not a report */ }
        res.writeHead(204).end()
      })
      return
    }
    if (path === '/__t/axe.js') {
      axe ||= readFileSync(join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'))
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(axe)
      return
    }
    if (path === '/__t/blank') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(inject('<!doctype html><title>blank</title>', '', settings))
      return
    }
    // Offline: the connection is cut, as a fetch or beacon to an unreachable host sees it.
    if (settings.offline) return void req.socket.destroy()
    const page = pages.find(([prefix]) => path.startsWith(prefix))
    if (page && req.method === 'GET') {
      const { html, headers = {} } = page[1]
      const csp = headers['Content-Security-Policy']
      const type = headers['content-type'] || 'text/html; charset=utf-8'
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers })
      // A page gets the shim; anything else served this way (a script) goes as it is.
      res.end(type.startsWith('text/html') ? inject(html, csp, settings) : html)
      return
    }
    const forward = request({ host: up.hostname, port: up.port, method: req.method, path, headers: req.headers }, (answer) => {
      const type = answer.headers['content-type'] || ''
      if (!type.startsWith('text/html')) {
        res.writeHead(answer.statusCode, answer.headers)
        answer.pipe(res)
        return
      }
      const chunks = []
      answer.on('data', (c) => chunks.push(c))
      answer.on('end', () => {
        const body = inject(Buffer.concat(chunks).toString('utf8'), answer.headers['content-security-policy'], settings)
        const headers = { ...answer.headers }
        delete headers['content-length']
        delete headers.etag // the body is not the upstream's any more
        res.writeHead(answer.statusCode, headers)
        res.end(body)
      })
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${server.address().port}`

  return {
    url,
    reports,
    /**
     * Serves `html` (with `headers`) for every GET under `prefix`, until the context ends; with
     * another `content-type` (a script), the body as it is, without the page shim.
     */
    serve (prefix, html, headers) { pages.unshift([prefix, { html, headers }]) },
    /** Every request but /__t/ fails from now on (true) or works again (false). */
    setOffline (offline) {
      settings.offline = offline
      // Keep-alive connections opened while online must not carry requests through.
      if (offline) for (const s of sockets) s.destroy()
    },
    /** Pages loaded from now on see Date `ms` later than the real clock. */
    shiftClock (ms) { settings.clockOffset += ms },
    /** Runs `fn` (serialised with toString) before any page script of every later page. */
    addInitScript (fn) { settings.initScripts.push(String(fn)) },
    close () {
      for (const s of sockets) s.destroy()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}
