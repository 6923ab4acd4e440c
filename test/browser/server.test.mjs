// @vitest-environment node
// The example server (examples/server/server.mjs). Needs no browser.
import { describe, test, expect, beforeAll, afterAll, afterEach, vi } from 'vitest'
import { request } from 'node:http'
import { spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../../examples/server/server.mjs'
import { ROOT, IIFE_PATH } from './harness.mjs'

/** A raw GET that keeps the path exactly as written (fetch would normalise `/../`). */
function rawGet (base, path) {
  const { hostname, port } = new URL(base)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('example server', { timeout: 30_000 }, () => {
  let server, dataDir
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'waymark-server-'))
    server = await startServer({ port: 0, dataDir })
  })
  afterAll(async () => {
    await server?.close()
    rmSync(dataDir, { recursive: true, force: true })
  })
  afterEach(() => vi.useRealTimers())

  test('serves the storefront with content types and no-cache', async () => {
    const res = await fetch(server.url + '/')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    expect(res.headers.get('cache-control')).toBe('no-cache')
    expect(await res.text()).toContain("s.src = '/script/waymark.js'") // the page adds the split script tag itself, with its language
    expect((await fetch(server.url + '/shop.js')).headers.get('content-type')).toMatch(/^text\/javascript/)
    expect((await fetch(server.url + '/shop.css')).headers.get('content-type')).toMatch(/^text\/css/)
  })

  test('SPA routes fall back to index.html; missing assets are 404', async () => {
    const res = await fetch(server.url + '/product/espresso-roast')
    expect(res.status).toBe(200)
    expect(await res.text()).toContain('Northbean')
    expect((await fetch(server.url + '/missing.css')).status).toBe(404)
  })

  test('refuses directory traversal', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/..%2fpackage.json', '/..%5cpackage.json', '/x/../../package.json']) {
      expect(await rawGet(server.url, path), path).toBe(403)
    }
  })

  test('serves the npm example under /esm/ from examples/esm/, its build at /esm/dist/app.js, nothing outside it', async () => {
    // The real page links its stylesheet and the rollup bundle under /esm/.
    const page = await fetch(server.url + '/esm/')
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).toContain('src="/esm/dist/app.js"')
    expect(html).toContain('href="/esm/esm.css"')
    expect((await fetch(server.url + '/esm/esm.css')).headers.get('content-type')).toMatch(/^text\/css/)
    const redirect = await fetch(server.url + '/esm?order=A-2', { redirect: 'manual' })
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/esm/?order=A-2'])

    // A root of our own, so the build's presence and absence are both checked whatever dist/ holds.
    const root = mkdtempSync(join(tmpdir(), 'waymark-root-'))
    mkdirSync(join(root, 'examples', 'esm', 'dist'), { recursive: true })
    writeFileSync(join(root, 'examples', 'esm', 'index.html'), '<!doctype html><title>esm</title>')
    writeFileSync(join(root, 'examples', 'esm', 'dist', 'app.js'), 'export {}')
    writeFileSync(join(root, 'examples', 'secret.txt'), 'not served')
    writeFileSync(join(root, 'package.json'), '{}')
    const own = await startServer({ port: 0, root, dataDir })
    try {
      expect(await (await fetch(own.url + '/esm/')).text()).toContain('<title>esm</title>')
      const app = await fetch(own.url + '/esm/dist/app.js')
      expect([app.status, app.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8'])
      // No SPA fallback under /esm/: a missing file is a 404, and a missing build says how to make it.
      expect((await fetch(own.url + '/esm/missing.js')).status).toBe(404)
      expect((await fetch(own.url + '/esm/some/route')).status).toBe(404)
      rmSync(join(root, 'examples', 'esm', 'dist'), { recursive: true })
      const unbuilt = await fetch(own.url + '/esm/dist/app.js')
      expect(unbuilt.status).toBe(404)
      expect(await unbuilt.text()).toMatch(/npm run build:examples/)
      for (const path of ['/esm/../secret.txt', '/esm/%2e%2e/secret.txt', '/esm/..%2fsecret.txt', '/esm/..%5csecret.txt',
        '/esm/dist/../../secret.txt', '/esm/../../package.json', '/esm/%2e%2e/%2e%2e/package.json']) {
        expect(await rawGet(own.url, path), path).toBe(403)
      }
    } finally {
      await own.close()
      rmSync(root, { recursive: true, force: true })
    }
  })

  test.skipIf(!existsSync(IIFE_PATH))('serves the SDK build from dist/', async () => {
    const res = await fetch(server.url + '/waymark.iife.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
  })

  test('serves the playbook with an ETag and answers 304 to If-None-Match', async () => {
    const res = await fetch(server.url + '/playbook.json')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const etag = res.headers.get('etag')
    expect(etag).toMatch(/^".+"$/)
    const playbook = await res.json()
    expect(playbook.stages.map((s) => s.id)).toEqual(['consider', 'evaluate', 'buy', 'enjoy', 'advocate', 'bond'])
    expect(playbook.texts.ru['greeting.returning']).toBe('С возвращением, {name}!')
    const again = await fetch(server.url + '/playbook.json', { headers: { 'If-None-Match': etag } })
    expect(again.status).toBe(304)
    expect(again.headers.get('etag')).toBe(etag)
    expect((await fetch(server.url + '/playbook.json', { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200)
  })

  test('/__playbook makes the playbook endpoint fail, hang, serve garbage or another playbook, and counts requests', async () => {
    const control = async (body) => (await fetch(server.url + '/__playbook', { method: 'POST', body: JSON.stringify(body) })).json()
    await control({ mode: 'ok', playbook: null, resetStats: true })
    const get = (init) => fetch(server.url + '/playbook.json', init)
    await control({ mode: 'fail' })
    expect((await get()).status).toBe(500)
    await control({ mode: 'garbage' })
    const garbage = await get()
    expect(garbage.status).toBe(200)
    await expect(garbage.json()).rejects.toThrow()
    await control({ mode: 'invalid' })
    expect((await (await get()).json()).rules[0].if['event.total']).toEqual({ $gtt: 1 })
    await control({ mode: 'hang' })
    await expect(get({ signal: AbortSignal.timeout(300) })).rejects.toThrow()
    await control({ mode: 'ok', playbook: { version: 'x-1', rules: [] } })
    const other = await get()
    expect(await other.json()).toEqual({ version: 'x-1', rules: [] })
    expect((await get({ headers: { 'If-None-Match': other.headers.get('etag') } })).status).toBe(304)
    const state = await (await fetch(server.url + '/__playbook')).json()
    expect(state).toMatchObject({ mode: 'ok', stats: { requests: 6, ok: 3, notModified: 1, failed: 1 } })
    expect((await fetch(server.url + '/__playbook', { method: 'POST', body: '{"mode":"sideways"}' })).status).toBe(400)
    await control({ mode: 'ok', playbook: null, resetStats: true })
  })

  test('POST /collect appends events as JSON Lines, deduplicated by id', async () => {
    const post = (body) => fetch(server.url + '/collect', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    const ev = (id) => ({ id, type: 'track', name: 'x', props: {}, at: 1, anonymousId: 'a', userId: null, sessionId: 's', stage: null })
    expect((await post(JSON.stringify({ events: [ev('e1'), ev('e2')] }))).status).toBe(204)
    expect((await post(JSON.stringify({ events: [ev('e2'), ev('e3'), ev('e3')] }))).status).toBe(204)
    expect((await post('not json')).status).toBe(400)
    expect((await post('{"nope":1}')).status).toBe(400)
    expect((await fetch(server.url + '/collect')).status).toBe(405)
    const lines = readFileSync(join(dataDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    expect(lines.map((e) => e.id)).toEqual(['e1', 'e2', 'e3'])
  })

  test('/__collect makes /collect fail n times (with Retry-After) and counts events, duplicates and stored', async () => {
    const post = (path, body) => fetch(server.url + path, { method: 'POST', body: JSON.stringify(body) })
    await post('/__collect', { fail: 0, resetStats: true })
    expect((await post('/__collect', { fail: 2, status: 503, retryAfter: 7 })).status).toBe(200)
    const failed = await post('/collect', { events: [{ id: 'c1' }] })
    expect([failed.status, failed.headers.get('retry-after')]).toEqual([503, '7'])
    expect((await post('/collect', { events: [{ id: 'c1' }] })).status).toBe(503)
    expect((await post('/collect', { events: [{ id: 'c1' }, { id: 'c2' }] })).status).toBe(204)
    expect((await post('/collect', { events: [{ id: 'c2' }] })).status).toBe(204)
    const { stats } = await (await fetch(server.url + '/__collect')).json()
    expect(stats).toEqual({ requests: 4, failed: 2, events: 3, duplicates: 1, stored: 2 })
    expect((await post('/__collect', { fail: -1 })).status).toBe(400)
    await post('/__collect', { fail: 0, status: 500, resetStats: true })
  })

  test('orders advance one step every 20 seconds since first seen; A-404 is not found', async () => {
    vi.useFakeTimers({ toFake: ['Date'] })
    const status = async (id) => (await (await fetch(`${server.url}/api/orders/${id}`)).json()).status
    expect(await status('A-1001')).toBe('placed')
    vi.setSystemTime(Date.now() + 20_000)
    expect(await status('A-1001')).toBe('paid')
    expect(await status('A-2002')).toBe('placed')
    vi.setSystemTime(Date.now() + 45_000)
    expect(await status('A-1001')).toBe('shipped')
    vi.setSystemTime(Date.now() + 10 * 60_000)
    expect(await status('A-1001')).toBe('delivered')
    const missing = await fetch(server.url + '/api/orders/A-404')
    expect(missing.status).toBe(404)
  })

  test('/__orders pins an order to a status, and null gives it back to the clock', async () => {
    const pin = (body) => fetch(server.url + '/__orders', { method: 'POST', body: JSON.stringify(body) })
    const status = async (id) => (await (await fetch(`${server.url}/api/orders/${id}`)).json()).status
    expect((await pin({ id: 'P-1', status: 'out_for_delivery' })).status).toBe(204)
    expect(await status('P-1')).toBe('out_for_delivery')
    expect((await pin({ id: 'P-1', status: 'cancelled' })).status).toBe(204)
    expect(await status('P-1')).toBe('cancelled')
    expect((await pin({ id: 'P-1', status: null })).status).toBe(204)
    expect(await status('P-1')).toBe('placed')
    expect((await pin({ id: 'P-1', status: 'lost' })).status).toBe(400)
  })

  test('`node examples/server/server.mjs` starts and prints its URLs, and every page and endpoint it prints answers', async () => {
    const child = spawn(process.execPath, ['examples/server/server.mjs'], { cwd: ROOT, env: { ...process.env, PORT: '0' } })
    try {
      const out = await new Promise((resolve, reject) => {
        let text = ''
        child.stdout.on('data', (d) => {
          text += d
          if (/^Backend:/m.test(text) && text.endsWith('\n')) resolve(text)
        })
        child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${text}`)))
        setTimeout(() => reject(new Error('no URLs printed within 10 s: ' + text)), 10_000)
      })
      const urls = [...out.matchAll(/http:\/\/127\.0\.0\.1:\d+\/[^\s)]*/g)].map((m) => m[0])
      expect(urls.map((u) => u.replace(/^http:\/\/[^/]+/, ''))).toEqual([
        '/', '/product/espresso-roast', '/cart', '/order/A-1001', '/shops', '/esm/', '/react/', '/playbook.json', '/collect', '/__collect', '/api/orders/{id}', '/identity',
      ])
      for (const u of urls) {
        const res = u.endsWith('/collect')
          ? await fetch(u, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ events: [], sentAt: Date.now() }) })
          : await fetch(u.replace('{id}', 'A-1001'))
        expect(res.status, u).toBeLessThan(300)
      }
    } finally {
      child.kill()
    }
  })
})
