/**
 * The studio's HTTP handling: its three static files under a strict CSP, and the JSON API.
 * The server listens on 127.0.0.1 only, but any web page the user opens can still send
 * requests there, so every request must name the studio as its Host (a DNS-rebinding page
 * names its own), and every write must be JSON from the studio's own origin (a cross-site
 * form can send neither a JSON content type without CORS nor the studio's Origin).
 */
import { readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { readState, save, type StudioFile } from './studio-save'

/** The policy of every response: our own script and style files only, no inline code, no eval. */
export const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  // No policy at all: the studio never turns a string into markup or script.
  "trusted-types 'none'",
].join('; ')

const TYPES: Record<string, string> = {
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: 'application/json; charset=utf-8',
}

/** The studio's files, by URL path; anything else is a 404. */
const FILES: Record<string, string> = {
  '/': 'index.html',
  '/index.html': 'index.html',
  '/studio.js': 'studio.js',
  '/studio.css': 'studio.css',
}

/** A playbook is small; a body past this is refused before it is buffered whole. */
const MAX_BODY = 5 * 1024 * 1024

/** What the handler needs: the file, where the UI's files are, and the port it listens on. */
export interface StudioContext {
  file: StudioFile
  /** Directory of index.html, studio.js and studio.css (dist/studio). */
  assets: string
  /** The port, once listening: the only Host and Origin accepted carry it. */
  port(): number
  /** Extra files by URL path, served only when given (the browser test serves axe-core this way). */
  extra?: Record<string, { type: string; body: string }>
}

const headers = (type: string): Record<string, string> => ({
  'Content-Type': type,
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  // The file changes under the studio: never answer from a cache.
  'Cache-Control': 'no-store',
})

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, headers(type))
  res.end(body)
}

const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, TYPES.json, JSON.stringify(body))
const refuse = (res: ServerResponse, status: number, error: string) => json(res, status, { ok: false, errors: [error] })

/** Whether `host` (a Host header, or an Origin's host) is the studio itself. */
export const isOwnHost = (host: string | undefined, port: number): boolean => host === `127.0.0.1:${port}` || host === `localhost:${port}`

/** Reads a request body up to MAX_BODY; null when it is larger. */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY) {
        resolve(null)
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

/** Creates the request handler of one studio. */
export function studioHandler(ctx: StudioContext): (req: IncomingMessage, res: ServerResponse) => void {
  // One save at a time: the conflict check and the write must not interleave with another's.
  let queue: Promise<unknown> = Promise.resolve()

  const saveRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin
    if (!origin || !isOwnHost(origin.replace(/^http:\/\//, ''), ctx.port()) || !origin.startsWith('http://'))
      return refuse(res, 403, 'writes are accepted only from the studio page itself')
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] || '')) return refuse(res, 415, 'the body must be application/json')
    const raw = await readBody(req)
    if (raw === null) return refuse(res, 413, 'the body is too large')
    let body: { text?: unknown; base?: unknown }
    try {
      body = JSON.parse(raw)
    } catch {
      return refuse(res, 400, 'the body is not JSON')
    }
    if (typeof body != 'object' || body === null) return refuse(res, 400, 'the body must be { text, base }')
    const result = save(ctx.file, body.text, body.base)
    json(res, result.status, result.body)
  }

  return (req, res) => {
    if (!isOwnHost(req.headers.host, ctx.port())) return refuse(res, 403, 'unknown Host: open the studio at the URL it printed')
    const path = (req.url || '/').split('?')[0]
    const method = req.method || 'GET'
    const run = (work: () => unknown) => {
      const done = (queue = queue.then(work, work))
      done.catch((e) => {
        if (!res.headersSent) refuse(res, 500, `could not save: ${e instanceof Error ? e.message : String(e)}`)
      })
    }
    if (path == '/api/file') {
      if (method != 'GET') return refuse(res, 405, 'GET only')
      return run(() => json(res, 200, readState(ctx.file)))
    }
    if (path == '/api/save') {
      if (method != 'POST') return refuse(res, 405, 'POST only')
      return run(() => saveRequest(req, res))
    }
    if (method != 'GET' && method != 'HEAD') return refuse(res, 405, 'GET only')
    const extra = ctx.extra?.[path]
    if (extra) return send(res, 200, extra.type, extra.body)
    const name = Object.prototype.hasOwnProperty.call(FILES, path) ? FILES[path] : undefined
    if (!name) return send(res, 404, 'text/plain; charset=utf-8', 'not found')
    let body: Buffer
    try {
      body = readFileSync(join(ctx.assets, name))
    } catch {
      return send(res, 500, 'text/plain; charset=utf-8', `the studio's ${name} is missing from ${ctx.assets}: run \`npm run build\``)
    }
    send(res, 200, TYPES[name.split('.').pop()!], body)
  }
}
