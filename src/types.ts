/**
 * Public types of Waymark. Timestamps are epoch milliseconds (`Date.now()`) throughout.
 */
import type { Order, OrderChange, OrderStatus } from './order-types'
import type { OfferSpec, Playbook, SignedPlaybook } from './playbook/types'

export type { Order, OrderChange, OrderStatus } from './order-types'
export type { OrderError } from './errors'
export type { Condition, OfferCta, OfferSpec, Place, Playbook, Rule, SignedPlaybook, Stage } from './playbook/types'

/** Consent state: `pending` keeps data in memory only; `denied` stores and sends nothing. */
export type ConsentState = 'granted' | 'pending' | 'denied'

/** JSON-compatible value, as found in traits, props and playbooks. */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json }

/** Free-form properties of an event or traits of a user. */
export type Props = Record<string, unknown>

/** An offer as `on('offer')` receives it: the rule's offer with its texts resolved against the context, plain text only. */
export interface Offer extends OfferSpec {
  /** Impression id: the id of the `offer_shown` event. */
  id: string
  /** The rule that fired. */
  rule: string
  /** The event that triggered it (`preview` for a preview link's offer). */
  trigger: string
  at: number
  /** A preview link's offer (`?waymark-preview=<rule-id>`), marked "Preview": nothing is recorded or counted for it. */
  preview?: boolean
  /** Records `offer_clicked` and frees the overlay slot. Only the first of click/dismiss counts. */
  click(): void
  /** Records `offer_dismissed` and frees the overlay slot. Only the first of click/dismiss counts. */
  dismiss(): void
}

/** Options of {@link createWaymark}. Every option is optional. */
export interface WaymarkOptions {
  /** Where rules, stages and texts come from: a URL, a function, or an inline playbook. */
  playbook?: string | (() => Promise<Playbook | SignedPlaybook>) | Playbook
  /** Playbook revalidation interval in seconds (default 300). */
  refreshSeconds?: number
  /**
   * Where journey events are delivered: a URL (POSTed `{ events, sentAt }` as JSON) or a
   * function receiving the same batches. None keeps them on the device.
   */
  collect?: string | ((events: WaymarkEvent[], batch: { sentAt: number }) => Promise<void>)
  /** Where order status comes from: a URL template with `{id}`, or a function. */
  orders?: string | ((id: string) => Promise<Order>)
  /** Language of built-in texts (`en` and `ru` ship). Default: `navigator.language`. */
  locale?: string
  /** Initial consent state (default `granted`). */
  consent?: ConsentState
  /** The only traits persisted on the device (default `['firstName', 'name', 'locale']`). */
  storeTraits?: string[]
  /**
   * Query parameters (names matched whole, case-insensitively) whose values become `REDACTED`
   * in every URL Waymark records or shows to conditions; the `#fragment` is always dropped.
   * Setting it replaces the default list (`token`, `access_token`, `id_token`, `code`,
   * `password`, `email`, `key`, `secret`, `auth`, `session`).
   */
  redact?: string[]
  /** Minutes without activity that end a visit (default 30); `visits` and `returning` follow it. */
  sessionMinutes?: number
  /**
   * Maps a backend's own order statuses onto Waymark's steps, e.g. `{ in_transit: 'shipped' }`
   * (script tag: `data-order-statuses="in_transit:shipped,ready:packed"`). A status neither
   * known nor mapped is refused, with an error naming this option.
   */
  orderStatuses?: Record<string, OrderStatus>
  /** Base64 SPKI of an ECDSA P-256 key: only playbooks signed with it are accepted. */
  publicKey?: string
  /** Storage and cross-tab channel name (default `waymark`). */
  namespace?: string
  /** `page()` on start and on every SPA navigation (default true). */
  autoPage?: boolean
  /** Log every decision with its reason (default false). */
  debug?: boolean
  /**
   * Allows preview links (default false): `?waymark-preview=<rule-id>` shows that rule's offer,
   * marked "Preview", whatever its trigger, condition, schedule, cap, rollout or `enabled`, counting
   * and sending nothing; `?waymark-debug` opens a panel with the playbook in force, the latest
   * triggers and why each rule fires or not. Without it both are ignored. Script tag: `data-preview`.
   */
  preview?: boolean
  /**
   * Where a visitor whose device storage was wiped (Safari deletes script-written storage after
   * 7 days without a visit) is recognised again: a same-origin URL (GET, with cookies, JSON)
   * or a function. Asked once per page load, in the background, when the device holds no
   * visitor and consent is granted.
   */
  identity?: string | (() => Promise<Identity | null>)
}

/** What the site's `identity` endpoint knows of the visitor: adopted as if the device had kept it. */
export interface Identity {
  /** Replaces the device's own anonymous id. */
  anonymousId: string
  userId?: string | null
  traits?: Props
  /** The visits the server saw. */
  visits?: number
  firstSeen?: number
}

/** Who the visitor is, as remembered on the device. */
export interface Profile {
  anonymousId: string
  userId: string | null
  traits: Props
  /** Visits (sessions, ended by 30 minutes without activity) so far, this one included. */
  visits: number
  firstSeen: number
  lastSeen: number
  /** True from the second visit on: a reload is not a return. */
  returning: boolean
}

/** Where the visitor stands in the customer decision journey. */
export interface Journey {
  /** Current stage id, or null before the first stage trigger. */
  stage: string | null
  /** Stages entered, oldest first (the most recent 100 are kept). */
  stages: Array<{ id: string; at: number }>
  /** How many times each event happened. */
  counts: Record<string, number>
  /** Loyalty-loop cycles started after reaching a `loop` stage (0 in the first cycle). */
  cycle: number
}

/** Part of the visitor's day, by local hour. */
export type PartOfDay = 'morning' | 'afternoon' | 'evening' | 'night'

/** A greeting for a returning visitor. */
export interface Greeting {
  text: string
  name: string | null
  returning: boolean
  partOfDay: PartOfDay
}

/** Event kinds: `name` is the trigger name (`page`, `stage:buy`, `session_start`, …). */
export type EventType = 'track' | 'page' | 'identify' | 'session' | 'stage' | 'offer' | 'order'

/** A journey event, as delivered to `collect` and to `on('event')`. */
export interface WaymarkEvent {
  /** Unique id; collectors dedupe by it. */
  id: string
  type: EventType
  name: string
  props: Props
  at: number
  anonymousId: string
  userId: string | null
  sessionId: string
  /** Journey stage after the event was applied. */
  stage: string | null
}

/** Payload of `on('stage')`. */
export interface StageChange {
  stage: string
  previous: string | null
  cycle: number
  at: number
  /** The event that moved the visitor. */
  event: string
}

/** Listener payloads per event type of `on()`. */
export interface WaymarkEventMap {
  event: WaymarkEvent
  stage: StageChange
  error: Error
  offer: Offer
  order: OrderChange
  /** A new playbook was put in force: its `version`, and whether it came `inline`, from the
   *  device's `cache`, from the `network`, or from another `tab` that fetched it. */
  playbook: { version: string | null; from: 'inline' | 'cache' | 'network' | 'tab' }
  /** Who the visitor is changed, and why: `identify`, `restored` (identity restore), `tab`
   *  (another tab's change) or `reset` (a logout here or in another tab: take down what was
   *  shown for the previous user). */
  profile: { profile: Profile; reason: 'identify' | 'reset' | 'restored' | 'tab' }
}

/** Why a rule would or would not fire now. */
export interface Explanation {
  rule: string
  /** True when the rule's trigger, happening again now, would show its offer. */
  fires: boolean
  /** `fires`, or what stops it: `disabled`, `scheduled from …`, `ended …`, `cap: 1 of 1 per session`,
   *  `condition not met: event.total`, `overlay "x" is on screen`, `held out by rollout 0.9`, `no such rule`. */
  reason: string
  /** The most recent trigger event of the rule whose props were used, or null if none happened yet. */
  trigger: string | null
}

/** A Waymark instance. No method throws on bad input: errors go to `on('error')`. */
export interface Waymark {
  /** Resolves when persisted state is loaded and the cached playbook applied. */
  ready: Promise<void>
  /**
   * Records an event: it may move the journey and fire offers at once, and is queued for
   * `collect`. Props must be JSON-like and at most 32 KB.
   * @example wm.track('cart_viewed', { total: 45, items: 3 })
   */
  track(name: string, props?: Props): void
  /**
   * Records a page view with the current `path`, `url`, `title` and `referrer`, plus `props`.
   * Called by itself on start and on SPA navigation unless `autoPage` is false.
   * @example wm.page({ section: 'catalogue' })
   */
  page(props?: Props): void
  /**
   * Sets the user (`null` only merges the traits) and merges traits. Only the traits named in
   * `storeTraits` (default `firstName`, `name`, `locale`) are written to the device.
   * @example wm.identify('u-42', { firstName: 'Анна', email: 'anna@example.com' })
   */
  identify(userId: string | null, traits?: Props): void
  /**
   * Logout: forgets the user, traits and journey; a new anonymous id and a new visit.
   * @example logoutButton.addEventListener('click', () => wm.reset())
   */
  reset(): void
  /**
   * `granted` stores and sends; `pending` keeps everything in memory and sends nothing;
   * `denied` also deletes what was stored and queued.
   * @example banner.onAccept = () => wm.consent('granted')
   */
  consent(state: ConsentState): void
  /**
   * The visitor as known on this device (a copy).
   * @example if (wm.profile().returning) showLoyaltyLink()
   */
  profile(): Profile
  /**
   * The current stage, the stages reached with their times, event counts and the loop cycle.
   * @example const { stage } = wm.journey() // 'evaluate'
   */
  journey(): Journey
  /**
   * The greeting for a returning visitor in the instance's locale, or null on a first visit.
   * @example const g = wm.greeting(); if (g) header.textContent = g.text // «С возвращением, Анна!»
   */
  greeting(): Greeting | null
  /** Would the rule fire now, and if not, which condition path, cap, schedule or rollout stops it. */
  explain(ruleId: string): Explanation
  /**
   * Reads the device position now, which may prompt for permission, and resolves the id of the
   * playbook's place the visitor is at, or null (no such place, no permission, consent denied,
   * no geolocation). The position itself never leaves the device.
   * @example shopButton.onclick = async () => (await wm.locate()) && showInStoreHelp()
   */
  locate(): Promise<string | null>
  /** Syncs the playbook now, whatever the schedule. Resolves when done; failures go to `on('error')`. */
  refresh(): Promise<void>
  /** Delivers queued events now. Resolves when the queue is drained or an attempt failed; never rejects. */
  flush(): Promise<void>
  /**
   * The order's current status: the device's copy at once when there is one (refreshed in
   * the background; changes arrive through `on('order')`), else fetched from `orders`.
   * Rejects with an {@link OrderError} (`status` 404 for an unknown order) when there is
   * neither, and is reported through `on('error')` only for failures other than 404.
   */
  order(id: string): Promise<Order>
  /**
   * Keeps an order current while something shows it: polls the `orders` source with backoff,
   * pauses while the tab is hidden, stops at a final status (delivered, cancelled, returned).
   * Changes arrive through `on('order')`. Returns the function that stops watching.
   */
  watchOrder(id: string): () => void
  /** The locale in use (the `locale` option, else the browser's). */
  readonly locale: string
  /**
   * A text for `key` in the visitor's locale, from the playbook's `texts` (exact tag, then
   * language) or the built-in ones, with `{name}` placeholders filled from `params`; undefined
   * when no table has it. Plain text, never markup.
   */
  text(key: string, params?: Record<string, string | number>): string | undefined
  /**
   * Listens to `event`, `stage`, `offer`, `order`, `playbook` or `error`. Returns the function
   * that stops listening. A listener that throws is reported like an uncaught error and does
   * not stop the others.
   * @example
   * const off = wm.on('offer', (offer) => {
   *   if (offer.kind === 'headless') showMyOwnUi(offer.data, () => offer.click(), () => offer.dismiss())
   * })
   */
  on<K extends keyof WaymarkEventMap>(type: K, listener: (payload: WaymarkEventMap[K]) => void): () => void
  /**
   * Writes what is pending and stops listening and syncing; later calls do nothing. Stored
   * state stays for the next instance.
   * @example onUnmounted(() => wm.destroy())
   */
  destroy(): void
}
