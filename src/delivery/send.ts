/**
 * One delivery attempt: a batch to the collector (a URL, POSTed as JSON, or a function), and
 * what came of it. Deciding what to do next is the caller's business.
 */
import { withTimeout } from '../timeout'
import type { WaymarkEvent } from '../types'

/** Where events go: an endpoint, or a function that forwards them (Segment, GA4, …). */
export type Collector = string | ((events: WaymarkEvent[], batch: { sentAt: number }) => Promise<void>)

/** An attempt's outcome: delivered, or why not, whether trying again may help, and when. */
export type Outcome = { ok: true } | { ok: false; retry: boolean; why: string; status?: number; after?: number }

/** A request (or a collector function) that takes longer is abandoned and retried. */
export const SEND_TIMEOUT_MS = 10_000
/** Browsers allow this much in keepalive requests of a page at once: page-hide chunks fit in it. */
export const KEEPALIVE_BYTES = 64 << 10
/** Longest Retry-After honoured: a wrong header must not silence delivery for days. */
export const MAX_RETRY_AFTER_MS = 3600_000

/** Retry-After in ms, from seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(header: string | null, now: number): number | undefined {
  const h = header && header.trim()
  const ms = !h ? NaN : /^\d+$/.test(h) ? +h * 1000 : Date.parse(h) - now
  return ms >= 0 ? Math.min(ms, MAX_RETRY_AFTER_MS) : undefined
}

/**
 * Sends entries (their stored JSON texts) as `{ events, sentAt }`. `sentAt` lets a collector
 * correct the device's clock: the skew is `receivedAt - sentAt`, the same for every `at`.
 * 408, 429, 5xx, network errors, timeouts and a rejecting function are worth retrying;
 * other 4xx are not. `keepalive: 'hide'`: the page is going away, and where fetch has no
 * keepalive (Firefox before 133) a beacon carries the batch instead (handed over, no answer).
 */
export async function send(collector: Collector, entries: Array<{ text: string }>, keepalive?: boolean | 'hide'): Promise<Outcome> {
  const sentAt = Date.now()
  const body = `{"events":[${entries.map((e) => e.text).join(',')}],"sentAt":${sentAt}}`
  const type = 'application/json'
  if (keepalive == 'hide' && typeof collector == 'string' && !(globalThis.Request && 'keepalive' in Request.prototype) && navigator.sendBeacon)
    return navigator.sendBeacon(collector, new Blob([body], { type })) ? { ok: true } : { ok: false, retry: true, why: 'beacon refused' }
  try {
    const res = await withTimeout<Response | void>(SEND_TIMEOUT_MS, (signal) =>
      typeof collector == 'function'
        ? collector(entries.map((e) => JSON.parse(e.text)), { sentAt })
        : fetch(collector, { method: 'POST', headers: { 'Content-Type': type }, body, keepalive: !!keepalive, signal }),
    )
    if (!res || res.ok) return { ok: true }
    const status = res.status
    return {
      ok: false, status, why: `HTTP ${status}`,
      retry: status == 408 || status == 429 || status >= 500,
      after: retryAfter(res.headers.get('Retry-After'), Date.now()),
    }
  } catch (e) {
    return { ok: false, retry: true, why: String((e as Error).message || e) }
  }
}

/** Splits entries into chunks whose request bodies stay within `limit` bytes. */
export function chunks<T extends { bytes: number }>(entries: T[], limit = KEEPALIVE_BYTES): T[][] {
  const out: T[][] = []
  let size = limit
  for (const e of entries) {
    // 40 bytes of envelope per request ({"events":[…],"sentAt":…}) and a comma per event.
    if (size + e.bytes + 1 > limit) out.push([]), (size = 40)
    out[out.length - 1].push(e)
    size += e.bytes + 1
  }
  return out
}
