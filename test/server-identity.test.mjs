// @vitest-environment node
// The example server's identity endpoint (examples/server/identity.mjs): the visitor cookie,
// GET /identity, what POST /collect teaches it, and its JSON Lines file across restarts.
import { describe, test, expect, beforeEach, afterEach } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startServer } from '../examples/server/server.mjs'

const DAY = 24 * 60 * 60

let dataDir, server
beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'waymark-identity-'))
  server = await startServer({ port: 0, dataDir })
})
afterEach(async () => {
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

const restart = async (opts = {}) => {
  await server.close()
  server = await startServer({ port: 0, dataDir, ...opts })
}
/** The `name=value` part of the response's Set-Cookie. */
const cookieOf = (res) => res.headers.get('set-cookie')?.split(';')[0]
const identity = async (cookie, headers = {}) => {
  const res = await fetch(server.url + '/identity', { headers: { ...(cookie ? { cookie } : {}), ...headers } })
  return { res, body: await res.json() }
}
const collect = (cookie, events) => fetch(server.url + '/collect', {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
  body: JSON.stringify({ events, sentAt: Date.now() }),
})
let seq = 0
const ev = (over = {}) => ({
  id: `e${++seq}`, type: 'track', name: 'x', props: {}, at: 1_700_000_000_000 + seq,
  anonymousId: 'anon-1', userId: null, sessionId: 's-1', stage: null, ...over,
})
/** A visitor the server has just met: its cookie, as a request header. */
const newVisitor = async () => cookieOf(await fetch(server.url + '/identity'))

describe('visitor cookie', () => {
  test('is first-party, HttpOnly, SameSite=Lax, Path=/, 400 days, 16 random bytes, not Secure over http', async () => {
    const res = await fetch(server.url + '/identity')
    const parts = res.headers.get('set-cookie').split(';').map((p) => p.trim())
    expect(parts[0]).toMatch(/^waymark_vid=[A-Za-z0-9_-]{22}$/)
    expect(parts.slice(1).sort()).toEqual(['HttpOnly', `Max-Age=${400 * DAY}`, 'Path=/', 'SameSite=Lax'])
    expect(Buffer.from(parts[0].split('=')[1], 'base64url')).toHaveLength(16)
  })

  test('is Secure when the request came over https through a proxy (X-Forwarded-Proto)', async () => {
    const { res } = await identity(null, { 'x-forwarded-proto': 'https' })
    expect(res.headers.get('set-cookie')).toMatch(/; Secure(;|$)/)
  })

  test('is kept (and its Max-Age refreshed) when valid, replaced when malformed', async () => {
    const cookie = await newVisitor()
    expect(cookieOf((await identity(cookie)).res)).toBe(cookie)
    const collected = await collect(cookie, [])
    expect(cookieOf(collected)).toBe(cookie)
    expect(collected.headers.get('set-cookie')).toContain(`Max-Age=${400 * DAY}`)
    const replaced = cookieOf((await identity('waymark_vid=not-a-valid-id; other=1')).res)
    expect(replaced).toMatch(/^waymark_vid=[A-Za-z0-9_-]{22}$/)
  })

  test('is set by POST /collect for a visitor without one', async () => {
    const res = await collect(null, [ev()])
    expect(res.status).toBe(204)
    expect(cookieOf(res)).toMatch(/^waymark_vid=[A-Za-z0-9_-]{22}$/)
  })

  test('two requests without a cookie get two different visitors', async () => {
    expect(await newVisitor()).not.toBe(await newVisitor())
  })
})

describe('GET /identity', () => {
  test('answers null, uncached JSON, and a cookie to an unknown visitor', async () => {
    const { res, body } = await identity()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(res.headers.get('cache-control')).toBe('no-store')
    expect(body).toBeNull()
    expect(cookieOf(res)).toMatch(/^waymark_vid=/)
  })

  test('gives back the anonymous id, user id, stored traits only, visits and first seen learned from /collect', async () => {
    const cookie = await newVisitor()
    const events = [
      ev({ type: 'session', name: 'session_start', at: 1000 }),
      ev({ type: 'identify', name: 'identify', userId: 'u-42', at: 1200, props: { firstName: 'Анна', email: 'a@example.com' } }),
    ]
    expect((await collect(cookie, events)).status).toBe(204)
    const { body } = await identity(cookie)
    expect(body).toEqual({ anonymousId: 'anon-1', userId: 'u-42', traits: { firstName: 'Анна' }, visits: 1, firstSeen: 1000 })
    // The email never reaches the disk either.
    await server.close()
    expect(readFileSync(join(dataDir, 'identity.jsonl'), 'utf8')).not.toContain('example.com')
  })

  test('keeps name, locale and the last non-null user id; drops values that are not short strings, numbers or booleans', async () => {
    const cookie = await newVisitor()
    await collect(cookie, [
      ev({ type: 'identify', userId: 'u-1', props: { name: 'Anna K', locale: 'ru', firstName: { nested: true } } }),
      ev({ type: 'identify', userId: null, props: { firstName: 'x'.repeat(201) } }),
      ev({ type: 'track', props: { firstName: 'not from identify' } }),
    ])
    expect((await identity(cookie)).body).toMatchObject({ userId: 'u-1', traits: { name: 'Anna K', locale: 'ru' } })
    expect((await identity(cookie)).body.traits).not.toHaveProperty('firstName')
  })

  test('answers the most recently seen anonymous id when the visitor had several', async () => {
    const cookie = await newVisitor()
    await collect(cookie, [ev({ anonymousId: 'anon-old' })])
    await collect(cookie, [ev({ anonymousId: 'anon-new' })])
    expect((await identity(cookie)).body.anonymousId).toBe('anon-new')
    await collect(cookie, [ev({ anonymousId: 'anon-old' })])
    expect((await identity(cookie)).body.anonymousId).toBe('anon-old')
  })

  test('counts distinct sessions as visits, and first seen is the earliest event time', async () => {
    const cookie = await newVisitor()
    await collect(cookie, [ev({ sessionId: 's-a', at: 5000 }), ev({ sessionId: 's-a', at: 6000 })])
    await collect(cookie, [ev({ sessionId: 's-b', at: 3000 }), ev({ sessionId: 's-c', at: 9000 })])
    const { body } = await identity(cookie)
    expect(body.visits).toBe(3)
    expect(body.firstSeen).toBe(3000)
  })

  test('ignores events that are not objects or have no string anonymous id', async () => {
    const cookie = await newVisitor()
    expect((await collect(cookie, [null, 'x', { id: 'bare' }, ev({ anonymousId: 42 })])).status).toBe(204)
    expect((await identity(cookie)).body).toBeNull()
  })

  test('tells one visitor nothing of another', async () => {
    const anna = await newVisitor()
    await collect(anna, [ev({ type: 'identify', userId: 'u-anna', props: { firstName: 'Анна' } })])
    const other = await newVisitor()
    expect((await identity(other)).body).toBeNull()
    expect((await identity()).body).toBeNull()
  })

  test('only answers GET (POST is 405)', async () => {
    const res = await fetch(server.url + '/identity', { method: 'POST', body: '{}' })
    expect(res.status).toBe(405)
    expect(res.headers.get('allow')).toBe('GET')
  })

  test('takes the traits to keep from the storeTraits option', async () => {
    await restart({ storeTraits: ['tier'] })
    const cookie = await newVisitor()
    await collect(cookie, [ev({ type: 'identify', props: { tier: 'gold', firstName: 'Анна' } })])
    expect((await identity(cookie)).body.traits).toEqual({ tier: 'gold' })
  })
})

describe('a logout on a shared device', () => {
  test('forgets the user: after reset()\'s marked session_start only the new anonymous id is known, also after a restart', async () => {
    const cookie = await newVisitor()
    await collect(cookie, [
      ev({ type: 'identify', name: 'identify', userId: 'u-42', props: { firstName: 'Анна' } }),
      // reset(): a new anonymous id, a session_start that says so, then the next person's events
      ev({ type: 'session', name: 'session_start', anonymousId: 'anon-2', sessionId: 's-2', props: { reset: true } }),
      ev({ anonymousId: 'anon-2', sessionId: 's-2' }),
    ])
    expect((await identity(cookie)).body).toEqual({ anonymousId: 'anon-2', visits: 1, firstSeen: expect.any(Number) })
    await restart()
    const { body } = await identity(cookie)
    expect(body).toEqual({ anonymousId: 'anon-2', visits: 1, firstSeen: expect.any(Number) })
    expect(readFileSync(join(dataDir, 'identity.jsonl'), 'utf8')).not.toContain('Анна')
  })
})

describe('identity.jsonl', () => {
  const file = () => join(dataDir, 'identity.jsonl')
  const lines = () => readFileSync(file(), 'utf8').split('\n').filter(Boolean)

  test('everything survives close() and a new server on the same data directory', async () => {
    const cookie = await newVisitor()
    await collect(cookie, [ev({ type: 'session', name: 'session_start', at: 1000, sessionId: 's-1' })])
    await collect(cookie, [
      ev({ anonymousId: 'anon-2', sessionId: 's-2', at: 2000 }),
      ev({ type: 'identify', anonymousId: 'anon-2', sessionId: 's-2', userId: 'u-7', props: { firstName: 'Анна' } }),
    ])
    const before = (await identity(cookie)).body
    expect(before).toMatchObject({ anonymousId: 'anon-2', userId: 'u-7', visits: 2, firstSeen: 1000 })
    await restart()
    expect((await identity(cookie)).body).toEqual(before)
  })

  test('a torn last line (a crash mid-append) is skipped and the rest loads', async () => {
    const cookie = await newVisitor()
    await collect(cookie, [ev({ type: 'identify', userId: 'u-1', props: { firstName: 'Анна' } })])
    await server.close()
    appendFileSync(file(), '{"v":"' + cookie.split('=')[1] + '","a":["anon-torn"],"u":"u-')
    await restart()
    expect((await identity(cookie)).body).toMatchObject({ anonymousId: 'anon-1', userId: 'u-1', traits: { firstName: 'Анна' } })
    // What is learned next lands on a line of its own, not glued to the torn one.
    await collect(cookie, [ev({ anonymousId: 'anon-3' })])
    await restart()
    expect((await identity(cookie)).body.anonymousId).toBe('anon-3')
  })

  test('is compacted at start to one line per visitor', async () => {
    const a = await newVisitor()
    const b = await newVisitor()
    for (let i = 0; i < 3; i++) {
      await collect(a, [ev({ anonymousId: `a-${i}`, sessionId: `sa-${i}` })])
      await collect(b, [ev({ anonymousId: `b-${i}`, sessionId: `sb-${i}` })])
    }
    await server.close()
    expect(lines().length).toBe(6)
    writeFileSync(file(), readFileSync(file(), 'utf8') + 'garbage\n')
    await restart()
    expect(lines().map((l) => JSON.parse(l).v).sort()).toEqual([a, b].map((c) => c.split('=')[1]).sort())
    expect((await identity(a)).body).toMatchObject({ anonymousId: 'a-2', visits: 3 })
    expect((await identity(b)).body).toMatchObject({ anonymousId: 'b-2', visits: 3 })
  })

  test('keeps at most 50 anonymous ids per visitor, the most recent ones', async () => {
    const cookie = await newVisitor()
    await collect(cookie, Array.from({ length: 60 }, (_, i) => ev({ anonymousId: `anon-${i}` })))
    await restart()
    const line = JSON.parse(lines()[0])
    expect(line.a).toHaveLength(50)
    expect(line.a[0]).toBe('anon-10')
    expect((await identity(cookie)).body.anonymousId).toBe('anon-59')
  })
})

describe('POST /collect is unchanged', () => {
  test('answers 204 and stores each event once, deduplicated by id', async () => {
    const cookie = await newVisitor()
    expect((await collect(cookie, [ev({ id: 'd1' }), ev({ id: 'd2' })])).status).toBe(204)
    expect((await collect(cookie, [ev({ id: 'd2' }), ev({ id: 'd3' }), ev({ id: 'd3' })])).status).toBe(204)
    expect((await fetch(server.url + '/collect', { method: 'POST', body: 'not json' })).status).toBe(400)
    expect((await fetch(server.url + '/collect')).status).toBe(405)
    const stored = readFileSync(join(dataDir, 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)
    expect(stored).toEqual(['d1', 'd2', 'd3'])
    const { stats } = await (await fetch(server.url + '/__collect')).json()
    expect(stats).toEqual({ requests: 3, failed: 0, events: 5, duplicates: 2, stored: 3 })
  })
})
