import type { Greeting, OfferSpec, PartOfDay, Playbook } from './types'

/**
 * Built-in texts. A playbook's `texts` override any key per locale; `greeting.<partOfDay>`
 * keys (`greeting.morning`, …, each with a `.noname` twin) are only used when a playbook
 * defines them, so "Доброе утро, Анна!" is the product team's choice, not a default.
 */
const BUILT_IN: Record<string, Record<string, string>> = {
  en: { 'greeting.returning': 'Welcome back, {name}!', 'greeting.returning.noname': 'Welcome back!' },
  ru: { 'greeting.returning': 'С возвращением, {name}!', 'greeting.returning.noname': 'С возвращением!' },
}

/** Names longer than this are cut: a trait is page input, the greeting is one line. */
const MAX_NAME = 40

/** The language of a BCP 47 tag: `ru-RU` → `ru`. */
export const language = (locale: string): string => locale.toLowerCase().split(/[-_]/)[0]

/** The built-in language for a BCP 47 tag: `ru-RU` → `ru`; anything unknown → `en`. */
export const baseLocale = (locale: string): string => (BUILT_IN[language(locale)] ? language(locale) : 'en')

/**
 * Looks a text up: the playbook's texts for the exact tag, then for its language, then the
 * built-in texts for the language, then English.
 */
export function lookupText(key: string, locale: string, texts: Playbook['texts']): string | undefined {
  const lang = language(locale)
  for (const table of [texts?.[locale], texts?.[lang], BUILT_IN[lang], BUILT_IN.en])
    if (table && typeof table[key] === 'string') return table[key]
  return undefined
}

/**
 * Fills `{path}` and `{path|fallback}` placeholders from `lookup`. The result is plain text:
 * callers set it with `textContent`, never as markup. Only a string, a finite number or a
 * boolean is written; anything else (an object, whatever its `toString`), or a lookup that
 * throws (a getter, a revoked proxy), takes the fallback: a template never throws.
 */
export function fill(template: string, lookup: (path: string) => unknown): string {
  return template.replace(/\{([^{}|]+)(?:\|([^{}]*))?\}/g, (_, path: string, fallback = '') => {
    let v
    try {
      v = lookup(path.trim())
    } catch {
      return fallback
    }
    return v === '' || !(typeof v == 'string' || typeof v == 'boolean' || (typeof v == 'number' && isFinite(v))) ? fallback : String(v)
  })
}

/** A dot path read for a template: own data only, never what objects inherit (`constructor`). */
export const ownPath = (o: unknown, path: string): unknown => {
  for (const k of path.split('.')) o = o && typeof o == 'object' && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined
  return o
}

/**
 * A text for `key` with `{name}` placeholders filled from `params` (a missing one leaves its
 * fallback, or nothing), or undefined when no table has the key. Plain text.
 */
export function textFor(
  key: string,
  locale: string,
  texts: Playbook['texts'],
  params?: Record<string, string | number>,
): string | undefined {
  const template = lookupText(key, locale, texts)
  return template === undefined ? undefined : fill(template, (p) => ownPath(params, p))
}

/** Part of the day by local hour: morning 5–11, afternoon 12–16, evening 17–22, night. */
export const partOfDay = (hour: number): PartOfDay =>
  hour < 5 ? 'night' : hour < 12 ? 'morning' : hour < 17 ? 'afternoon' : hour < 23 ? 'evening' : 'night'

/** The visitor's name for a greeting: `firstName`, else `name`, trimmed and bounded. */
export function displayName(traits: Record<string, unknown>): string | null {
  for (const v of [traits.firstName, traits.name])
    if (typeof v === 'string' && v.trim()) return v.trim().slice(0, MAX_NAME)
  return null
}

/** The greeting for a returning visitor, or null on a first visit. */
export function greetingFor(
  returning: boolean,
  traits: Record<string, unknown>,
  locale: string,
  texts: Playbook['texts'],
  now: number,
): Greeting | null {
  if (!returning) return null
  const name = displayName(traits)
  const part = partOfDay(new Date(now).getHours())
  const suffix = name ? '' : '.noname'
  const template =
    lookupText(`greeting.${part}${suffix}`, locale, texts) ?? lookupText(`greeting.returning${suffix}`, locale, texts) ?? ''
  return { text: fill(template, (p) => (p === 'name' ? name : undefined)), name, returning, partOfDay: part }
}

/** An offer text: one string, or one per language (`{ en: '…', ru: '…' }`). */
export type LocalizedText = string | Record<string, string>

/**
 * The text a locale gets from an offer text (contract: "Playbook"): a plain string as is;
 * from a per-language map the exact tag (`en-GB`), then its language (`ru-RU` → `ru`), then
 * `en`, then the first listed. Tags compare case-insensitively (`en-gb` is `en-GB`).
 */
export function localized(text: LocalizedText | undefined, locale: string): string | undefined {
  if (text === undefined || typeof text == 'string') return text
  const keys = Object.keys(text)
  const find = (tag: string) => keys.find((k) => k.toLowerCase().replace('_', '-') == tag)
  const tag = locale.toLowerCase().replace('_', '-')
  const k = find(tag) ?? find(language(locale)) ?? find('en') ?? keys[0]
  return k === undefined ? undefined : text[k]
}

/**
 * An offer's texts as a visitor gets them: each picked for `locale` (`localized`), then its
 * `{path|fallback}` templates filled from `context` (own data only). Plain text, never markup;
 * `href` is passed through unfilled.
 */
export function offerTexts(spec: OfferSpec<LocalizedText>, locale: string, context: unknown): Pick<OfferSpec, 'title' | 'body' | 'cta'> {
  const text = (t: LocalizedText | undefined) => {
    const s = localized(t, locale)
    return s && fill(s, (path) => ownPath(context, path))
  }
  // A validated label map is never empty, so a cta always gets a label.
  return { title: text(spec.title), body: text(spec.body), cta: spec.cta && { label: text(spec.cta.label)!, href: spec.cta.href } }
}
