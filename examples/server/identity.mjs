// The identity endpoint's memory: what the server knows about each visitor cookie, so a device
// whose storage the browser wiped (Safari deletes script-written storage after 7 days without a
// visit) gets its anonymous id, user id and a few traits back from GET /identity.
//
// Why a JSON Lines file rather than an embedded database package: it needs no dependency and no
// native build (better-sqlite3 needs an install script, which npm 11 skips unless approved, and
// Node 20 has no node:sqlite); an append of one line is crash-safe at line granularity (a torn
// last line is skipped on replay); and the example's events already live in a JSONL file next to
// it. Each learned change is appended as one line; at start the file is replayed, then compacted
// (one line per visitor, written to a temp file and renamed over the old one). Compacting at
// start also removes a torn last line before anything is appended after it.
//
// Bounds, per visitor: the 50 most recently seen anonymous ids, the 1,000 most recent session ids
// (`visits` keeps counting past that; a session older than the last 1,000 seen again would count
// twice), only the traits named in `storeTraits`, and strings of at most 200 characters. The
// number of visitors is not bounded: like events.jsonl, this is a demo store.
import { randomBytes } from 'node:crypto'
import { readFile, appendFile, mkdir, open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'

export const COOKIE = 'waymark_vid'
const COOKIE_RE = /^[A-Za-z0-9_-]{22}$/ // 16 random bytes, base64url
const MAX_AGE = 400 * 24 * 60 * 60 // 400 days: the most Chrome keeps a cookie; Safari does not cap server-set ones
const MAX_ANON = 50
const MAX_SESSIONS = 1000
const MAX_STRING = 200

const isId = (v) => typeof v === 'string' && v.length > 0 && v.length <= MAX_STRING
const isTraitValue = (v) => (typeof v === 'string' && v.length <= MAX_STRING) ||
  (typeof v === 'number' && Number.isFinite(v)) || typeof v === 'boolean'

/**
 * Reads the visitor cookie from the request, or makes a new one when it is missing or malformed,
 * and sets it on the response (a fresh Max-Age each time, so 400 days count from the last visit).
 * HttpOnly because no script needs it: that is what keeps Safari from capping it.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res headers not yet sent
 * @returns {string} the visitor id
 */
export function visitorCookie(req, res) {
  let id = null
  for (const part of String(req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=')
    if (eq !== -1 && part.slice(0, eq).trim() === COOKIE) { id = part.slice(eq + 1).trim(); break }
  }
  if (!id || !COOKIE_RE.test(id)) id = randomBytes(16).toString('base64url')
  const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0].trim().toLowerCase()
  const secure = req.socket.encrypted || proto === 'https'
  res.setHeader('Set-Cookie', `${COOKIE}=${id}; Path=/; Max-Age=${MAX_AGE}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`)
  return id
}

/**
 * Opens (replays and compacts) the identity store.
 * @param {{ file: string, storeTraits?: string[] }} opts
 *   file: the JSON Lines file (created on the first change);
 *   storeTraits: trait names learned from `identify` events (default: the SDK's own default).
 * @returns {Promise<{
 *   learn: (visitorId: string, events: unknown[]) => void,
 *   answer: (visitorId: string) => ({ anonymousId: string, userId?: string, traits?: object, visits?: number, firstSeen?: number } | null),
 *   close: () => Promise<void>,
 * }>}
 */
export async function createIdentityStore({ file, storeTraits = ['firstName', 'name', 'locale'] }) {
  const traitNames = new Set(storeTraits)
  /** @type {Map<string, { anon: string[], userId: string | null, traits: Record<string, unknown>, sessions: Set<string>, visits: number, firstSeen: number | null }>} */
  const visitors = new Map()
  let chain = Promise.resolve() // one promise chain: appended lines never interleave
  let closed = false

  // Applies one change (from an event batch, or a line of the file) to a visitor. Learning and
  // replay share it, so the file rebuilds exactly what was in memory; it checks every field, since
  // a line on disk may be damaged, and drops traits no longer named in storeTraits.
  // A change: { v: visitor id, x?: 1 (a logout: forget everything first), a?: anonymous ids
  //             (oldest first), u?: user id, t?: traits, s?: session ids, n?: visits beyond
  //             those session ids, f?: first event time }
  const blank = () => ({ anon: [], userId: null, traits: Object.create(null), sessions: new Set(), visits: 0, firstSeen: null })
  function apply(c) {
    if (!c || typeof c !== 'object' || !COOKIE_RE.test(c.v)) return false
    let v = visitors.get(c.v)
    // After a logout (the SDK's reset()) on a shared device, the next person is a stranger: the
    // server must not hand the last one's name back when that device's storage is wiped.
    if (v && c.x === 1) { visitors.delete(c.v); v = undefined }
    const fresh = !v
    if (!v) v = blank()
    let changed = c.x === 1
    for (const a of Array.isArray(c.a) ? c.a.filter(isId) : []) {
      if (v.anon[v.anon.length - 1] === a) continue
      const i = v.anon.indexOf(a)
      if (i !== -1) v.anon.splice(i, 1)
      v.anon.push(a) // the last one is the most recently seen
      if (v.anon.length > MAX_ANON) v.anon.shift()
      changed = true
    }
    if (isId(c.u) && c.u !== v.userId) { v.userId = c.u; changed = true }
    for (const [k, val] of c.t && typeof c.t === 'object' ? Object.entries(c.t) : []) {
      if (traitNames.has(k) && isTraitValue(val) && v.traits[k] !== val) { v.traits[k] = val; changed = true }
    }
    if (Number.isInteger(c.n) && c.n > 0) { v.visits += c.n; changed = true }
    for (const s of Array.isArray(c.s) ? c.s.filter(isId) : []) {
      if (v.sessions.has(s)) continue
      v.sessions.add(s)
      v.visits++
      if (v.sessions.size > MAX_SESSIONS) v.sessions.delete(v.sessions.values().next().value)
      changed = true
    }
    if (Number.isFinite(c.f) && (v.firstSeen === null || c.f < v.firstSeen)) { v.firstSeen = c.f; changed = true }
    // A visitor exists once it has an anonymous id: that is what the answer hands back.
    if (fresh && changed && v.anon.length) visitors.set(c.v, v)
    return changed && v.anon.length > 0
  }

  // The line that rebuilds a visitor from nothing (compaction).
  const snapshot = (id, v) => ({
    v: id, a: v.anon, ...(v.userId ? { u: v.userId } : {}), t: v.traits,
    s: [...v.sessions], n: v.visits - v.sessions.size, ...(v.firstSeen === null ? {} : { f: v.firstSeen }),
  })

  // Replay. A line that does not parse (a crash mid-append) is skipped, the rest still loads.
  let text = null
  try { text = await readFile(file, 'utf8') } catch (err) { if (err.code !== 'ENOENT') throw err }
  if (text !== null) {
    for (const line of text.split('\n')) {
      if (!line.trim()) continue
      try { apply(JSON.parse(line)) } catch { /* torn or corrupt line */ }
    }
    // Compact: temp file, flushed to disk, then renamed, so a crash leaves the old file or the new.
    const tmp = `${file}.${process.pid}.tmp`
    const fh = await open(tmp, 'w')
    try {
      await fh.writeFile([...visitors].map(([id, v]) => JSON.stringify(snapshot(id, v)) + '\n').join(''))
      await fh.sync()
    } finally { await fh.close() }
    await rename(tmp, file)
  }

  return {
    learn(visitorId, events) {
      if (closed || !COOKIE_RE.test(visitorId) || !Array.isArray(events)) return
      const change = (x) => ({ v: visitorId, ...(x ? { x } : {}), a: [], t: Object.create(null), s: [] })
      const changes = [change()]
      let c = changes[0]
      for (const ev of events) {
        if (!ev || typeof ev !== 'object' || !isId(ev.anonymousId)) continue
        // A logout starts the visitor over, from this event on.
        if (ev.name === 'session_start' && ev.props && ev.props.reset === true) changes.push((c = change(1)))
        c.a.push(ev.anonymousId)
        if (isId(ev.userId)) c.u = ev.userId
        if (isId(ev.sessionId)) c.s.push(ev.sessionId)
        if (Number.isFinite(ev.at) && !(c.f <= ev.at)) c.f = ev.at
        // Only identify events carry traits; anything not named in storeTraits (an email) is dropped here.
        if (ev.type === 'identify' && ev.props && typeof ev.props === 'object') {
          for (const [k, val] of Object.entries(ev.props)) if (traitNames.has(k) && isTraitValue(val)) c.t[k] = val
        }
      }
      const lines = changes.filter((c) => (c.a.length || c.x) && apply(c)).map((c) => JSON.stringify(c) + '\n').join('')
      if (!lines) return
      chain = chain
        .then(async () => { await mkdir(dirname(file), { recursive: true }); await appendFile(file, lines) })
        .catch((err) => console.error('identity store: append failed', err))
    },
    answer(visitorId) {
      const v = visitors.get(visitorId)
      if (!v) return null
      return {
        anonymousId: v.anon[v.anon.length - 1],
        ...(v.userId ? { userId: v.userId } : {}),
        ...(Object.keys(v.traits).length ? { traits: { ...v.traits } } : {}),
        ...(v.visits ? { visits: v.visits } : {}),
        ...(v.firstSeen === null ? {} : { firstSeen: v.firstSeen }),
      }
    },
    /** Stops learning and waits for pending appends. */
    async close() {
      closed = true
      await chain
    },
  }
}
