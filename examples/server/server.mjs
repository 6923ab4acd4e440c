// Example backend for the Waymark storefront demo. Plain Node `http`, no frameworks.
//
//   GET  /…                  static files from examples/storefront/ (SPA fallback to index.html)
//   GET  /esm/…              the npm example: static files from examples/esm/ (its index.html at /esm/, the
//                            rollup build at /esm/dist/app.js; `npm run build:examples` makes it); no fallback
//   GET  /react/…            the React example: static files from examples/react/dist/ (built the same way)
//   GET  /waymark.iife.js    the SDK build from dist/ (and its .map)
//   GET  /script/…           the split script tag from dist/script/: waymark.js and the parts it loads
//   GET  /playbook.json      examples/server/playbook.json, with an ETag (304 on If-None-Match)
//   GET  /__playbook         the playbook endpoint's fault mode and request counts
//   POST /__playbook         { mode?: 'ok'|'fail'|'hang'|'garbage'|'invalid', playbook?: object|null, resetStats?: true }
//                            makes /playbook.json fail (500), hang, serve garbage or an invalid playbook,
//                            or serve another playbook (null: the file again), for demos and tests
//   POST /collect            { events: [...], sentAt } appended as JSON Lines to data/events.jsonl, deduped by id;
//                            the identity store (identity.mjs) learns from the new ones, keyed by the visitor cookie
//   GET  /__collect          what /collect received: requests, events, duplicates dropped, events stored
//   POST /__collect          { fail?: n, status?: 500, retryAfter?: seconds, delay?: ms, resetStats?: true }: the
//                            next n requests get that status (with Retry-After); every answer waits `delay` ms
//                            (after storing), for demos and tests
//   GET  /api/orders/{id}    a fake order that moves one step every 20 s since first asked for
//   POST /__orders           { id, status }: pins an order to a status (null: back to the clock), for demos and tests
//   GET  /waymark.css        the elements' stylesheet from dist/ (for browsers without constructable stylesheets)
//   GET  /identity           what the server knows of this visitor (JSON, or null), for the SDK's `identity` option;
//                            it and /collect set the visitor cookie `waymark_vid` (HttpOnly, 400 days)
//
// Run: `node examples/server/server.mjs` (PORT=0 picks a free port), or import startServer().
import { createServer } from 'node:http'
import { createHash } from 'node:crypto'
import { readFile, appendFile, mkdir, stat } from 'node:fs/promises'
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve, sep, extname, dirname } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createIdentityStore, visitorCookie } from './identity.mjs'

const HERE = dirname(fileURLToPath(import.meta.url))
const REPO = resolve(HERE, '..', '..')

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8', '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.txt': 'text/plain; charset=utf-8',
}
const ORDER_STEPS = ['placed', 'paid', 'packed', 'shipped', 'out_for_delivery', 'delivered']
const STEP_MS = 20_000
const MAX_BODY = 1024 * 1024
const PLAYBOOK_MODES = ['ok', 'fail', 'hang', 'garbage', 'invalid']
// Valid JSON that validatePlaybook refuses: an unknown operator, named by its path.
const INVALID_PLAYBOOK = JSON.stringify({ version: '9999-01-01.1', rules: [{ id: 'broken', on: ['cart_viewed'], if: { 'event.total': { $gtt: 1 } }, offer: { kind: 'toast', title: 'x' } }] })

/**
 * Starts the example server.
 * @param {{ port?: number, host?: string, root?: string, dataDir?: string, quiet?: boolean, storeTraits?: string[] }} [opts]
 *   root: the project root holding dist/ and examples/ (default: this repository);
 *   dataDir: where events.jsonl and identity.jsonl go (default: examples/server/data);
 *   storeTraits: the traits /identity learns and gives back (default: the SDK's, firstName, name, locale).
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startServer({ port = 5173, host = '127.0.0.1', root = REPO, dataDir, storeTraits } = {}) {
  const shopDir = join(root, 'examples', 'storefront')
  const esmDir = join(root, 'examples', 'esm')
  const reactDir = join(root, 'examples', 'react', 'dist')
  const distDir = join(root, 'dist')
  const playbookFile = join(root, 'examples', 'server', 'playbook.json')
  const dataFile = join(dataDir ?? join(root, 'examples', 'server', 'data'), 'events.jsonl')
  const identity = await createIdentityStore({ file: join(dirname(dataFile), 'identity.jsonl'), storeTraits })
  const orderSeen = new Map() // order id -> when the server first saw it
  const orderPinned = new Map() // order id -> a status set through /__orders
  let seenIds = null // event ids already written, loaded lazily from events.jsonl
  let writing = Promise.resolve() // serialises appends so dedupe stays exact
  // The playbook endpoint's behaviour, switchable through /__playbook.
  const pb = { mode: 'ok', playbook: null, stats: { requests: 0, ok: 0, notModified: 0, failed: 0 } }
  // The collector's faults and counts, switchable through /__collect.
  const freshCollectStats = () => ({ requests: 0, failed: 0, events: 0, duplicates: 0, stored: 0 })
  const col = { fail: 0, status: 500, retryAfter: null, delay: 0, stats: freshCollectStats() }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      console.error(err)
      if (!res.headersSent) send(res, 500, 'Internal error')
      else res.destroy()
    })
  })

  async function handle(req, res) {
    // Refuse traversal on the raw request path, before URL parsing normalises it away:
    // `/../x`, `/%2e%2e/x`, `/..%2fx`, backslashes, NULs.
    let raw, path
    try {
      raw = decodeURIComponent((req.url ?? '/').split('?')[0])
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname)
    } catch { return send(res, 400, 'Bad path') }
    if (raw.includes('\0') || raw.split(/[/\\]/).includes('..')) return send(res, 403, 'Forbidden')

    if (path === '/__playbook') {
      if (req.method === 'POST') return controlPlaybook(req, res)
      return send(res, 200, JSON.stringify(pb), { 'Content-Type': TYPES['.json'] })
    }
    if (path === '/__collect') {
      if (req.method === 'POST') return controlCollect(req, res)
      return send(res, 200, JSON.stringify(col), { 'Content-Type': TYPES['.json'] })
    }
    if (path === '/__orders' && req.method === 'POST') return controlOrders(req, res)
    if (path === '/collect') {
      if (req.method !== 'POST') return send(res, 405, 'Method not allowed', { Allow: 'POST' })
      return collect(req, res, visitorCookie(req, res))
    }
    if (path === '/identity') {
      if (req.method !== 'GET') return send(res, 405, 'Method not allowed', { Allow: 'GET' })
      const known = identity.answer(visitorCookie(req, res))
      return send(res, 200, JSON.stringify(known), { 'Content-Type': TYPES['.json'], 'Cache-Control': 'no-store' })
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed', { Allow: 'GET, HEAD' })

    if (path === '/playbook.json') return servePlaybook(req, res)
    if (path === '/waymark.iife.js' || path === '/waymark.iife.js.map' || path === '/waymark.css') {
      return serveFile(res, join(distDir, path.slice(1)), req)
    }
    // The split script tag: its first file and the parts it loads from the same folder.
    if (/^\/script\/waymark(-[a-z]+)?\.(js|js\.map|css)$/.test(path)) return serveFile(res, join(distDir, path.slice(1)), req)
    const order = /^\/api\/orders\/([A-Za-z0-9_-]{1,64})$/.exec(path)
    if (order) return sendOrder(res, order[1], req)
    if (path.startsWith('/api/')) return send(res, 404, 'Not found')

    // The React example: a static, prerendered page that hydrates (examples/react/).
    if (path === '/react') return send(res, 301, null, { Location: '/react/' })
    if (path.startsWith('/react/')) {
      const rel = '.' + (path.endsWith('/') ? path.slice(6) + 'index.html' : path.slice(6))
      // Not built yet: the page's source (as /esm/ serves its own), whose app.js then 404s.
      let file = resolve(reactDir, rel)
      if (!(await isFile(file))) file = resolve(reactDir, '..', rel)
      if (!file.startsWith(dirname(reactDir) + sep)) return send(res, 403, 'Forbidden')
      if (!(await isFile(file))) return send(res, 404, `${path} is not built: run \`npm run build:examples\``)
      return serveFile(res, file, req)
    }

    // The npm example: its own directory, no SPA fallback (a missing file is a 404).
    if (path === '/esm') {
      const q = (req.url ?? '').indexOf('?')
      return send(res, 301, null, { Location: '/esm/' + (q === -1 ? '' : req.url.slice(q)) })
    }
    if (path.startsWith('/esm/')) {
      const rel = path.slice('/esm'.length)
      const file = resolve(esmDir, '.' + (rel.endsWith('/') ? rel + 'index.html' : rel))
      if (file !== esmDir && !file.startsWith(esmDir + sep)) return send(res, 403, 'Forbidden')
      if (rel.startsWith('/dist/') && !(await isFile(file))) {
        return send(res, 404, `${path} is not built: run \`npm run build\` and \`npm run build:examples\``)
      }
      return serveFile(res, file, req)
    }

    // Static files; the resolved path must stay inside the storefront directory.
    const file = resolve(shopDir, '.' + (path.endsWith('/') ? path + 'index.html' : path))
    if (file !== shopDir && !file.startsWith(shopDir + sep)) return send(res, 403, 'Forbidden')
    if (await isFile(file)) return serveFile(res, file, req)
    // SPA fallback: extensionless routes such as /product/espresso or /cart render index.html.
    if (!extname(path)) return serveFile(res, join(shopDir, 'index.html'), req)
    return send(res, 404, 'Not found')
  }

  async function servePlaybook(req, res) {
    pb.stats.requests++
    if (pb.mode === 'hang') return // never answers; the client gives up (closeAllConnections ends it)
    if (pb.mode === 'fail') {
      pb.stats.failed++
      return send(res, 500, 'Playbook backend is down (demo fault)')
    }
    const body = pb.mode === 'garbage' ? '<html><body>502 Bad Gateway</body></html>'
      : pb.mode === 'invalid' ? INVALID_PLAYBOOK
      : pb.playbook ? JSON.stringify(pb.playbook, null, 2)
      : await readFile(playbookFile)
    const etag = `"${createHash('sha1').update(body).digest('base64url')}"`
    const inm = String(req.headers['if-none-match'] ?? '').split(',').map((t) => t.trim().replace(/^W\//, ''))
    if (inm.includes(etag) || inm.includes('*')) {
      pb.stats.notModified++
      return send(res, 304, null, { ETag: etag })
    }
    pb.stats.ok++
    return send(res, 200, body, { 'Content-Type': TYPES['.json'], ETag: etag }, req)
  }

  async function controlPlaybook(req, res) {
    let body
    try { body = JSON.parse(await readBody(req)) } catch { body = null }
    if (!body || typeof body !== 'object' || (body.mode !== undefined && !PLAYBOOK_MODES.includes(body.mode)) ||
        (body.playbook !== undefined && typeof body.playbook !== 'object')) {
      return send(res, 400, `Expected JSON { mode?: ${PLAYBOOK_MODES.join('|')}, playbook?: object|null, resetStats?: true }`)
    }
    if (body.mode !== undefined) pb.mode = body.mode
    if (body.playbook !== undefined) pb.playbook = body.playbook
    if (body.resetStats) pb.stats = { requests: 0, ok: 0, notModified: 0, failed: 0 }
    send(res, 200, JSON.stringify(pb), { 'Content-Type': TYPES['.json'] })
  }

  async function controlCollect(req, res) {
    let body
    try { body = JSON.parse(await readBody(req)) } catch { body = null }
    const int = (v) => v === undefined || (Number.isInteger(v) && v >= 0)
    if (!body || typeof body !== 'object' || !int(body.fail) || !int(body.retryAfter) || !int(body.delay) ||
        (body.status !== undefined && !(Number.isInteger(body.status) && body.status >= 400 && body.status <= 599))) {
      return send(res, 400, 'Expected JSON { fail?: n, status?: 400..599, retryAfter?: seconds, resetStats?: true }')
    }
    if (body.fail !== undefined) col.fail = body.fail
    if (body.status !== undefined) col.status = body.status
    if (body.retryAfter !== undefined) col.retryAfter = body.retryAfter
    if (body.delay !== undefined) col.delay = body.delay
    if (body.resetStats) col.stats = freshCollectStats()
    send(res, 200, JSON.stringify(col), { 'Content-Type': TYPES['.json'] })
  }

  async function collect(req, res, visitor) {
    col.stats.requests++
    if (col.fail > 0) {
      col.fail--
      col.stats.failed++
      req.resume()
      return send(res, col.status, 'Collector fault (demo)', col.retryAfter === null ? {} : { 'Retry-After': String(col.retryAfter) })
    }
    let body
    try { body = JSON.parse(await readBody(req)) } catch (err) {
      return send(res, err.message === 'too large' ? 413 : 400, 'Expected JSON { events: [...] }')
    }
    if (!body || !Array.isArray(body.events)) return send(res, 400, 'Expected JSON { events: [...] }')
    const fresh = [] // the events stored now (not duplicates), for the identity store
    writing = writing.then(async () => {
      if (!seenIds) seenIds = loadIds(dataFile)
      const lines = []
      for (const ev of body.events) {
        col.stats.events++
        if (ev && typeof ev === 'object' && seenIds.has(ev.id)) col.stats.duplicates++
        if (!ev || typeof ev !== 'object' || typeof ev.id !== 'string' || seenIds.has(ev.id)) continue
        col.stats.stored++
        seenIds.add(ev.id)
        fresh.push(ev)
        lines.push(JSON.stringify(ev) + '\n')
      }
      if (lines.length) {
        await mkdir(dirname(dataFile), { recursive: true })
        await appendFile(dataFile, lines.join(''))
      }
    })
    await writing
    identity.learn(visitor, fresh)
    if (col.delay) await new Promise((r) => setTimeout(r, col.delay)) // stored, but the answer is late
    if (!res.destroyed) send(res, 204, null)
  }

  async function controlOrders(req, res) {
    let body
    try { body = JSON.parse(await readBody(req)) } catch { body = null }
    const statuses = [...ORDER_STEPS, 'cancelled', 'returned']
    if (!body || typeof body.id !== 'string' || !(body.status === null || statuses.includes(body.status))) {
      return send(res, 400, `Expected JSON { id, status: ${statuses.join('|')}|null }`)
    }
    if (body.status === null) orderPinned.delete(body.id)
    else orderPinned.set(body.id, body.status)
    send(res, 204, null)
  }

  function sendOrder(res, id, req) {
    if (id === 'A-404') return send(res, 404, JSON.stringify({ error: 'order not found' }), { 'Content-Type': TYPES['.json'] })
    const now = Date.now()
    if (!orderSeen.has(id)) orderSeen.set(id, now)
    const since = orderSeen.get(id)
    const pinned = orderPinned.get(id)
    const step = pinned ? Math.max(0, ORDER_STEPS.indexOf(pinned)) : Math.min(ORDER_STEPS.length - 1, Math.floor((now - since) / STEP_MS))
    const delivered = step === ORDER_STEPS.length - 1
    const result = {
      id,
      status: pinned ?? ORDER_STEPS[step],
      updatedAt: new Date(since + step * STEP_MS).toISOString(),
      eta: new Date(since + (ORDER_STEPS.length - 1) * STEP_MS).toISOString(),
      carrier: step >= 3 ? 'Demo Post' : undefined,
      trackingUrl: step >= 3 ? `https://tracking.example/${encodeURIComponent(id)}` : undefined,
      delivered,
    }
    send(res, 200, JSON.stringify(result), { 'Content-Type': TYPES['.json'] }, req)
  }

  async function serveFile(res, file, req) {
    if (!(await isFile(file))) return send(res, 404, 'Not found')
    const type = TYPES[extname(file)] ?? 'application/octet-stream'
    send(res, 200, await readFile(file), { 'Content-Type': type }, req)
  }

  await new Promise((ok, fail) => { server.once('error', fail); server.listen(port, host, ok) })
  const addr = server.address()
  return {
    url: `http://${addr.address}:${addr.port}`,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(() => ok()) }).then(() => identity.close()),
  }
}

function send(res, status, body, headers = {}, req) {
  res.writeHead(status, {
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...(typeof body === 'string' && !headers['Content-Type'] ? { 'Content-Type': 'text/plain; charset=utf-8' } : {}),
    ...headers,
  })
  res.end(req?.method === 'HEAD' ? undefined : body ?? undefined)
}

async function isFile(file) {
  try { return (await stat(file)).isFile() } catch { return false }
}

function readBody(req) {
  return new Promise((ok, fail) => {
    const chunks = []
    let size = 0
    req.on('data', (c) => {
      size += c.length
      if (size > MAX_BODY) { fail(new Error('too large')); req.destroy() } else chunks.push(c)
    })
    req.on('end', () => ok(Buffer.concat(chunks).toString('utf8')))
    req.on('error', fail)
  })
}

function loadIds(file) {
  const ids = new Set()
  if (!existsSync(file)) return ids
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    try { const id = JSON.parse(line).id; if (typeof id === 'string') ids.add(id) } catch { /* skip torn lines */ }
  }
  return ids
}

// Run directly: `node examples/server/server.mjs`
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const port = process.env.PORT === undefined ? 5173 : Number(process.env.PORT)
  const { url, close } = await startServer({ port })
  // What a newcomer wants to open, and the backend the demo talks to.
  console.log(`Waymark demo storefront (script tag, English and Russian): ${url}/`)
  console.log(`  product page: ${url}/product/espresso-roast   cart: ${url}/cart   live order: ${url}/order/A-1001`)
  console.log(`  our shops: ${url}/shops (an in-store offer at the Tverskaya shop; to be there in Chrome: DevTools > ⋮ > More tools > Sensors > Location: Other… 55.7652, 37.6056, then "Am I in a shop?")`)
  console.log(`npm (ESM, headless) example: ${url}/esm/`)
  console.log(`React 18 example (waymark/react, prerendered and hydrated): ${url}/react/`)
  console.log(`Backend: playbook ${url}/playbook.json (ETag) · events POST ${url}/collect (seen: ${url}/__collect) · orders ${url}/api/orders/{id} · visitor ${url}/identity`)
  if (!existsSync(join(REPO, 'dist', 'waymark.iife.js'))) console.warn('dist/waymark.iife.js is missing: run `npm run build` first')
  if (!existsSync(join(REPO, 'examples', 'esm', 'dist', 'app.js'))) console.warn('examples/esm/dist/app.js is missing: run `npm run build:examples` first')
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => close().then(() => process.exit(0)))
}
