/**
 * Identity restore: a device that holds no visitor (a first visit, or storage the browser
 * wiped: Safari deletes what scripts stored after 7 days without a visit) asks the site's
 * `identity` endpoint once per page load, in the background, and adopts the answer as if the
 * device had kept it. The site's server knows the visitor by a first-party cookie it set itself
 * (HttpOnly, which Safari does not cap); see examples/server/identity.mjs. A part loaded on
 * demand: only a device without a visitor, on a site with `identity`, asks. Adopting the answer
 * is `adoptIdentity`, in visitor.ts.
 */
import { isName } from './input'
import { describe, isObj } from './is'
import { withTimeout } from './timeout'
import type { Identity, Props } from './types'

/** A request that takes longer is abandoned (and reported). */
export const IDENTITY_TIMEOUT_MS = 5000

type Source = string | (() => Promise<Identity | null>)

/**
 * Asks `source` once: the answer, `null` when it knows nothing, or `undefined` after a failure
 * (reported through `fail`, not retried). A URL must be of the page's own origin: that is
 * where the visitor's first-party cookie lives.
 */
export async function askIdentity(source: Source, fail: (message: string) => void): Promise<Identity | null | undefined> {
  try {
    const answer = await withTimeout(IDENTITY_TIMEOUT_MS, async (signal) => {
      if (typeof source == 'function') return source()
      const url = new URL(source, location.href)
      if (url.origin != location.origin) throw new Error(`${url.origin} is not this page's origin`)
      const res = await fetch(url.href, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal })
      if (!res.ok) throw new Error(`HTTP ${res.status}`)
      return res.json()
    })
    return toIdentity(answer)
  } catch (e) {
    fail(`identity not restored: ${(e as Error).message}`)
  }
}

// Accepts an answer only in the documented shape; anything else is a failure, named.
function toIdentity(raw: unknown): Identity | null {
  if (raw === null) return null
  const bad = (what: string): never => {
    throw new Error(`the answer's ${what}`)
  }
  if (!isObj(raw)) return bad(`type is ${describe(raw)}, not an object or null`)
  const { anonymousId, userId, traits, visits, firstSeen } = raw
  if (!isName(anonymousId)) bad(`anonymousId is ${describe(anonymousId)}`)
  if (userId != null && !isName(userId)) bad(`userId is ${describe(userId)}`)
  if (traits != null && !isObj(traits)) bad(`traits are ${describe(traits)}`)
  if (visits != null && !(Number.isInteger(visits) && (visits as number) >= 0)) bad(`visits are ${describe(visits)}`)
  if (firstSeen != null && !(typeof firstSeen == 'number' && firstSeen > 0 && firstSeen <= Date.now())) bad(`firstSeen is ${describe(firstSeen)}`)
  // Only plain values: a trait is a name, a locale, a flag.
  const plain: Props = {}
  for (const [k, v] of Object.entries(traits || {}))
    if (k != '__proto__' && (typeof v == 'string' || typeof v == 'boolean' || (typeof v == 'number' && isFinite(v)))) plain[k] = v
  return {
    anonymousId: anonymousId as string,
    userId: (userId as string | undefined) ?? undefined,
    traits: plain,
    visits: visits as number | undefined,
    firstSeen: firstSeen as number | undefined,
  }
}
