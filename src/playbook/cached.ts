/**
 * The stored playbook at start, decided without the sync's code (a part loaded on demand):
 * a copy this build's validator passed before (it carries the mark), unsigned or accepted
 * without a public key, not expired and not older than the version floor is put in force at
 * once, so `ready` waits for no part. Any other copy is left to the sync, which checks it
 * whole (validation, signature) and says why it refuses one.
 */
import { isObj } from '../is'
import type { Playbook, SignedPlaybook } from '../types'
import { parseDate } from './dates'
import type { CacheRecord } from './fetch'
import { VALIDATOR_VERSION } from './validator-version'

/**
 * The mark of a text this build's validator passed: the validator's version and a copy of the
 * text. A start compares the copy with the text, natively (a length check and a memory
 * compare, under 0.1 ms), so an edited text, or a record written without its mark, is told,
 * and a new validator version ignores every old mark. The copy doubles the stored record
 * (18 KB more for a playbook of 100 rules); the 32-bit hash it replaces cost 5–8 ms of a 4×
 * slowed start, a loop run cold over every character (FNV over 22-bit lanes, over four UTF-8
 * bytes at a time, or WebCrypto's digest, asynchronous, did no better). Neither stops a script
 * of the page's own origin, which can write any mark it likes and run any code anyway.
 */
export const validMark = (text: string): string => `${VALIDATOR_VERSION}:${text}`

/**
 * Revalidation on becoming visible waits at least this long after the last check (here, not
 * in the sync, because the core waits as long before loading the sync's code).
 */
export const VISIBLE_GAP_MS = 30_000

// Digit runs padded to one width (leading zeros dropped), so that text order is number order.
const key = (v: string): string => v.replace(/\d+/g, (n) => n.replace(/^0+/, '').padStart(40, '0'))

/**
 * Whether version `a` is older than `b` (false when either is missing or empty). Runs of
 * digits compare as numbers (up to 40 digits), anything else character by character (UTF-16
 * code units), and a version that is the start of another is older: 2026-11-23 <
 * 2026-11-23.9 < 2026-11-23.10, and 1.02 equals 1.2. Not localeCompare, whose order of case
 * and punctuation depends on each engine's collation data.
 */
export const older = (a?: string, b?: string): boolean => !!a && !!b && key(a) < key(b)

/** Whether a document is a signed envelope (a playbook has no `payload` key). */
export const isEnvelope = (doc: unknown): doc is SignedPlaybook => isObj(doc) && typeof doc.payload == 'string'

/**
 * Why a valid playbook may not be used at `now`, or nothing. A signed one must carry a
 * `version`, the floor that stops a replayed older copy; none may be past its `expires`,
 * which bounds how old a replayed copy can be (a first visit has no floor yet).
 */
export const unusable = (p: Playbook, signed: unknown, now = Date.now()): string | undefined =>
  signed && !p.version ? 'signed but without a version' : now > parseDate(p.expires, true) ? `expired at ${p.expires}` : undefined

/**
 * The cache key of a playbook source: a URL resolved against the page (one key for
 * "/p.json" on every page), `function`, or `inline`.
 */
export function sourceKey(source: unknown): string {
  if (typeof source == 'function') return 'function'
  if (typeof source != 'string') return 'inline'
  try {
    return new URL(source, location.href).href
  } catch {
    return source // no location (SSR), or not a URL: the fetch fails and says so, through on('error')
  }
}

/** Whether a stored value is a cache record of source key `src`. */
export const isRecord = (r: unknown, src: string): r is CacheRecord =>
  isObj(r) && r.src === src && typeof r.text == 'string' && typeof r.at == 'number'

/**
 * The stored copy's playbook, if it may be put in force now without the sync's code; else
 * undefined (no copy, another source's, no mark, a signature to check, expired, or older than
 * the floor), and the sync decides. Never throws.
 */
export function cachedPlaybook(stored: unknown, source: unknown, publicKey?: string): Playbook | undefined {
  if (publicKey || (typeof source != 'string' && typeof source != 'function')) return
  if (!isRecord(stored, sourceKey(source)) || stored.mark !== validMark(stored.text)) return
  try {
    let doc = JSON.parse(stored.text)
    const signed = isEnvelope(doc)
    if (signed) doc = JSON.parse(doc.payload)
    const p = doc as Playbook
    return unusable(p, signed) || older(p.version, stored.floor) ? undefined : p
  } catch {
    return undefined
  }
}
