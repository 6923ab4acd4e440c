/**
 * The playbook's types: what product teams edit (stages, rules, offers, texts, places) and
 * its signed envelope. Re-exported by `src/types.ts` with the rest of the public types.
 */
import type { LocalizedText } from '../texts'
import type { Json } from '../types'

export type { LocalizedText } from '../texts'

/** A MongoDB-style condition (GrowthBook's condition language). */
export type Condition = Record<string, unknown>

/** A journey stage of the playbook. Stages are ordered as listed. */
export interface Stage {
  /** Stage id, e.g. `consider`. */
  id: string
  /** Event names that move the visitor into this stage. */
  on: string[]
  /** Extra condition on the decision context, checked after the event is counted. */
  if?: Condition
  /** Post-purchase stage: once reached, a trigger of an earlier stage starts a new cycle. */
  loop?: boolean
}

/**
 * The call to action of an offer. `T` is the type of its label: as a playbook has it
 * (`OfferCta<LocalizedText>`), or the visitor's text (the default).
 */
export interface OfferCta<T extends LocalizedText = string> {
  label: T
  href?: string
}

/**
 * What a rule shows when it fires. Texts may hold `{path|fallback}` templates. `T` is the
 * type of `title`, `body` and `cta.label`: in a playbook (`OfferSpec<LocalizedText>`) each
 * may be one string or one per language (`{ "en": "…", "ru": "…" }`); the default, plain
 * strings, is the offer as a visitor gets it, in their locale (what `Offer` carries).
 */
export interface OfferSpec<T extends LocalizedText = string> {
  kind: 'banner' | 'toast' | 'modal' | 'inline' | 'headless'
  title?: T
  body?: T
  cta?: OfferCta<T>
  code?: string
  /** For `inline`: the name of the `<waymark-slot>`. For `banner`: `top` or `bottom`. */
  placement?: string
  /** Free-form JSON for headless offers rendered by the page's own code. */
  data?: Json
}

/** A playbook rule. */
export interface Rule {
  id: string
  enabled?: boolean
  on: string[]
  if?: Condition
  /** Its `title`, `body` and `cta.label` may be one text per language. */
  offer: OfferSpec<LocalizedText>
  priority?: number
  cap?: { session?: number; day?: number; total?: number }
  from?: string
  until?: string
  rollout?: number
}

/** The playbook: stages, rules and texts, edited by product teams. */
export interface Playbook {
  $schema?: string
  version?: string
  /** ISO 8601 date (`waymark sign --expires` writes it): devices refuse the playbook after it. */
  expires?: string
  stages?: Stage[]
  rules?: Rule[]
  /** Texts per locale, e.g. `{ ru: { 'greeting.returning': 'С возвращением, {name}!' } }`. */
  texts?: Record<string, Record<string, string>>
  /** Named groups for `$inGroup` / `$notInGroup`. */
  groups?: Record<string, unknown[]>
  /** Shops and other places: entering one fires `place:<id>` (see `locate()`). */
  places?: Place[]
}

/** A place: a circle of `radius` metres (10 to 5,000) around a point in degrees. */
export interface Place {
  id: string
  lat: number
  lng: number
  radius: number
}

/** A playbook signed with ECDSA P-256 over the UTF-8 bytes of `payload`. */
export interface SignedPlaybook {
  payload: string
  signature: string
}
