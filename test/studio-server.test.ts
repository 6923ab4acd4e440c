// @vitest-environment node
// The studio's server (`waymark studio`), run in-process: what it serves, whom it answers,
// and what it writes. Requests go through node:http so the Host and Origin headers are ours.
import { generateKeyPairSync } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { run } from '../src/cli/main'
import type { StudioHandle } from '../src/cli/studio'
import { startStudio } from '../src/cli/studio'
import { CSP } from '../src/cli/studio-http'
import { sha256, signedPath } from '../src/cli/studio-save'

const dir = mkdtempSync(join(tmpdir(), 'waymark-studio-'))
const assets = join(dir, 'assets')
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const open: StudioHandle[] = []
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()))
})

const PLAYBOOK = { version: '2026-11-25.1', rules: [{ id: 'r', on: ['x'], offer: { kind: 'toast', title: 'Hi' } }] }
let n = 0
/** A playbook file (JSON text as given, or the object pretty-printed) in its own directory. */
function file(content: unknown = PLAYBOOK): string {
  const sub = join(dir, `case-${++n}`)
  rmSync(sub, { recursive: true, force: true })
  mkdirSync(sub)
  const path = join(sub, 'playbook.json')
  writeFileSync(path, typeof content == 'string' ? content : JSON.stringify(content, null, 2) + '\n')
  return path
}

mkdirSync(assets)
writeFileSync(join(assets, 'index.html'), '<!doctype html><title>studio</title>')
writeFileSync(join(assets, 'studio.js'), 'export {}')
writeFileSync(join(assets, 'studio.css'), 'body{}')

async function studio(path: string, key?: ReturnType<typeof keyPair>['privateKey']) {
  const h = await startStudio({ path, port: 0, assets, key })
  open.push(h)
  return h
}

/** One request; `host` and `origin` default to the studio's own. */
function call(h: StudioHandle, method: string, path: string, opts: { body?: string; host?: string; origin?: string | null; type?: string } = {}) {
  const headers: Record<string, string> = { Host: opts.host ?? `127.0.0.1:${h.port}` }
  if (opts.origin !== null) headers.Origin = opts.origin ?? `http://127.0.0.1:${h.port}`
  if (opts.body !== undefined) headers['Content-Type'] = opts.type ?? 'application/json'
  return new Promise<{ status: number; headers: Record<string, unknown>; text: string; json: any }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: h.port, method, path, headers }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (c) => (text += c))
      res.on('end', () => {
        let json
        try {
          json = JSON.parse(text)
        } catch {}
        resolve({ status: res.statusCode!, headers: res.headers, text, json })
      })
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

const saveBody = (text: string, base: string) => JSON.stringify({ text, base })
const keyPair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' })

describe('studio server', () => {
  it('serves the page, its script and its stylesheet under a strict CSP, nothing else', async () => {
    const h = await studio(file())
    expect(h.url).toBe(`http://127.0.0.1:${h.port}/`)
    for (const [path, type] of [['/', 'text/html'], ['/studio.js', 'text/javascript'], ['/studio.css', 'text/css']]) {
      const res = await call(h, 'GET', path)
      expect(res.status).toBe(200)
      expect(res.headers['content-type']).toContain(type)
      expect(res.headers['content-security-policy']).toBe(CSP)
      expect(res.headers['x-content-type-options']).toBe('nosniff')
    }
    expect(CSP).toContain("script-src 'self'")
    expect(CSP).not.toMatch(/unsafe-(inline|eval)/)
    expect(CSP).toContain("require-trusted-types-for 'script'")
    expect((await call(h, 'GET', '/../playbook.json')).status).toBe(404)
    expect((await call(h, 'GET', '/etc/passwd')).status).toBe(404)
  })

  it('answers only requests naming it as Host (DNS rebinding)', async () => {
    const h = await studio(file())
    expect((await call(h, 'GET', '/api/file', { host: `localhost:${h.port}` })).status).toBe(200)
    for (const host of [`evil.example:${h.port}`, '127.0.0.1', `127.0.0.1:${h.port + 1}`, `localhost.evil.example:${h.port}`]) {
      expect((await call(h, 'GET', '/api/file', { host })).status).toBe(403)
      expect((await call(h, 'GET', '/', { host })).status).toBe(403)
    }
  })

  it('GET /api/file: the text as on disk and the sha256 of its bytes', async () => {
    const path = file()
    const h = await studio(path)
    const res = await call(h, 'GET', '/api/file')
    const text = readFileSync(path, 'utf8')
    expect(res.json).toEqual({ file: 'playbook.json', text, hash: sha256(text), signing: false })
  })

  it('a malformed file is served as it is, for the recovery view', async () => {
    const text = '{\n  "rules": [\n    { "id": "a" }\n    { "id": "b" }\n  ]\n}\n'
    const h = await studio(file(text))
    expect((await call(h, 'GET', '/api/file')).json.text).toBe(text)
  })

  it('writes require a JSON body from the studio origin (CSRF)', async () => {
    const path = file()
    const h = await studio(path)
    const before = readFileSync(path, 'utf8')
    const text = JSON.stringify({ ...PLAYBOOK, version: '2' })
    const body = saveBody(text, sha256(before))
    expect((await call(h, 'POST', '/api/save', { body, origin: null })).status).toBe(403)
    expect((await call(h, 'POST', '/api/save', { body, origin: 'http://evil.example' })).status).toBe(403)
    expect((await call(h, 'POST', '/api/save', { body, origin: `http://127.0.0.1:${h.port + 1}` })).status).toBe(403)
    expect((await call(h, 'POST', '/api/save', { body, type: 'text/plain' })).status).toBe(415)
    expect((await call(h, 'POST', '/api/save', { body, type: 'application/x-www-form-urlencoded' })).status).toBe(415)
    expect((await call(h, 'GET', '/api/save')).status).toBe(405)
    expect(readFileSync(path, 'utf8')).toBe(before)
    const ok = await call(h, 'POST', '/api/save', { body, origin: `http://localhost:${h.port}`, host: `localhost:${h.port}` })
    expect(ok.status).toBe(200)
  })

  it('saves a valid playbook atomically, keeping the mode, and returns the new hash', async () => {
    const path = file()
    chmodSync(path, 0o640)
    const h = await studio(path)
    const base = (await call(h, 'GET', '/api/file')).json.hash
    const text = JSON.stringify({ ...PLAYBOOK, version: '2026-11-26.1' }, null, 4) + '\n'
    const res = await call(h, 'POST', '/api/save', { body: saveBody(text, base) })
    expect(res.status).toBe(200)
    expect(res.json).toEqual({ ok: true, hash: sha256(text) })
    expect(readFileSync(path, 'utf8')).toBe(text)
    expect(statSync(path).mode & 0o777).toBe(0o640)
    // No temporary file is left behind.
    expect(readdirSync(join(path, '..'))).toEqual(['playbook.json'])
  })

  it('refuses (422) what is not JSON or not a valid playbook, and writes nothing', async () => {
    const path = file()
    const h = await studio(path)
    const before = readFileSync(path, 'utf8')
    const base = sha256(before)
    const bad = await call(h, 'POST', '/api/save', { body: saveBody(JSON.stringify({ rules: [{ id: 'r', on: ['x'], offer: { kind: 'toast' }, cap: { day: -1 } }] }), base) })
    expect(bad.status).toBe(422)
    expect(bad.json.errors.join('\n')).toMatch(/rules\[0\].*cap\.day: must be a non-negative integer/)
    const broken = await call(h, 'POST', '/api/save', { body: saveBody('{ "rules": [ }', base) })
    expect(broken.status).toBe(422)
    expect(broken.json.errors[0]).toMatch(/^not JSON: line 1, column 14/)
    expect((await call(h, 'POST', '/api/save', { body: JSON.stringify({ base }) })).status).toBe(422)
    expect((await call(h, 'POST', '/api/save', { body: 'nope' })).status).toBe(400)
    expect(readFileSync(path, 'utf8')).toBe(before)
    expect(readdirSync(join(path, '..'))).toEqual(['playbook.json'])
  })

  it('refuses (409) to overwrite a file that changed on disk since it was loaded', async () => {
    const path = file()
    const h = await studio(path)
    const base = (await call(h, 'GET', '/api/file')).json.hash
    const theirs = JSON.stringify({ ...PLAYBOOK, version: 'theirs' })
    writeFileSync(path, theirs)
    const res = await call(h, 'POST', '/api/save', { body: saveBody(JSON.stringify(PLAYBOOK), base) })
    expect(res.status).toBe(409)
    expect(res.json).toMatchObject({ ok: false, conflict: true, hash: sha256(theirs) })
    expect(readFileSync(path, 'utf8')).toBe(theirs)
  })

  it('with --key writes the signed envelope, which `waymark validate --public-key` accepts', async () => {
    const path = file()
    const { privateKey, publicKey } = keyPair()
    const pem = join(path, '..', 'key.pem')
    writeFileSync(pem, privateKey.export({ type: 'pkcs8', format: 'pem' }))
    const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64')
    const h = await studio(path, privateKey)
    const state = (await call(h, 'GET', '/api/file')).json
    expect(state.signing).toBe('playbook.signed.json')
    const text = JSON.stringify({ ...PLAYBOOK, version: '2026-11-27.1' }, null, 2) + '\n'
    const res = await call(h, 'POST', '/api/save', { body: saveBody(text, state.hash) })
    expect(res.json).toEqual({ ok: true, hash: sha256(text), signed: 'playbook.signed.json' })
    const envelope = JSON.parse(readFileSync(signedPath(path), 'utf8'))
    expect(JSON.parse(envelope.payload)).toEqual(JSON.parse(text))
    const out: string[] = []
    const code = await run(['validate', signedPath(path), '--public-key', spki], { out: (s) => void out.push(s), err: (s) => void out.push(s), readFile: (p) => readFileSync(p, 'utf8') })
    expect([code, out.join('\n')]).toEqual([0, expect.stringContaining('signature verified')])
    // Signing needs a version: without one nothing is written.
    const unversioned = JSON.stringify({ rules: PLAYBOOK.rules })
    const refused = await call(h, 'POST', '/api/save', { body: saveBody(unversioned, sha256(text)) })
    expect(refused.status).toBe(422)
    expect(refused.json.errors[0]).toMatch(/^version: /)
    expect(readFileSync(path, 'utf8')).toBe(text)
  })
})

describe('waymark studio (the command)', () => {
  const cli = async (...argv: string[]) => {
    const out: string[] = []
    let handle: StudioHandle | undefined
    const code = await run(argv, {
      out: (s) => void out.push(s),
      err: (s) => void out.push(s),
      readFile: (p) => readFileSync(p, 'utf8'),
      cwd: dir,
      studio: (h: StudioHandle) => void open.push((handle = h)),
    } as Parameters<typeof run>[1])
    return { code, out: out.join('\n'), handle }
  }

  it('prints the URL it listens on, on 127.0.0.1, and resolves once listening', async () => {
    const path = file()
    const { code, out, handle } = await cli('studio', path, '--port', '0')
    expect(code).toBe(0)
    expect(out).toContain(handle!.url)
    expect(handle!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/)
    expect((await call(handle!, 'GET', '/api/file')).status).toBe(200)
  })

  it('usage errors: a missing file, a bad port, a signed envelope', async () => {
    expect((await cli('studio', 'nope.json', '--port', '0')).code).toBe(2)
    expect((await cli('studio', file(), '--port', 'x')).code).toBe(2)
    const env = await cli('studio', file({ payload: '{}', signature: 'x' }), '--port', '0')
    expect(env.code).toBe(1)
    expect(env.out).toMatch(/signed envelope/)
  })
})
