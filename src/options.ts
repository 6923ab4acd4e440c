import { WaymarkOptionError } from './errors'
import { has, isArr, isObj } from './is'
import { STATUSES } from './order-statuses'
import { REDACT } from './redact'
import type { ConsentState, OrderStatus, WaymarkOptions } from './types'

// Options without a default.
type Unset = 'playbook' | 'collect' | 'orders' | 'publicKey' | 'identity' | 'orderStatuses'
/** Options after defaults are applied. */
export type ResolvedOptions = Required<Omit<WaymarkOptions, Unset | 'locale'>> & Pick<WaymarkOptions, Unset> & { locale: string }

/** The consent states, for checking input. */
export const CONSENT: ConsentState[] = ['granted', 'pending', 'denied']

/**
 * Every option, with one short code per accepted type (this keeps the checker small, and
 * the script tag reads its `data-*` attributes by it): s string, f function, o plain object,
 * n positive number, b boolean, a string array, c consent state, m a map of order statuses.
 */
export const KINDS: Record<keyof WaymarkOptions, string> = {
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
  identity: 'sf',
  redact: 'a',
  sessionMinutes: 'n',
  orderStatuses: 'm',
  preview: 'b',
}

// Per type code: what the option must be (for the error), and the test.
const TYPES: Record<string, [string, (v: unknown) => boolean]> = {
  s: ['a non-empty string', (v) => typeof v === 'string' && v !== ''],
  f: ['a function', (v) => typeof v === 'function'],
  o: ['a playbook object', isObj],
  n: ['a positive number', (v) => typeof v === 'number' && v > 0 && v < Infinity],
  b: ['a boolean', (v) => typeof v === 'boolean'],
  a: ['an array of strings', (v) => isArr(v) && v.every((x) => typeof x === 'string')],
  c: ['"granted", "pending" or "denied"', (v) => CONSENT.includes(v as ConsentState)],
  m: [
    `an object mapping status names to ${STATUSES.join(', ')}`,
    (v) => isObj(v) && Object.values(v).every((s) => STATUSES.includes(s as OrderStatus)),
  ],
}

// A tag that is not well formed (`en_US`) or whose language is not a 2–3 letter code
// (`english`) is a typo. Not Intl.DisplayNames, which could name it but loads display names
// first: about 15 ms at start. Where Intl is missing, any tag passes.
const unknownLocale = (tag: string): boolean => {
  try {
    return !/^[a-z]{2,3}(-|$)/i.test(Intl.getCanonicalLocales(tag)[0])
  } catch (e) {
    return e instanceof RangeError
  }
}

/**
 * Checks option types and applies defaults. Throws {@link WaymarkOptionError} naming the
 * first option of the wrong type; an unknown option only warns, so a page written for a
 * newer Waymark keeps working on an older one.
 */
export function resolveOptions(options: unknown): ResolvedOptions {
  if (options === undefined) options = {}
  if (!isObj(options)) throw new WaymarkOptionError('options', 'an object', options)
  const o = options as Record<string, unknown>
  for (const key in o) {
    const kinds = has(KINDS, key) ? KINDS[key as keyof WaymarkOptions] : undefined
    if (!kinds) console.warn(`waymark: unknown option "${key}" ignored`)
    else if (o[key] !== undefined && ![...kinds].some((k) => TYPES[k][1](o[key])))
      throw new WaymarkOptionError(key, [...kinds].map((k) => TYPES[k][0]).join(' or '), o[key])
  }
  const nav = typeof navigator === 'object' ? navigator : undefined
  let locale = o.locale as string
  if (locale && unknownLocale(locale)) console.warn(`waymark: unknown locale ${JSON.stringify(locale)}; using "en"`), (locale = 'en')
  return {
    refreshSeconds: 300,
    consent: 'granted',
    storeTraits: ['firstName', 'name', 'locale'],
    redact: REDACT,
    sessionMinutes: 30,
    namespace: 'waymark',
    autoPage: true,
    debug: false,
    preview: false,
    ...(Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== undefined && has(KINDS, k))) as WaymarkOptions),
    locale: locale || (nav && nav.language) || 'en',
  }
}
