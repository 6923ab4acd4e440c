import { WaymarkOptionError } from './errors'
import { has, isObj } from './is'
import type { ConsentState, WaymarkOptions } from './types'

/** Options after defaults are applied. */
export type ResolvedOptions = Required<Omit<WaymarkOptions, 'playbook' | 'collect' | 'orders' | 'publicKey' | 'locale'>> &
  Pick<WaymarkOptions, 'playbook' | 'collect' | 'orders' | 'publicKey'> & { locale: string }

/** The consent states, for checking input. */
export const CONSENT: ConsentState[] = ['granted', 'pending', 'denied']

// One short code per option keeps the checker small: s string, f function, o plain
// object, n positive number, b boolean, a string array, c consent state.
const KINDS: Record<keyof WaymarkOptions, string> = {
  playbook: 'sfo',
  refreshSeconds: 'n',
  collect: 'sf',
  orders: 'sf',
  locale: 's',
  consent: 'c',
  storeTraits: 'a',
  publicKey: 's',
  namespace: 's',
  autoPage: 'b',
  debug: 'b',
}

const EXPECTED: Record<string, string> = {
  s: 'a non-empty string',
  f: 'a function',
  o: 'a playbook object',
  n: 'a positive number',
  b: 'a boolean',
  a: 'an array of strings',
  c: '"granted", "pending" or "denied"',
}

const fits = (kind: string, v: unknown): boolean =>
  kind === 's' ? typeof v === 'string' && v !== ''
  : kind === 'f' ? typeof v === 'function'
  : kind === 'o' ? isObj(v)
  : kind === 'n' ? typeof v === 'number' && v > 0 && v < Infinity
  : kind === 'b' ? typeof v === 'boolean'
  : kind === 'a' ? Array.isArray(v) && v.every((x) => typeof x === 'string')
  : CONSENT.includes(v as ConsentState)

/**
 * Checks option types and applies defaults. Throws {@link WaymarkOptionError} naming the
 * first option of the wrong type; an unknown option only warns, so a page written for a
 * newer Waymark keeps working on an older one.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) options = {}
  if (!fits('o', options)) throw new WaymarkOptionError('options', 'an object', options)
  const o = options as Record<string, unknown>
  for (const key in o) {
    const kinds = has(KINDS, key) ? KINDS[key as keyof WaymarkOptions] : undefined
    if (!kinds) console.warn(`waymark: unknown option "${key}" ignored`)
    else if (o[key] !== undefined && ![...kinds].some((k) => fits(k, o[key])))
      throw new WaymarkOptionError(key, [...kinds].map((k) => EXPECTED[k]).join(' or '), o[key])
  }
  const nav = typeof navigator === 'object' ? navigator : undefined
  return {
    refreshSeconds: 300,
    consent: 'granted',
    storeTraits: ['firstName', 'name', 'locale'],
    namespace: 'waymark',
    autoPage: true,
    debug: false,
    ...(Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && has(KINDS, k))) as WaymarkOptions),
    locale: (o.locale as string) || (nav && nav.language) || 'en',
  }
}
