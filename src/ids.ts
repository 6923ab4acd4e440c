// Random bytes are fetched 4 KB at a time: in Chromium each call into the browser's random
// source (crypto.randomUUID included) costs microseconds, which was a third of track().
const POOL = 4096
let pool = new Uint8Array(0)
let used = POOL
let hex: string[] | undefined

/**
 * A random RFC 4122 version-4 id, from `crypto.getRandomValues` (a CSPRNG, available on
 * plain-http pages too, where `crypto.randomUUID` is not).
 */
export function uuid(): string {
  if (used == POOL) (pool = crypto.getRandomValues(new Uint8Array(POOL))), (used = 0)
  hex ||= Array.from({ length: 256 }, (_, i) => (i + 256).toString(16).slice(1))
  const b = pool.subarray(used, (used += 16))
  b[6] = (b[6] & 0x0f) | 0x40 // version 4
  b[8] = (b[8] & 0x3f) | 0x80 // variant 10
  let s = ''
  for (let i = 0; i < 16; i++) s += (i == 4 || i == 6 || i == 8 || i == 10 ? '-' : '') + hex[b[i]]
  return s
}
