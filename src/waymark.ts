import { pageProps, watchNavigation } from './auto-page'
import { createChannel } from './channel'
import { createComeback } from './comeback'
import { buildContext } from './context'
import { deferDelivery } from './delivery/deferred'
import { createEmitter } from './emitter'
import { compileStages, DEFAULT_STAGES } from './journey'
import { copyProps, isListener, isTrackName, toUserId } from './input'
import { describe, isArr } from './is'
import { createOffers } from './offers'
import { CONSENT, resolveOptions } from './options'
import type { CacheRecord } from './playbook/fetch'
import { deferSync } from './playbook/deferred-sync'
import type { PlaybookOrigin } from './playbook/sync'
import { deliveryPart, ordersPart, placesPart, previewPart, regexFirst, syncPart, withDraws } from './parts'
import { compileCondition } from './rules/condition'
import { createStorage } from './storage'
import { createExclusive } from './exclusive'
import { createGuard } from './guard'
import { deferOrders } from './deferred-orders'
import { deferPlaces } from './deferred-places'
import { createPreview, DEBUG } from './preview'
import { createRecorder } from './record'
import { mergeImpressions } from './rules/engine'
import { greetingFor, textFor } from './texts'
import type { ConsentState, Identity, Playbook, Props, Waymark, WaymarkEventMap, WaymarkOptions } from './types'
import { adoptIdentity, changed, freshVisitor, journeyOf, newer, persistable, profileOf, restore } from './visitor'

const STATE_KEY = 'visitor'
const PLAYBOOK_KEY = 'playbook'

/**
 * Creates a Waymark instance. Throws only for options of the wrong type; everything else
 * is reported through `on('error')`. Calls made before `ready` are kept and applied, in
 * order, once the stored state is loaded.
 *
 * @example
 * const wm = createWaymark({ playbook: { stages: [...] }, locale: 'ru' })
 * wm.identify('u-42', { firstName: 'Анна' })
 * wm.track('product_viewed', { sku: 'A1' })
 */
export function createWaymark(options?: WaymarkOptions): Waymark {
  const o = resolveOptions(options)
  // Under SSR there is no page: the instance answers in memory (a first visit) and fetches,
  // stores and sends nothing, so a server render prints nothing either.
  const ssr = typeof window != 'object'
  const { namespace, locale } = o
  const events = createEmitter<WaymarkEventMap>()
  let consent = o.consent
  let state = freshVisitor(Date.now())
  let stages = compileStages(DEFAULT_STAGES, compileCondition)
  let texts: Playbook['texts']
  let asking = Promise.resolve()
  let stopNavigation = (): void => {}

  // console.info: shown by default, where Chrome hides console.debug ("Verbose").
  const log = (...args: unknown[]): void => void (o.debug && console.info('[waymark]', ...args))
  const granted = (): boolean => consent === 'granted'

  // Unheard errors still reach the console: a silent failure is the worst kind.
  const fail = (message: string, cause?: unknown): void => {
    const error = new Error(`waymark: ${message}`, cause === undefined ? undefined : { cause })
    if (!events.emit('error', error) || o.debug) console.warn(error)
  }

  const guard = createGuard(fail)
  const api = guard.api
  const storage = createStorage(namespace, (e) => fail(e.message, e.cause), granted, [STATE_KEY, PLAYBOOK_KEY]) // no database without consent; the start's keys copied
  const channel = createChannel(namespace, (message) => {
    const m = message as { consent?: ConsentState; state?: unknown; playbook?: unknown; gone?: string[]; sending?: string[] } | null
    if (guard.destroyed || !m) return
    if (m.playbook) return sync.receive(m.playbook)
    if (isArr(m.gone) || isArr(m.sending)) return delivery.heard(m)
    if (CONSENT.includes(m.consent!)) return setConsent(m.consent!, false)
    adopt(m.state)
  })
  if (consent === 'denied') channel.post({ consent }) // a page that starts denied tells the open tabs too
  const readState = (): Promise<unknown> => storage.load([STATE_KEY]).then(([raw]) => raw)
  const who = (s: typeof state): string => JSON.stringify([s.anonymousId, s.userId, s.traits])
  const profileChanged = (reason: WaymarkEventMap['profile']['reason']): void => void events.emit('profile', { profile: profileOf(state), reason })
  // A logout, here or in another tab: nothing asked or shown for the previous user stays.
  const loggedOut = (): void => void (comeback.forget(), offers.reset(), orders.forget(), profileChanged('reset'))
  // A newer state another tab wrote (and stored) already: adopting is enough, except after a
  // logout there, which this tab writes too, over whatever it had queued for the old user.
  const adopt = (raw: unknown): void => {
    const next = guard.loaded && granted() ? restore(raw) : null
    if (!next || !newer(next, state)) return
    const before = state
    state = next
    if (next.epoch > before.epoch) storage.set(STATE_KEY, persistable(state, o.storeTraits)), loggedOut()
    else if (who(before) != who(next)) profileChanged('tab')
  }

  // One coalesced write and one cross-tab post per burst of changes, only with consent.
  const save = (): void => {
    changed(state)
    if (!granted()) return
    storage.set(STATE_KEY, persistable(state, o.storeTraits))
    channel.soon(() => !guard.destroyed && granted() && { state })
  }

  const delivery = deferDelivery(deliveryPart, {
    collect: o.collect, storage, namespace, consent: () => consent,
    post: (message) => channel.post(message), fail, log,
  })

  const setConsent = (next: ConsentState, broadcast: boolean): void => {
    const was = consent
    consent = next
    if (next === 'denied') void storage.clear()
    delivery.consent(next)
    if (granted() && was !== 'granted' && guard.loaded) save()
    comeback.ask()
    if (broadcast) channel.post({ consent: next })
    log('consent', next)
  }

  const context = (props: Props, now: number, trigger: string) =>
    buildContext(state, props, now, trigger, { locale, redact: o.redact, place: places.current() })

  const { record, visit, sessionStart } = createRecorder({
    state: () => state, stages: () => stages, context, save, storeTraits: o.storeTraits, idleMs: o.sessionMinutes * 60_000, log,
    deliver: (event, memory) => delivery.push(event, memory),
    emit: (type, payload) => events.emit(type, payload),
    run: (trigger, props, now) => (preview?.seen(trigger, now), offers.run(trigger, props, now)),
  })

  const offers = createOffers({
    state: () => state,
    context,
    record: (name, props) => (guard.destroyed ? undefined : record('offer', name, props)),
    emit: (offer) => events.emit('offer', offer),
    touch: visit,
    exclusive: createExclusive({
      lock: `${namespace}:caps`,
      storage,
      usable: granted,
      read: readState,
      take: (stored) => mergeImpressions(state.impressions, restore(stored)?.impressions || {}),
      save,
      guard: (fn) => api(fn)(),
    }),
    log,
  })

  // A status this device had not seen: announced, recorded, and a trigger for stages and rules.
  const orders = deferOrders(ordersPart, {
    source: o.orders, statuses: o.orderStatuses, storage, consent: () => consent,
    changed: (change) => {
      if (guard.destroyed) return
      events.emit('order', change)
      const { id, status } = change.order
      api(record)('order', 'order_status', { order: id, status, previous: change.previous }, `order:${status}`)
    },
    fail, log,
  })

  // Only place ids come out of it; entering one is a `place_entered` event triggering `place:<id>`.
  const places = deferPlaces(placesPart, {
    allowed: () => consent !== 'denied', seen: () => state.placesSeen, fail, log,
    inside: api((id: string, entered: boolean) => {
      state.placesSeen[id] = Date.now()
      if (entered) record('track', 'place_entered', { place: id }, `place:${id}`)
      else save()
    }),
  })

  // Preview links and the debug panel: only where the site allows them (`preview: true`).
  const preview = o.preview && !ssr ? createPreview(context, (offer) => events.emit('offer', offer), fail, previewPart) : undefined

  const clean = (value: unknown, what: string): Props | undefined => copyProps(value, what, fail)

  const pageView = (props: Props, referrer?: string): void => void record('page', 'page', { ...pageProps(o.redact, referrer), ...props })

  // The sync hands over only playbooks that passed validation (and the signature check):
  // compiled once per version, here.
  const applyPlaybook = (playbook: Playbook, from: PlaybookOrigin): void => {
    const { stages: list, rules, groups, version = null } = playbook
    stages = compileStages(list || DEFAULT_STAGES, (c) => compileCondition(c, groups))
    offers.use(rules, groups)
    places.use(playbook.places)
    texts = playbook.texts
    preview?.use(playbook, from)
    log('playbook', version, from)
    events.emit('playbook', { version, from })
  }

  // The playbook cache is the site's, not the visitor's, but it is still device storage:
  // it follows consent like everything else.
  const sync = deferSync(syncPart, {
    source: ssr && typeof o.playbook == 'string' ? undefined : o.playbook, publicKey: o.publicKey, refreshSeconds: o.refreshSeconds,
    lock: `${namespace}:playbook`,
    read: () => (consent === 'denied' ? Promise.resolve() : storage.load([PLAYBOOK_KEY]).then(([r]) => r)),
    write: (record: CacheRecord) => (granted() ? (storage.set(PLAYBOOK_KEY, record), storage.flush()) : Promise.resolve()),
    post: (record) => channel.post({ playbook: record }),
    apply: (p, from) => regexFirst(p, fail, () => void (guard.destroyed || applyPlaybook(p, from))), fail, log,
  })

  // Back from the cache: what other pages stored meanwhile, then a page view (the visitor
  // navigated to it) or at least the visit clock. Recognised: as if the device had kept it.
  const comeback = createComeback({
    identity: o.identity, granted, fail,
    read: readState,
    resumed: (raw) => api(() => (adopt(raw), o.autoPage ? pageView({}) : visit()))(),
    recognised: api((answer: Identity) => {
      record('identify', 'identity_restored', { previousId: adoptIdentity(state, answer) })
      profileChanged('restored')
    }),
  })

  const start = (raw: unknown): void => {
    if (guard.destroyed) return
    const restored = consent != 'denied' && restore(raw) // denied since the load: never read
    if (raw !== undefined && restored == null) fail('stored state was unreadable; starting as a new visitor')
    if (restored) state = restored
    guard.open()
    if (restored) visit()
    else {
      sessionStart()
      if (!ssr) asking = comeback.stranger() // delivery waits: a collect request racing it lacks the site's cookie
    }
    save()
    if (o.autoPage) {
      pageView({})
      stopNavigation = watchNavigation((previous) => api(pageView)({}, previous))
    }
    if (!ssr) void asking.then(() => guard.destroyed || delivery.start())
    guard.replay()
  }

  // The stored state and playbook (on a returning visit, from storage's localStorage copy: no IndexedDB
  // round trip) are applied before the visit starts, so the first page view already meets its stages
  // and rules; a newer playbook is fetched afterwards. Delivery's code (a part) loads meanwhile.
  const ready = Promise.all([consent === 'denied' ? storage.clear().then(() => []) : storage.load([STATE_KEY, PLAYBOOK_KEY]), delivery.loaded])
    .then(([[raw, playbook]]) => (guard.destroyed ? undefined : sync.start(consent != 'denied' && playbook).then(() => start(raw))))
    .catch((e) => {
      guard.open()
      fail('start failed', e)
    })
  if (preview) void ready.then(() => (guard.destroyed ? undefined : preview.start(() => sync.refresh()))).catch((e) => fail('preview failed', e))

  return withDraws(offers, {
    ready,
    track: api((name: string, props?: Props) => {
      const p = isTrackName(name, fail) && clean(props, `track("${name}"): props`)
      if (p) record('track', name, p)
    }),
    page: api((props?: Props) => {
      const p = clean(props, 'page: props')
      if (p) pageView(p)
    }),
    identify: api((userId: string | null, traits?: Props) => {
      const id = toUserId(userId, fail)
      const t = id !== undefined && clean(traits, 'identify: traits')
      if (!t) return
      if (id !== null) state.userId = id
      Object.assign(state.traits, t)
      record('identify', 'identify', t)
      profileChanged('identify')
    }),
    reset: api(() => {
      state = freshVisitor(Date.now(), state.epoch + 1)
      loggedOut() // before the new visit's first event, whose offers are the new visitor's
      delivery.reset()
      sessionStart({ reset: true })
    }),
    consent(next: ConsentState) {
      if (guard.destroyed) return
      if (!CONSENT.includes(next)) return fail(`consent: state must be "granted", "pending" or "denied", got ${describe(next)}`)
      if (next !== consent) setConsent(next, true)
    },
    profile: () => profileOf(state),
    journey: () => journeyOf(state),
    greeting: () => greetingFor(state.visits > 1, state.traits, locale, texts, Date.now()),
    order: (id) => ready.then(() => orders.get(id)),
    locate: () => ready.then(() => places.locate()),
    watchOrder: (id) => guard.later(ready, () => orders.watch(id)),
    locale,
    text: (key, params) => textFor(key, locale, texts, params),
    explain: (ruleId) => (typeof ruleId == 'string' || fail(`explain: rule id must be a string, got ${describe(ruleId)}`), offers.explain(ruleId)),
    refresh: () => ready.then(() => sync.refresh()),
    flush: () => ready.then(() => asking).then(() => delivery.flush()),
    on: (type, listener) => (guard.destroyed || !isListener(type, listener, fail) ? () => {} : events.on(type, listener)),
    ...(preview && { [DEBUG]: preview.debug }),
    destroy() {
      if (guard.destroyed) return
      guard.close()
      stopNavigation()
      comeback.stop()
      sync.stop()
      delivery.stop()
      orders.stop()
      places.stop()
      void storage.close()
      channel.close()
      events.clear()
    },
  })
}
