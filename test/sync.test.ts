import { sign as nodeSign, KeyObject } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MAX_BYTES } from '../src/playbook/fetch'
import { older, validMark } from '../src/playbook/sync'
import type { Offer, Playbook, Rule, WaymarkOptions } from '../src/types'
import { advance, flush, make, stored, storeRaw, until } from './helpers'

const rule = (id: string): Rule => ({ id, on: ['cart_viewed'], offer: { kind: 'headless', title: id } })
const v1: Playbook = { version: '2026-11-24.1', rules: [rule('nudge-1')] }
const v2: Playbook = { version: '2026-11-25.1', rules: [rule('nudge-2')] }
const URL_SRC = '/playbook.json'

/** A playbook endpoint: ETag from the body, 304 on a match, and switchable faults. */
function fakeServer(doc: unknown = v1) {
  const s = {
    doc,
    raw: undefined as string | undefined,
    status: 200,
    fault: undefined as 'hang' | 'network' | undefined,
    lastModifiedOnly: false,
    requests: [] as Array<{ url: string; headers: Record<string, string>; cache?: string }>,
    served304: 0,
  }
  const fetch = vi.fn(async (url: string | URL, init: RequestInit = {}) => {
    const headers = (init.headers || {}) as Record<string, string>
    s.requests.push({ url: String(url), headers, cache: init.cache })
    if (s.fault === 'network') throw new TypeError('Failed to fetch')
    if (s.fault === 'hang')
      return new Promise<Response>((_, reject) =>
        init.signal!.addEventListener('abort', () => reject(new DOMException('The operation was aborted.', 'AbortError'))),
      )
    if (s.status !== 200) return new Response('Server error', { status: s.status })
    const text = s.raw ?? JSON.stringify(s.doc)
    const tag = `"${text.length}-${[...text].reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 0)}"`
    const validators: Record<string, string> = s.lastModifiedOnly ? { 'Last-Modified': tag } : { ETag: tag }
    if (headers['If-None-Match'] === tag || headers['If-Modified-Since'] === tag) {
      s.served304++
      return new Response(null, { status: 304, headers: validators })
    }
    return new Response(text, { headers: validators })
  })
  vi.stubGlobal('fetch', fetch)
  return s
}

/** An instance with its offers, playbook announcements and errors collected. */
async function started(options: WaymarkOptions = {}) {
  const wm = make({ playbook: URL_SRC, ...options })
  const offers: Offer[] = []
  const applied: Array<{ version: string | null; from: string }> = []
  wm.on('offer', (o) => offers.push(o))
  wm.on('playbook', (p) => applied.push(p))
  await wm.ready
  await flush()
  const fires = (): string[] => {
    offers.length = 0
    wm.track('cart_viewed')
    return offers.map((o) => o.rule)
  }
  return { wm, applied, fires }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date', 'performance'] }) // delivery waits on performance.now()
})
afterEach(() => {
  vi.unstubAllGlobals()
})

describe('playbook sync from a URL', () => {
  it('fetches on a first visit, applies it, and caches it with its ETag', async () => {
    const server = fakeServer()
    const { applied, fires } = await started()
    await advance(0)
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0].url).toBe('http://localhost:3000/playbook.json')
    expect(applied).toEqual([{ version: '2026-11-24.1', from: 'network' }])
    expect(fires()).toEqual(['nudge-1'])
    expect((await stored()).playbook).toMatchObject({ src: 'http://localhost:3000/playbook.json', text: JSON.stringify(v1), etag: expect.any(String) })
  })

  it('applies the cached copy at start, before any request, and decides while the endpoint hangs', async () => {
    const server = fakeServer()
    await (await started()).wm.ready
    await advance(0)
    server.fault = 'hang'
    vi.setSystemTime(Date.now() + 3600_000) // the cache is stale: a revalidation starts
    const { applied, fires } = await started()
    expect(applied).toEqual([{ version: '2026-11-24.1', from: 'cache' }])
    expect(fires()).toEqual(['nudge-1']) // ready did not wait for the network
    await advance(0)
    expect(server.requests).toHaveLength(2) // the revalidation is under way, hanging
    expect(fires()).toEqual(['nudge-1'])
  })

  it('revalidates with If-None-Match; a 304 keeps the cache and parses nothing', async () => {
    const server = fakeServer()
    const { wm, applied } = await started()
    await advance(0)
    const parse = vi.spyOn(JSON, 'parse')
    await wm.refresh()
    expect(server.requests[1].headers['If-None-Match']).toBe((await stored()).playbook && (await stored() as any).playbook.etag)
    expect(server.served304).toBe(1)
    expect(parse).not.toHaveBeenCalled()
    expect(applied).toHaveLength(1)
  })

  it('sends If-Modified-Since when only Last-Modified came', async () => {
    const server = fakeServer()
    server.lastModifiedOnly = true
    const { wm } = await started()
    await advance(0)
    await wm.refresh()
    expect(server.requests[1].headers).toEqual({ 'If-Modified-Since': expect.any(String) })
    expect(server.served304).toBe(1)
  })

  it('does not refetch a copy younger than refreshSeconds on the next page, and does once it is older', async () => {
    const server = fakeServer()
    await started({ refreshSeconds: 60 })
    await advance(0)
    await started({ refreshSeconds: 60 })
    await advance(0)
    expect(server.requests).toHaveLength(1)
    vi.setSystemTime(Date.now() + 61_000)
    await started({ refreshSeconds: 60 })
    await advance(0)
    expect(server.requests).toHaveLength(2)
  })

  it('a page load revalidates a copy last checked over a minute ago, so a published edit shows on the next page (issue 15)', async () => {
    const server = fakeServer()
    await started() // refreshSeconds 300
    await advance(0)
    vi.setSystemTime(Date.now() + 59_000)
    await started() // a reload within the minute: no request
    await advance(0)
    expect(server.requests).toHaveLength(1)
    server.doc = v2 // published meanwhile
    vi.setSystemTime(Date.now() + 2_000)
    const next = await started()
    await advance(0)
    expect(server.requests).toHaveLength(2)
    expect(server.requests[1].headers['If-None-Match']).toEqual(expect.any(String)) // a cheap 304 when nothing changed
    expect(next.applied.map((a) => a.version)).toEqual(['2026-11-24.1', '2026-11-25.1']) // cache first, then the edit
    expect(next.fires()).toEqual(['nudge-2'])
    // The open tab goes back to every refreshSeconds after that check.
    await advance(299_000)
    expect(server.requests).toHaveLength(2)
    await advance(1_000)
    expect(server.requests).toHaveLength(3)
  })

  it('a copy checked "in the future" (the clock was set back 2 days) is revalidated, not trusted for 2 days', async () => {
    const server = fakeServer()
    await started({ refreshSeconds: 60 })
    await advance(0)
    vi.setSystemTime(Date.now() - 2 * 864e5)
    await started({ refreshSeconds: 60 })
    await advance(0)
    expect(server.requests).toHaveLength(2) // its age is unknown: revalidated at once
    expect(server.served304).toBe(1)
  })

  it('revalidates every refreshSeconds and applies a new version once', async () => {
    const server = fakeServer()
    const { applied, fires } = await started({ refreshSeconds: 60 })
    await advance(0)
    await advance(59_000)
    expect(server.requests).toHaveLength(1)
    server.doc = v2
    await advance(1_000)
    expect(server.requests).toHaveLength(2)
    expect(applied.map((a) => a.version)).toEqual(['2026-11-24.1', '2026-11-25.1'])
    expect(fires()).toEqual(['nudge-2'])
    await advance(60_000)
    expect(server.requests).toHaveLength(3)
    expect(server.served304).toBe(1)
    expect(applied).toHaveLength(2)
  })

  it('does not fetch while the tab is hidden, and revalidates when it becomes visible', async () => {
    const server = fakeServer()
    let state = 'visible'
    vi.spyOn(document, 'visibilityState', 'get').mockImplementation(() => state as DocumentVisibilityState)
    await started({ refreshSeconds: 60 })
    await advance(0)
    state = 'hidden'
    await advance(10 * 60_000)
    expect(server.requests).toHaveLength(1)
    state = 'visible'
    document.dispatchEvent(new Event('visibilitychange'))
    await flush()
    expect(server.requests).toHaveLength(2)
    // Flipping back and forth within 30 s does not hammer the endpoint.
    document.dispatchEvent(new Event('visibilitychange'))
    await flush()
    expect(server.requests).toHaveLength(2)
  })

  it('refresh() fetches now even when the copy is fresh, and a changed body with the same rules rebuilds nothing', async () => {
    const server = fakeServer()
    const { wm, applied } = await started()
    await advance(0)
    server.raw = JSON.stringify(v1, null, 2) // new ETag, same playbook
    await expect(wm.refresh()).resolves.toBeUndefined()
    expect(server.requests).toHaveLength(2)
    expect(applied).toHaveLength(1)
  })

  it('leaves revalidation to the browser cache for a cross-origin URL (no preflight)', async () => {
    const server = fakeServer()
    const { wm } = await started({ playbook: 'https://cdn.example/pb.json' })
    await advance(0)
    await wm.refresh()
    expect(server.requests.map((r) => [r.url, r.headers, r.cache])).toEqual([
      ['https://cdn.example/pb.json', {}, 'no-cache'],
      ['https://cdn.example/pb.json', {}, 'no-cache'],
    ])
  })

  it("decides a first visit's first events when its playbook arrives, so a welcome offer still shows", async () => {
    fakeServer({ version: '1', rules: [{ id: 'welcome', on: ['page'], offer: { kind: 'headless', title: 'Welcome' } }] })
    const wm = make({ playbook: URL_SRC, autoPage: true })
    const offers: Offer[] = []
    wm.on('offer', (o) => offers.push(o))
    await wm.ready
    expect(offers).toEqual([]) // the page view happened; no rules yet
    await advance(0)
    expect(offers.map((o) => [o.rule, o.trigger])).toEqual([['welcome', 'page']])
    wm.page()
    expect(offers).toHaveLength(2) // from then on, decided at once
  })

  it('reports a playbook URL that does not parse instead of throwing', async () => {
    fakeServer()
    const { wm, applied } = await started({ playbook: 'http://[bad' })
    await advance(0)
    expect(wm.errors).toEqual([expect.stringMatching(/^waymark: playbook not loaded: .*Invalid URL.* \(from http:\/\/\[bad; no playbook in force yet;/)])
    expect(applied).toEqual([])
  })

  it('stops syncing on destroy', async () => {
    const server = fakeServer()
    const { wm } = await started({ refreshSeconds: 60 })
    await advance(0)
    wm.destroy()
    await advance(10 * 60_000)
    expect(server.requests).toHaveLength(1)
  })
})

describe('playbook sync failures', () => {
  const older = { ...v2, version: '2026-11-01.1' }
  const invalid = { ...v2, rules: [{ ...rule('x'), if: { 'event.total': { $gtt: 1 } } }] }
  // [what, how to break the endpoint, the error, how long a failing attempt takes]
  const cases: Array<[string, (s: ReturnType<typeof fakeServer>) => void, RegExp, number?]> = [
    ['a network error', (s) => (s.fault = 'network'), /^waymark: playbook not loaded: Failed to fetch \(from http:\/\/localhost:3000\/playbook.json; version "2026-11-24.1" stays in force; next try in 5 s\)$/],
    ['a request that hangs (aborted after 5 s)', (s) => (s.fault = 'hang'), /playbook not loaded: no answer within 5 s/, 5_000],
    ['HTTP 404', (s) => (s.status = 404), /playbook not loaded: HTTP 404/],
    ['HTTP 500', (s) => (s.status = 500), /playbook not loaded: HTTP 500/],
    ['a body that is not JSON', (s) => (s.raw = '<html>oops</html>'), /playbook rejected: not JSON: Unexpected token/],
    ['a body over 1 MB', (s) => (s.raw = JSON.stringify({ ...v2, $schema: 'x'.repeat(MAX_BYTES) })), /playbook not loaded: larger than 1 MB/],
    ['a playbook that fails validation', (s) => (s.doc = invalid), /playbook rejected: rules\[0\]\.if\.event\.total: unknown operator "\$gtt"/],
    ['an older version than the one in force', (s) => (s.doc = older), /playbook rejected: version "2026-11-01.1" is older than "2026-11-24.1"/],
  ]

  it.each(cases)('%s is reported, retried with backoff, and the last good playbook stays', async (_, breakIt, message, takes = 0) => {
    vi.spyOn(Math, 'random').mockReturnValue(1) // no jitter: retries after 5 s, then 10 s
    const server = fakeServer()
    const { wm, applied, fires } = await started({ refreshSeconds: 300 })
    await advance(0)
    breakIt(server)
    const refreshed = wm.refresh()
    await advance(takes)
    await refreshed
    expect(wm.errors).toEqual([expect.stringMatching(message)])
    expect(wm.errors[0]).toMatch(/next try in 5 s\)$/)
    expect(fires()).toEqual(['nudge-1'])
    expect(applied).toHaveLength(1)
    const before = server.requests.length
    await advance(4_900)
    expect(server.requests).toHaveLength(before)
    await advance(200)
    expect(server.requests).toHaveLength(before + 1)
    await advance(takes)
    expect(wm.errors[1]).toMatch(/next try in 10 s/)
    Object.assign(server, { fault: undefined, status: 200, raw: undefined, doc: v2 })
    await advance(15_000)
    expect(fires()).toEqual(['nudge-2'])
    expect(wm.errors).toHaveLength(2)
  })

  it('spreads retries with jitter and caps the backoff at refreshSeconds', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0) // shortest waits: half the backoff
    const server = fakeServer()
    const { wm } = await started({ refreshSeconds: 30 })
    await advance(0)
    server.status = 503
    await wm.refresh()
    const waits = [Number(wm.errors.at(-1)!.match(/next try in (\d+) s/)![1])]
    for (let i = 0; i < 4; i++) {
      await advance(waits.at(-1)! * 1000)
      waits.push(Number(wm.errors.at(-1)!.match(/next try in (\d+) s/)![1]))
    }
    expect(waits).toEqual([3, 5, 10, 15, 15]) // half of 5, 10, 20, 30 (the cap), 30
    expect(wm.errors).toHaveLength(5)
    random.mockReturnValue(1)
    await advance(15_000)
    expect(wm.errors.at(-1)).toMatch(/next try in 30 s/)
  })

  it('reports a first visit whose fetch fails, with no playbook in force yet', async () => {
    const server = fakeServer()
    server.status = 500
    const { wm, fires } = await started()
    await advance(0)
    expect(wm.errors).toEqual([expect.stringContaining('HTTP 500 (from http://localhost:3000/playbook.json; no playbook in force yet;')])
    expect(wm.explain('nudge-1').reason).toBe('no such rule')
    expect(fires()).toEqual([])
  })

  it('drops a stored copy that no longer validates and fetches without a validator', async () => {
    const server = fakeServer()
    await started()
    await advance(0)
    const record = (await stored()).playbook as Record<string, unknown>
    await storeRaw('playbook', { ...record, text: '{"rules": 5}' })
    const { wm, applied } = await started({ refreshSeconds: 300 })
    await advance(0)
    expect(wm.errors).toEqual(['waymark: stored playbook rejected: rules: must be an array'])
    expect(server.requests.at(-1)!.headers).toEqual({})
    expect(applied).toEqual([{ version: '2026-11-24.1', from: 'network' }])
  })
})

describe('a stored copy this build validated already (issue 17)', () => {
  // Valid only for the validator's key rules, invalid for its "unknown key" check: applied only
  // when validation is skipped, so the test sees whether it was.
  const lax = JSON.stringify({ ...v1, extra: 1 })
  const store = async (text: string, mark?: string) => {
    const record = (await stored()).playbook as Record<string, unknown>
    await storeRaw('playbook', { ...record, text, mark })
  }

  it('stores the mark of the text it validated, and applies a copy with a matching mark without validating it again', async () => {
    fakeServer()
    await started()
    await advance(0)
    expect((await stored()).playbook).toMatchObject({ text: JSON.stringify(v1), mark: validMark(JSON.stringify(v1)) })
    await store(lax, validMark(lax))
    const { wm, applied, fires } = await started()
    expect(wm.errors).toEqual([])
    expect(applied).toEqual([{ version: '2026-11-24.1', from: 'cache' }])
    expect(fires()).toEqual(['nudge-1'])
  })

  it('a mark changes with any one character of the text, wherever it is, and with the order of its parts', () => {
    const text = JSON.stringify({ ...v1, rules: [rule('nudge-1'), rule('nudge-2')] })
    const marks = new Set([validMark(text)])
    for (let i = 0; i < text.length; i++) marks.add(validMark(text.slice(0, i) + (text[i] == 'x' ? 'y' : 'x') + text.slice(i + 1)))
    marks.add(validMark(text.replace('nudge-1', 'nudge-X').replace('nudge-2', 'nudge-1').replace('nudge-X', 'nudge-2')))
    marks.add(validMark(text + ' '))
    marks.add(validMark(text.replace('nudge-1', 'nüdge-1')))
    expect(marks.size).toBe(text.length + 4)
  })

  it('validates, and refuses, a text changed after it was marked, or marked by another validator version', async () => {
    fakeServer()
    await started()
    await advance(0)
    const { mark } = (await stored()).playbook as { mark: string }
    for (const m of [mark, validMark(lax).replace(/^\d+:/, '0:'), undefined]) {
      await store(lax, m)
      const { wm, applied } = await started()
      expect(wm.errors).toEqual(['waymark: stored playbook rejected: extra: unknown key'])
      expect(applied).toEqual([])
      wm.destroy()
    }
  })

  it('still checks the signature, the version floor and expires of a marked copy', async () => {
    const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
    const publicKey = Buffer.from(await crypto.subtle.exportKey('spki', keys.publicKey)).toString('base64')
    const sign = async (doc: unknown) => {
      const payload = JSON.stringify(doc)
      const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(payload))
      return { payload, signature: Buffer.from(sig).toString('base64') }
    }
    fakeServer(await sign(v1))
    const first = await started({ publicKey })
    await advance(0)
    await until(() => first.applied.length > 0)
    await flush() // its copy is stored in a task after it applied it, before this test stores its own
    const good = await sign(v1)
    const forged = JSON.stringify({ ...good, payload: good.payload.replace('nudge-1', 'nudge-9') })
    await store(forged, validMark(forged))
    const { wm, applied } = await started({ publicKey })
    await until(() => wm.errors.length > 0)
    expect(wm.errors).toEqual(['waymark: stored playbook rejected: signature does not verify with publicKey'])
    expect(applied).toEqual([])
    wm.destroy()
    const expired = JSON.stringify(await sign({ ...v1, expires: '2020-01-01T00:00:00Z' }))
    await store(expired, validMark(expired))
    const late = await started({ publicKey })
    await until(() => late.wm.errors.length > 0)
    expect(late.wm.errors).toEqual(['waymark: stored playbook rejected: expired at 2020-01-01T00:00:00Z'])
    late.wm.destroy()
    const old = JSON.stringify(await sign({ ...v1, version: '2026-01-01.1' }))
    await store(old, validMark(old))
    const rolled = await started({ publicKey })
    await until(() => rolled.wm.errors.length > 0)
    expect(rolled.wm.errors).toEqual(['waymark: stored playbook rejected: version "2026-01-01.1" is older than "2026-11-24.1"'])
  })
})

describe('playbook from a function', () => {
  it('calls it, applies and caches the result, and reports a throw or a hang', async () => {
    fakeServer()
    let result: () => Promise<unknown> = async () => v1
    const source = () => result() as Promise<Playbook>
    const { wm, applied } = await started({ playbook: source })
    await advance(0)
    expect(applied).toEqual([{ version: '2026-11-24.1', from: 'network' }])
    expect((await stored()).playbook).toMatchObject({ src: 'function', text: JSON.stringify(v1) })
    result = () => Promise.reject(new Error('CMS down'))
    await wm.refresh()
    expect(wm.errors.at(-1)).toMatch(/^waymark: playbook not loaded: CMS down \(from function;/)
    result = () => new Promise(() => {})
    const hung = wm.refresh()
    await advance(5_000)
    await hung
    expect(wm.errors.at(-1)).toMatch(/no answer within 5 s/)
    result = async () => JSON.stringify(v2) // a JSON string is fine too
    await wm.refresh()
    expect(applied.at(-1)).toEqual({ version: '2026-11-25.1', from: 'network' })
  })
})

describe('signed playbooks', () => {
  const b64 = (buf: ArrayBuffer | Uint8Array): string => Buffer.from(buf as ArrayBuffer).toString('base64')
  let keys: CryptoKeyPair
  let publicKey: string
  beforeEach(async () => {
    keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
    publicKey = b64(await crypto.subtle.exportKey('spki', keys.publicKey))
  })
  const sign = async (doc: unknown, key = keys.privateKey) => {
    const payload = JSON.stringify(doc)
    const sig = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key, Buffer.from(payload))
    return { payload, signature: b64(sig) }
  }

  it('accepts a playbook signed with publicKey, checked with WebCrypto', async () => {
    const server = fakeServer(await sign(v1))
    const { wm, applied, fires } = await started({ publicKey })
    await advance(0)
    await until(() => applied.length + wm.errors.length > 0)
    expect(wm.errors).toEqual([])
    expect(server.requests).toHaveLength(1)
    expect(applied).toEqual([{ version: '2026-11-24.1', from: 'network' }])
    expect(fires()).toEqual(['nudge-1'])
  })

  it('accepts a DER signature (OpenSSL and most server libraries) as well as raw r‖s', async () => {
    const payload = JSON.stringify(v1)
    const der = nodeSign('sha256', Buffer.from(payload), { key: KeyObject.from(keys.privateKey), dsaEncoding: 'der' })
    fakeServer({ payload, signature: der.toString('base64') })
    const { wm, applied } = await started({ publicKey })
    await advance(0)
    await until(() => applied.length + wm.errors.length > 0)
    expect(wm.errors).toEqual([])
    expect(applied).toHaveLength(1)
  })

  it('rejects a payload with one byte changed, an unsigned playbook, and another key\'s signature', async () => {
    const good = await sign(v1)
    const other = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])).privateKey
    const server = fakeServer(good)
    const { wm, applied } = await started({ publicKey })
    await advance(0)
    server.doc = { ...(await sign(v2)), payload: (await sign(v2)).payload.replace('nudge-2', 'nudge-3') }
    await wm.refresh()
    server.doc = v2
    await wm.refresh()
    server.doc = await sign(v2, other)
    await wm.refresh()
    expect(wm.errors.map((e) => e.replace(/ \(from.*/, ''))).toEqual([
      'waymark: playbook rejected: signature does not verify with publicKey',
      'waymark: playbook rejected: not signed, and publicKey is set',
      'waymark: playbook rejected: signature does not verify with publicKey',
    ])
    expect(applied).toHaveLength(1)
  })

  it('re-checks the cached copy at start, so a new publicKey drops a copy signed with the old one', async () => {
    const server = fakeServer(await sign(v1))
    const first = await started({ publicKey })
    await advance(0)
    await until(() => first.applied.length > 0) // WebCrypto answers off the fake clock
    await flush() // and the copy applied is stored in a task after it
    const rotated = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
    keys = rotated
    server.doc = await sign(v2)
    const { wm, applied } = await started({ publicKey: b64(await crypto.subtle.exportKey('spki', rotated.publicKey)) })
    expect(wm.errors).toEqual(['waymark: stored playbook rejected: signature does not verify with publicKey'])
    await advance(0)
    await until(() => applied.length > 0)
    expect(applied).toEqual([{ version: '2026-11-25.1', from: 'network' }])
  })

  it('without publicKey, accepts both the plain and the signed form', async () => {
    const server = fakeServer(v1)
    const { wm, applied } = await started()
    await advance(0)
    server.doc = await sign(v2)
    await wm.refresh()
    await until(() => applied.length > 1)
    expect(applied.map((a) => a.version)).toEqual(['2026-11-24.1', '2026-11-25.1'])
  })

  it('reports a publicKey that is not a key, and accepts nothing', async () => {
    fakeServer(await sign(v1))
    const { wm, applied } = await started({ publicKey: 'bm90IGEga2V5' })
    await advance(0)
    await until(() => wm.errors.length > 0)
    expect(wm.errors[0]).toMatch(/^waymark: playbook rejected: publicKey is not a base64 SPKI P-256 key/)
    expect(applied).toEqual([])
  })

  it('checks an inline signed playbook too', async () => {
    const { wm, applied } = await started({ playbook: (await sign(v1)) as never, publicKey })
    expect(applied).toEqual([{ version: '2026-11-24.1', from: 'inline' }])
    const unsigned = await started({ playbook: v1, publicKey })
    expect(unsigned.wm.errors).toEqual(['waymark: playbook rejected: not signed, and publicKey is set'])
    expect(wm.errors).toEqual([])
  })
})

describe('signed playbooks: version floor and expiry (issue 14, item 8)', () => {
  const b64 = (buf: ArrayBuffer | Uint8Array): string => Buffer.from(buf as ArrayBuffer).toString('base64')
  let keys: CryptoKeyPair
  let publicKey: string
  beforeEach(async () => {
    keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])
    publicKey = b64(await crypto.subtle.exportKey('spki', keys.publicKey))
  })
  const sign = async (doc: unknown) => {
    const payload = JSON.stringify(doc)
    return { payload, signature: b64(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, keys.privateKey, Buffer.from(payload))) }
  }
  const unversioned: Playbook = { rules: [rule('nudge-3')] }
  const errors = (wm: { errors: string[] }) => wm.errors.map((e) => e.replace(/ \(from.*/, ''))
  const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString()
  /** A page: started, its first check done (WebCrypto answers off the fake clock). */
  const page = async (options: WaymarkOptions = {}) => {
    const p = await started({ publicKey, ...options })
    await advance(0)
    await until(() => p.applied.length + p.wm.errors.length > 0)
    await flush() // a copy applied is stored in a task after it
    return p
  }
  // WebCrypto answers off the fake clock: tick until the check is done.
  const refresh = async (wm: { refresh(): Promise<void> }) => {
    let done = false
    void wm.refresh().then(() => (done = true))
    await until(() => done)
  }

  it('refuses a signed playbook without version, on a first visit and over a good one', async () => {
    const server = fakeServer(await sign(unversioned))
    const first = await page()
    expect(first.applied).toEqual([])
    expect(errors(first.wm)).toEqual(['waymark: playbook rejected: signed but without a version'])
    first.wm.destroy()
    server.doc = await sign(v2)
    const { wm, applied, fires } = await page()
    server.doc = await sign(unversioned)
    await refresh(wm)
    expect(applied.map((a) => a.version)).toEqual(['2026-11-25.1'])
    expect(errors(wm).at(-1)).toBe('waymark: playbook rejected: signed but without a version')
    expect(fires()).toEqual(['nudge-2']) // the last good one stays
  })

  it('never applies a version older than the newest applied, even after a copy without a version', async () => {
    const server = fakeServer(v2) // no publicKey: an unversioned copy is allowed, and used to reset the comparison
    const { wm, applied, fires } = await started()
    await advance(0)
    server.doc = unversioned
    await wm.refresh()
    server.doc = await sign({ ...v1 }) // signed long ago, replayed
    await refresh(wm)
    expect(applied.map((a) => a.version)).toEqual(['2026-11-25.1', null])
    expect(errors(wm)).toEqual(['waymark: playbook rejected: version "2026-11-24.1" is older than "2026-11-25.1"'])
    expect(fires()).toEqual(['nudge-3'])
  })

  it('applies the same version again (a re-published copy), and a newer one', async () => {
    const server = fakeServer(await sign(v1))
    const { wm, applied, fires } = await page()
    server.doc = await sign({ ...v1, rules: [rule('nudge-1b')] })
    await refresh(wm)
    server.doc = await sign(v2)
    await refresh(wm)
    expect(applied.map((a) => a.version)).toEqual(['2026-11-24.1', '2026-11-24.1', '2026-11-25.1'])
    expect(wm.errors).toEqual([])
    expect(fires()).toEqual(['nudge-2'])
  })

  it('keeps the floor on the device: after a reload whose stored copy has expired, an older copy is still refused', async () => {
    const server = fakeServer(await sign({ ...v2, expires: inHours(24) }))
    const first = await page()
    expect(first.applied.map((a) => a.version)).toEqual(['2026-11-25.1'])
    expect((await stored()).playbook).toMatchObject({ floor: '2026-11-25.1' })
    first.wm.destroy()
    vi.setSystemTime(Date.now() + 48 * 3600_000)
    server.doc = await sign(v1) // an old copy without expires, replayed to the device
    const { wm, applied, fires } = await page()
    await until(() => wm.errors.length > 1)
    expect(errors(wm)).toEqual([
      expect.stringMatching(/^waymark: stored playbook rejected: expired at \d{4}-/),
      'waymark: playbook rejected: version "2026-11-24.1" is older than "2026-11-25.1"',
    ])
    expect(applied).toEqual([])
    expect(fires()).toEqual([])
  })

  it('under consent denied keeps the floor in memory only', async () => {
    const server = fakeServer(await sign(v2))
    const first = await page({ consent: 'denied' })
    server.doc = await sign(v1)
    await refresh(first.wm)
    expect(errors(first.wm)).toEqual(['waymark: playbook rejected: version "2026-11-24.1" is older than "2026-11-25.1"'])
    expect(await stored()).toEqual({})
    first.wm.destroy()
    const next = await page({ consent: 'denied' })
    expect(next.applied).toEqual([{ version: '2026-11-24.1', from: 'network' }]) // nothing on the device to compare with
  })

  it('refuses a playbook past its expires on a first visit (a replayed old copy)', async () => {
    const expires = inHours(-1)
    fakeServer(await sign({ ...v1, expires }))
    const { wm, applied } = await page()
    expect(errors(wm)).toEqual([`waymark: playbook rejected: expired at ${expires}`])
    expect(applied).toEqual([])
  })

  it('applies a copy before its expires, and refuses the cached copy on a visit after it', async () => {
    const expires = inHours(1)
    const server = fakeServer(await sign({ ...v1, expires }))
    const first = await page()
    expect(first.applied).toEqual([{ version: '2026-11-24.1', from: 'network' }])
    first.wm.destroy()
    vi.setSystemTime(Date.now() + 2 * 3600_000)
    server.fault = 'hang'
    const { wm, applied, fires } = await started({ publicKey })
    await until(() => wm.errors.length > 0)
    expect(errors(wm)).toEqual([`waymark: stored playbook rejected: expired at ${expires}`])
    expect(applied).toEqual([])
    expect(fires()).toEqual([])
    server.fault = undefined
    server.doc = await sign({ ...v2, expires: inHours(24) })
    await refresh(wm)
    expect(applied).toEqual([{ version: '2026-11-25.1', from: 'network' }])
  })
})

describe('version order', () => {
  it.each([
    ['2026-11-23.9', '2026-11-23.10'],
    ['2026-11-23', '2026-11-23.1'],
    ['2026-11-23.1', '2026-11-24'],
    ['9', '10'],
    ['1.9.9', '1.10'],
    ['99999999999999999999', '100000000000000000000'], // past 2^53: compared as digit strings
    ['1.2-beta', '1.2.0'], // "-" (U+002D) before "." (U+002E)
    ['V2', 'v2'], // code units: upper case first
  ])('%s is older than %s', (a, b) => {
    expect(older(a, b)).toBe(true)
    expect(older(b, a)).toBe(false)
  })

  it.each([['1.2', '1.02'], ['2026-11-23.1', '2026-11-23.1'], ['', '1'], [undefined, '1']])('%j and %j are not older either way', (a, b) => {
    expect(older(a, b)).toBe(false)
    expect(older(b, a)).toBe(false)
  })
})

describe('playbook sync across tabs', () => {
  it('a second tab starts from the fresh cache without a request and takes the first tab\'s update', async () => {
    const server = fakeServer()
    const a = await started()
    await advance(0)
    const b = await started()
    await advance(0)
    expect(server.requests).toHaveLength(1)
    expect(b.applied).toEqual([{ version: '2026-11-24.1', from: 'cache' }])
    server.doc = v2
    await a.wm.refresh()
    await flush()
    expect(server.requests).toHaveLength(2)
    expect(b.applied.at(-1)).toEqual({ version: '2026-11-25.1', from: 'tab' })
    expect(b.fires()).toEqual(['nudge-2'])
  })

  it('posts the copy it stored to the other tabs without its mark (a tab checks what it is sent whole); the store keeps the mark', async () => {
    const server = fakeServer()
    const a = await started()
    await advance(0)
    const heard: Array<{ playbook?: Record<string, unknown> }> = []
    const other = new BroadcastChannel('waymark')
    other.onmessage = (e) => heard.push(e.data)
    server.doc = v2
    await a.wm.refresh()
    await until(() => heard.some((m) => m.playbook))
    other.close()
    const sent = heard.find((m) => m.playbook)!.playbook!
    expect(sent).toMatchObject({ text: JSON.stringify(v2) })
    expect(sent.mark).toBeUndefined()
    expect((await stored()).playbook).toMatchObject({ text: JSON.stringify(v2), mark: validMark(JSON.stringify(v2)) })
  })

  it('a tab whose timer fires just after another tab checked takes that copy instead of fetching', async () => {
    const server = fakeServer()
    const a = await started({ refreshSeconds: 60 })
    await advance(0)
    await started({ refreshSeconds: 60, namespace: 'waymark' })
    await advance(1_000)
    await a.wm.refresh() // tab A checks at t+1 s; tab B's timer (t+60 s) must move to t+61 s
    await advance(59_500)
    expect(server.requests).toHaveLength(2)
    await advance(1_000)
    expect(server.requests).toHaveLength(3) // one tab revalidated, not both
  })
})

describe('playbook cache and consent', () => {
  it('pending reads a stored copy but writes none; denied neither reads nor writes', async () => {
    const server = fakeServer()
    await started({ consent: 'pending' })
    await advance(0)
    expect((await stored()).playbook).toBeUndefined()
    await started()
    await advance(0)
    const pending = await started({ consent: 'pending' })
    expect(pending.applied).toEqual([{ version: '2026-11-24.1', from: 'cache' }])
    const denied = await started({ consent: 'denied' })
    expect(denied.applied).toEqual([])
    await advance(0)
    expect(denied.applied).toEqual([{ version: '2026-11-24.1', from: 'network' }])
    expect(await stored()).toEqual({})
    expect(server.requests).toHaveLength(3)
  })
})
