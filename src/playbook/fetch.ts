/**
 * Gets the playbook's text from its source: a URL (with conditional requests) or a function
 * (any backend's SDK). Every failure is an Error whose message says what went wrong, for the
 * `on('error')` report; nothing here decides what to do about it.
 */
import { withTimeout } from '../timeout'
import type { Playbook, SignedPlaybook } from '../types'

/** A source that can be synced: a URL, or a function returning a playbook or envelope. */
export type Source = string | (() => Promise<Playbook | SignedPlaybook | string>)

/** A request (or a function call) that takes longer is abandoned. */
export const TIMEOUT_MS = 5000
/** The largest playbook accepted, in bytes: a bigger body is a mistake or an attack. */
export const MAX_BYTES = 1 << 20

/** The cached copy of a synced playbook, as stored and as passed between tabs. */
export interface CacheRecord {
  /** The source it came from (the resolved URL, or `function`). */
  src: string
  /** The document exactly as received, a playbook or a signed envelope. */
  text: string
  etag?: string | null
  modified?: string | null
  /** When any tab last confirmed it is current (a 200 or a 304). */
  at: number
  /** The newest version applied so far: no older copy is applied, even once this one expires. */
  floor?: string
  /**
   * Says that this build's validator passed `text` already (`validMark`): a start applies such
   * a copy without validating it again. Anything else is validated as any new copy is.
   */
  mark?: string
}

/** What a fetch brought: a new text and its validators, or `null` for 304 Not Modified. */
export type Fetched = Pick<CacheRecord, 'text' | 'etag' | 'modified'> | null

/** Throws an Error saying why: a statement, or a value where one is expected. */
export const raise = (message: string): never => {
  throw new Error(message)
}

// Reads a body up to MAX_BYTES, stopping the download as soon as it goes over.
async function readCapped(res: Response): Promise<string> {
  const reader = res.body && res.body.getReader()
  const decoder = new TextDecoder()
  let text = ''
  for (let size = 0; reader; ) {
    const { done, value } = await reader.read()
    if (done) break
    if ((size += value.length) > MAX_BYTES) {
      void reader.cancel()
      raise(`larger than ${MAX_BYTES >> 20} MB`)
    }
    text += decoder.decode(value, { stream: true })
  }
  return text + decoder.decode()
}

/**
 * Fetches the source. Same-origin URLs get `If-None-Match` (or `If-Modified-Since`) from the
 * cached copy, so an unchanged playbook costs a 304 and no parse. Cross-origin URLs leave
 * revalidation to the browser's HTTP cache instead: custom headers would force a CORS
 * preflight, and a CDN that allows only simple GETs would then refuse every request.
 */
export async function fetchPlaybook(source: Source, src: string, cached: CacheRecord | undefined): Promise<Fetched> {
  return withTimeout(TIMEOUT_MS, async (signal) => {
    if (typeof source == 'function') {
      const doc = await source()
      const text = typeof doc == 'string' ? doc : JSON.stringify(doc)
      if (typeof text != 'string') raise(`the playbook function returned ${doc}`)
      return { text: text.length > MAX_BYTES ? raise(`larger than ${MAX_BYTES >> 20} MB`) : text }
    }
    const same = typeof location == 'object' && new URL(src).origin == location.origin
    const headers: Record<string, string> = {}
    if (same && cached) {
      if (cached.etag) headers['If-None-Match'] = cached.etag
      else if (cached.modified) headers['If-Modified-Since'] = cached.modified
    }
    const res = await fetch(src, { headers, cache: same ? 'no-store' : 'no-cache', signal })
    if (res.status == 304) return cached ? null : raise('HTTP 304 without a cached copy')
    if (!res.ok) raise(`HTTP ${res.status}`)
    const h = res.headers
    return { text: await readCapped(res), etag: h.get('ETag'), modified: h.get('Last-Modified') }
  })
}
