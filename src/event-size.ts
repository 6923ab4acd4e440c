/**
 * How big an event is on the wire. Kept apart from the delivery queue, a part loaded on
 * demand, because every `track()` checks its props against it before anything is queued.
 */

/** The largest props (or traits) of one event, as JSON: with the rest of the event, it fits in a 64 KB page-hide request. */
export const MAX_PROPS_BYTES = 32 << 10

/**
 * Bytes of a string in UTF-8, as it goes over the wire. Counted, not encoded: this runs on
 * every tracked event, and TextEncoder's allocation costs several times the whole count.
 */
export function utf8Bytes(s: string): number {
  let n = s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    // 2 bytes up to U+07FF, 3 above, 4 for a surrogate pair (2 code units, 2 extra bytes).
    if (c > 0x7f) n += c < 0x800 || (c >= 0xd800 && c < 0xe000) ? 1 : 2
  }
  return n
}
