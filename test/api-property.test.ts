// Property tests over the public API (issue 8, hardening): random sequences of calls on one
// instance, with a collector that fails at random and a clock that jumps, checking the
// contract's invariants after every step. Plus what test/condition.property.test.ts and
// test/validate.test.ts do not already cover for compileCondition and validatePlaybook.
//
// Seeded and reproducible: FC_SEED=<n> picks another seed, FC_RUNS=<n> more runs, and
// FC_SEED=<n> FC_PATH=<path> replays one reported counterexample (TRACE=1 logs each step).
import fc from 'fast-check'
import { IDBFactory } from 'fake-indexeddb'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { compileCondition, validatePlaybook } from '../src/index'
import type { ConsentState, Journey, Offer, Playbook, Profile, WaymarkEvent } from '../src/types'
import { advance, fakeWebLocks, flush, make } from './helpers'

const SEED = Number(process.env.FC_SEED ?? 20261123)
const RUNS = Number(process.env.FC_RUNS ?? 60)
const START = Date.UTC(2026, 10, 23, 9, 30)
const MIN = 60_000
const DAY = 24 * 60 * MIN

/** A small seeded PRNG, so the collector's answers and the jitter replay with the seed. */
const mulberry32 = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}

// ---------------------------------------------------------------------------------------
// The playbook: caps on an overlay rule (per session) and a headless rule (in total), an
// uncapped overlay competing for the same slot, an inline rule with a condition, and a rule
// whose rollout of 0 holds everyone out (held-out decisions count against caps too).
// ---------------------------------------------------------------------------------------
const PLAYBOOK: Playbook = {
  version: 'property-1',
  rules: [
    {
      id: 'overlay-once', on: ['product_viewed', 'page', 'compare'],
      offer: { kind: 'banner', title: '{user.firstName|Friend}, shipping is free from €50', cta: { label: 'Shop', href: '/catalog' } },
      cap: { session: 1 },
    },
    {
      id: 'headless-3', on: ['cart_viewed', 'identify', 'page'],
      offer: { kind: 'headless', placement: 'feed', data: { tier: 'gold' } },
      cap: { total: 3 },
    },
    {
      id: 'toast-returning', on: ['session_start', 'checkout_started'], if: { 'visit.returning': true },
      offer: { kind: 'toast', title: 'Welcome back' }, priority: 5,
    },
    {
      id: 'inline-compare', on: ['compare'], if: { 'journey.counts.compare': { $gte: 2 } },
      offer: { kind: 'inline', placement: 'aside', title: 'Hard to choose?' },
    },
    { id: 'control', on: ['cart_viewed'], rollout: 0, offer: { kind: 'headless', placement: 'control' }, cap: { session: 2 } },
  ],
}
/** [rule, cap key, most offer_shown + offer_held_out per session id / per visitor] */
const CAPPED: Array<[string, 'session' | 'total', number]> = [
  ['overlay-once', 'session', 1],
  ['headless-3', 'total', 3],
  ['control', 'session', 2],
]
const OVERLAYS = ['banner', 'toast', 'modal']

// ---------------------------------------------------------------------------------------
// Commands. Inputs that cannot be printed as a counterexample (cycles, getters, BigInt) are
// tags, built when the command runs.
// ---------------------------------------------------------------------------------------
/** Names of Object.prototype members: counted like any other name (input-faults.test.ts has the reload case). */
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype)

const GOOD_NAMES = [
  'product_viewed', 'cart_viewed', 'compare', 'checkout_started', 'order:delivered', 'order_completed', 'review_written',
  'page', 'session_start', 'identify', 'offer_shown', 'stage', 'Stage:buy', 'x', 'a'.repeat(200), 'Ввод 🎉',
]
const BAD_NAMES: unknown[] = ['', 'x'.repeat(201), 42, 0, null, undefined, {}, ['a'], true, 'stage:x', 'stage:buy', 'stage:']

const eventName = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...GOOD_NAMES) },
  { weight: 2, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).filter((s) => !s.startsWith('stage:')) },
  { weight: 1, arbitrary: fc.constantFrom(...PROTO_NAMES) },
  { weight: 3, arbitrary: fc.constantFrom(...BAD_NAMES) },
)

type BadTag = 'array' | 'string' | 'number' | 'null' | 'circular' | 'bigint' | 'huge' | 'getter'
const BAD_PROPS: BadTag[] = ['array', 'string', 'number', 'null', 'circular', 'bigint', 'huge', 'getter']
const badProps = (tag: BadTag): unknown => {
  switch (tag) {
    case 'array': return [1, 2]
    case 'string': return 'props'
    case 'number': return 7
    case 'null': return null
    case 'circular': { const o: Record<string, unknown> = { a: 1 }; o.self = o; return o }
    case 'bigint': return { n: 10n }
    case 'huge': return { blob: 'x'.repeat(40_000) }
    case 'getter': return Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('getter') } })
  }
}
// Top-level keys: `__proto__` is left out of this model: Waymark drops such keys from props and
// traits (input-faults.test.ts checks that).
const key = fc.string({ maxLength: 8 }).filter((k) => k !== '__proto__')
const goodProps = fc.oneof(
  { weight: 2, arbitrary: fc.constant(undefined) },
  { weight: 6, arbitrary: fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }) },
  { weight: 1, arbitrary: fc.record({ total: fc.integer({ min: 0, max: 100 }), firstName: fc.constantFrom('Анна', 'Bob', '<img src=x>') }) },
)
type PropsArg = { good: unknown } | { bad: BadTag }
const props: fc.Arbitrary<PropsArg> = fc.oneof(
  { weight: 6, arbitrary: goodProps.map((good) => ({ good })) },
  { weight: 1, arbitrary: fc.constantFrom(...BAD_PROPS).map((bad) => ({ bad })) },
)

const GOOD_IDS: unknown[] = ['u-1', 'u-2', 'Анна', 'a'.repeat(200), 42, 0, -0, 1.5, null]
const BAD_IDS: unknown[] = ['', 'x'.repeat(201), {}, [], NaN, Infinity, -Infinity, true, undefined, BigInt(10)]
const userId = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...GOOD_IDS) }, { weight: 1, arbitrary: fc.constantFrom(...BAD_IDS) })

type Command =
  | { kind: 'track'; name: unknown; props: PropsArg }
  | { kind: 'page'; props: PropsArg }
  | { kind: 'identify'; id: unknown; traits: PropsArg }
  | { kind: 'reset' }
  | { kind: 'consent'; state: unknown }
  | { kind: 'clock'; ms: number }
  | { kind: 'wait'; ms: number }
  | { kind: 'flush' }
  | { kind: 'close'; click: boolean }

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('track' as const), name: eventName, props }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('page' as const), props }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('identify' as const), id: userId, traits: props }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reset' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('consent' as const), state: fc.constantFrom<unknown>('granted', 'granted', 'pending', 'denied', 'yes', null) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('clock' as const),
      ms: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 40 * MIN }) }, { weight: 1, arbitrary: fc.constantFrom(2 * DAY, -2 * DAY) }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 6000 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'flush' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('close' as const), click: fc.boolean() }) },
)

/** What the README says a call accepts. */
const validProps = (p: PropsArg): boolean => 'good' in p
const validName = (n: unknown): boolean => typeof n == 'string' && n.length >= 1 && n.length <= 200 && !n.startsWith('stage:')
const validId = (id: unknown): boolean =>
  id === null || (typeof id == 'number' && isFinite(id)) || (typeof id == 'string' && id.length >= 1 && id.length <= 200)

const EVENT_KEYS = ['anonymousId', 'at', 'id', 'name', 'props', 'sessionId', 'stage', 'type', 'userId']
const TYPES = ['track', 'page', 'identify', 'session', 'stage', 'offer', 'order']
/** JSON for messages, BigInt included. */
const show = (x: unknown): string => JSON.stringify(x, (_, v) => (typeof v == 'bigint' ? `${v}n` : v))
const isPlain = (x: unknown): boolean => !!x && typeof x == 'object' && Object.getPrototypeOf(x) === Object.prototype

afterEach(() => {
  vi.unstubAllGlobals()
  localStorage.clear()
})

describe('the public API under random call sequences', () => {
  let run = 0
  /** Over all runs: what the sequences exercised, so a vacuous pass would show. */
  const tally = { locks: 0, steps: 0, bad: 0, events: 0, offers: 0, delivered: 0, requests: 0, cappedOut: 0, sessions: 0, resets: 0 }

  it('keeps every invariant of the contract, after every step', async () => {
    expect(validatePlaybook(PLAYBOOK)).toMatchObject({ ok: true })
    const started = performance.now()
    await fc.assert(
      fc.asyncProperty(fc.integer(), fc.boolean(), fc.array(command, { minLength: 40, maxLength: 120 }), async (seed, locks, commands) => {
        globalThis.indexedDB = new IDBFactory()
        localStorage.clear()
        // With Web Locks, delivery and capped offers take a lock (capped offers are then shown
        // a moment later, after the counts other tabs stored are read); without, the lease.
        if (locks) fakeWebLocks()
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
        vi.setSystemTime(START)
        const random = vi.spyOn(Math, 'random').mockImplementation(mulberry32(seed))
        const answers = mulberry32(seed ^ 0x5bd1e995)
        const problems: string[] = []

        // The model: consent as last set, and which events must still reach the collector.
        let consent: ConsentState = 'granted'
        const owed = new Set<string>() // recorded with consent, not wiped by a denial, not yet delivered
        const unsendable = new Set<string>() // recorded while denied: must never be sent
        const delivered = new Set<string>()
        let flaky = true // the collector fails at random until the end of the sequence

        vi.stubGlobal('fetch', vi.fn(async (_url: string, init: RequestInit) => {
          if (consent !== 'granted') problems.push(`a request was sent while consent was ${consent}`)
          const body = JSON.parse(init.body as string) as { events: WaymarkEvent[]; sentAt: number }
          tally.requests++
          const r = flaky ? answers() : 1
          if (process.env.TRACE) console.log('fetch', body.events.length, body.events.map((e) => e.name).join(' ').slice(0, 200), r < 0.25 ? 'network' : r < 0.4 ? 503 : 204)
          if (r < 0.25) throw new TypeError('Failed to fetch')
          if (r < 0.4) return new Response(null, { status: 503 })
          for (const e of body.events) {
            const seen = events.get(e.id)
            if (!seen) problems.push(`the collector got an event never passed to on('event'): ${e.id}`)
            else if (JSON.stringify(seen) !== JSON.stringify(e)) problems.push(`event ${e.id} changed on its way: ${JSON.stringify(e)}`)
            if (delivered.has(e.id)) problems.push(`event ${e.id} (${e.name}) delivered twice`)
            if (unsendable.has(e.id)) problems.push(`event ${e.id} (${e.name}), recorded while consent was denied, was sent`)
            delivered.add(e.id)
            owed.delete(e.id)
            tally.delivered++
          }
          return new Response(null, { status: 204 })
        }))

        const wm = make({ collect: '/collect', playbook: PLAYBOOK, namespace: `property-${run++}` })
        if (locks) tally.locks++
        const events = new Map<string, WaymarkEvent>()
        const offers: Offer[] = []
        // [rule, session id or anonymous id] -> offer_shown + offer_held_out
        const impressions = new Map<string, number>()
        const seenBy = new Map<string, { lastSeen: number; visits: number }>()

        wm.on('event', (e) => {
          const p = wm.profile()
          const keys = Object.keys(e).sort().join()
          if (keys !== EVENT_KEYS.join()) problems.push(`event keys ${keys}`)
          if (typeof e.id != 'string' || !e.id) problems.push(`event id ${JSON.stringify(e.id)}`)
          if (events.has(e.id)) problems.push(`event id ${e.id} used twice`)
          if (!TYPES.includes(e.type)) problems.push(`event type ${e.type}`)
          if (typeof e.name != 'string' || !e.name) problems.push(`event name ${JSON.stringify(e.name)}`)
          if (!isPlain(e.props)) problems.push(`event props ${JSON.stringify(e.props)}`)
          if (JSON.stringify(JSON.parse(JSON.stringify(e.props))) !== JSON.stringify(e.props)) problems.push('event props not JSON')
          if (e.at !== Date.now()) problems.push(`event at ${e.at}, clock ${Date.now()}`)
          if (e.anonymousId !== p.anonymousId) problems.push(`event anonymousId ${e.anonymousId}, profile ${p.anonymousId}`)
          if (e.userId !== p.userId) problems.push(`event userId ${e.userId}, profile ${p.userId}`)
          if (typeof e.sessionId != 'string' || !e.sessionId) problems.push(`event sessionId ${e.sessionId}`)
          if (e.stage !== wm.journey().stage) problems.push(`event stage ${e.stage}, journey ${wm.journey().stage}`)
          if (e.type === 'offer' && (e.name === 'offer_shown' || e.name === 'offer_held_out')) {
            const rule = e.props.rule as string
            for (const k of [`${rule}|session|${e.sessionId}`, `${rule}|total|${e.anonymousId}`])
              impressions.set(k, (impressions.get(k) || 0) + 1)
          }
          events.set(e.id, e)
          if (consent === 'denied') unsendable.add(e.id)
          else owed.add(e.id)
        })
        wm.on('offer', (o) => {
          const shown = events.get(o.id)
          if (!shown || shown.type !== 'offer' || shown.name !== 'offer_shown' || shown.props.rule !== o.rule)
            problems.push(`offer ${o.rule} has no offer_shown event with its id`)
          offers.push(o)
        })

        const profileOk = (p: Profile) => {
          const where = `profile ${JSON.stringify(p)}`
          if (typeof p.anonymousId != 'string' || !p.anonymousId) problems.push(`${where}: anonymousId`)
          if (!Number.isInteger(p.visits) || p.visits < 1) problems.push(`${where}: visits`)
          if (p.returning !== p.visits > 1) problems.push(`${where}: returning`)
          if (!(p.firstSeen <= p.lastSeen)) problems.push(`${where}: firstSeen > lastSeen`)
          if (!(p.userId === null || (typeof p.userId == 'string' && p.userId.length > 0))) problems.push(`${where}: userId`)
          if (!isPlain(p.traits)) problems.push(`${where}: traits not a plain object`)
          const before = seenBy.get(p.anonymousId)
          // (lastSeen may go back: a clock set back by more than 30 min starts a visit on the new clock)
          if (before && p.visits < before.visits) problems.push(`${where}: visits went back from ${JSON.stringify(before)}`)
          seenBy.set(p.anonymousId, { lastSeen: p.lastSeen, visits: p.visits })
          const greeting = wm.greeting()
          if ((greeting === null) !== !p.returning) problems.push(`${where}: greeting ${JSON.stringify(greeting)}`)
        }
        const journeyOk = (j: Journey) => {
          const where = `journey ${JSON.stringify(j)}`
          if (j.stages.length > 100) problems.push(`${where}: ${j.stages.length} stages kept`)
          if (j.stage !== (j.stages.length ? j.stages[j.stages.length - 1].id : null)) problems.push(`${where}: stage is not the last entered`)
          if (!Object.values(j.counts).every((n) => Number.isInteger(n) && n > 0)) problems.push(`${where}: counts`)
          if (!Number.isInteger(j.cycle) || j.cycle < 0) problems.push(`${where}: cycle`)
        }
        const capsOk = () => {
          for (const [rule, per, max] of CAPPED)
            for (const [k, n] of impressions)
              if (k.startsWith(`${rule}|${per}|`) && n > max) problems.push(`${rule}: ${n} impressions per ${per} ${k.split('|')[2]}, cap ${max}`)
          const explained = PLAYBOOK.rules!.map((r) => wm.explain(r.id))
          if (!explained.every((x) => typeof x.fires == 'boolean' && typeof x.reason == 'string')) problems.push(`explain ${JSON.stringify(explained)}`)
        }

        const step = async (c: Command): Promise<void> => {
          const errors = wm.errors.length
          const before = [wm.profile(), wm.journey()]
          const eventsBefore = events.size
          let valid = true
          let call = c.kind as string
          const input = (p: PropsArg) => ('good' in p ? p.good : badProps(p.bad))
          try {
            switch (c.kind) {
              case 'track':
                valid = validName(c.name) && validProps(c.props)
                wm.track(c.name as string, input(c.props) as never)
                break
              case 'page':
                valid = validProps(c.props)
                wm.page(input(c.props) as never)
                break
              case 'identify':
                valid = validId(c.id) && validProps(c.traits)
                wm.identify(c.id as string, input(c.traits) as never)
                break
              case 'reset':
                wm.reset()
                break
              case 'consent':
                valid = ['granted', 'pending', 'denied'].includes(c.state as string)
                if (valid && c.state === 'denied') owed.clear()
                wm.consent(c.state as ConsentState)
                if (valid) consent = c.state as ConsentState
                break
              case 'clock':
                call = ''
                // The clock moves between decisions, not inside one: a capped offer waiting for
                // the caps lock is shown first (a jump while it waits has its own test below).
                await flush()
                vi.setSystemTime(Date.now() + c.ms)
                await flush()
                break
              case 'wait':
                call = ''
                await advance(c.ms)
                break
              case 'flush': {
                call = ''
                let done = false
                void wm.flush().then(() => (done = true), (e) => problems.push(`flush rejected: ${e}`))
                for (let i = 0; i < 40 && !done; i++) await advance(i < 20 ? 0 : 250)
                if (!done) problems.push('flush() did not resolve')
                break
              }
              case 'close': {
                call = ''
                const open = offers.filter((o) => OVERLAYS.includes(o.kind))
                const o = open[open.length - 1]
                if (!o) break
                offers.splice(offers.indexOf(o), 1)
                const n = events.size
                if (c.click) o.click(), o.dismiss(), o.click()
                else o.dismiss(), o.click()
                // Only the first of click() and dismiss() counts. (After 30 idle minutes the
                // outcome starts a new visit first, with what session_start triggers.)
                const added = [...events.values()].slice(n).map((e) => e.name)
                const outcomes = added.filter((name) => name === 'offer_clicked' || name === 'offer_dismissed')
                if (outcomes.join() !== (c.click ? 'offer_clicked' : 'offer_dismissed')) problems.push(`closing an offer recorded ${added}`)
                break
              }
            }
          } catch (e) {
            problems.push(`${c.kind} threw ${e}`)
          }
          const reported = wm.errors.slice(errors)
          tally.steps++
          if (c.kind === 'reset') tally.resets++
          if (call && !valid) {
            tally.bad++
            if (reported.length !== 1) problems.push(`bad ${call} reported ${reported.length} errors: ${JSON.stringify(reported)}`)
            else if (!reported[0].includes(call)) problems.push(`the report does not name ${call}: ${reported[0]}`)
            if (events.size !== eventsBefore) problems.push(`bad ${call} recorded ${events.size - eventsBefore} events`)
            if (JSON.stringify([wm.profile(), wm.journey()]) !== JSON.stringify(before)) problems.push(`bad ${call} changed state`)
          } else if (call) {
            const ours = reported.filter((m) => /^waymark: (track|page|identify|consent|reset|internal)/.test(m))
            if (ours.length) problems.push(`good ${call} reported ${JSON.stringify(ours)}`)
          }
          if (reported.some((m) => m.startsWith('waymark: internal error'))) problems.push(`internal error: ${reported}`)
          profileOk(wm.profile())
          journeyOk(wm.journey())
          capsOk()
        }

        try {
          await wm.ready
          expect(wm.errors).toEqual([])
          for (const [i, c] of commands.entries()) {
            await step(c)
            if (process.env.TRACE) console.log(i, show(c), wm.errors.slice(-2), JSON.stringify(wm.profile()), [...events.values()].slice(-6).map((e) => `${e.name}@${e.at}`).join(' '))
            if (problems.length && process.env.TRACE) console.log('EVENTS', [...events.values()].map((e) => `${e.name}${e.props.rule ? `(${e.props.rule})` : ''}@${e.sessionId.slice(0, 4)}:${e.at - START}`).join(' '))
            if (problems.length) throw new Error(`after step ${i} ${show(c)}:\n  ${problems.join('\n  ')}`)
          }
          // Everything owed reaches the collector once it is up and consent is granted.
          flaky = false
          consent = 'granted'
          wm.consent('granted')
          for (let i = 0; i < 10 && owed.size; i++) {
            let done = false
            void wm.flush().then(() => (done = true))
            for (let k = 0; k < 40 && !done; k++) await advance(k < 20 ? 0 : 250)
            await advance(300)
          }
          if (owed.size) problems.push(`${owed.size} events never delivered: ${[...owed].map((id) => events.get(id)!.name)}`)
          if (problems.length) throw new Error(`at the end:\n  ${problems.join('\n  ')}`)
          tally.events += events.size
          tally.offers += [...events.values()].filter((e) => e.name === 'offer_shown').length
          tally.sessions += [...events.values()].filter((e) => e.name === 'session_start').length
          tally.cappedOut += [...impressions].filter(([k, n]) => CAPPED.some(([rule, per, max]) => k.startsWith(`${rule}|${per}|`) && n === max)).length
        } finally {
          wm.destroy()
          random.mockRestore()
          vi.useRealTimers()
          vi.unstubAllGlobals()
        }
      }),
      process.env.FC_PATH
        ? { seed: SEED, path: process.env.FC_PATH, endOnFailure: true }
        : // A failure is shrunk for at most a minute (sequences stay 40+ steps long anyway), so
          // that it is reported with its seed and path before the test's own timeout.
          { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: Math.max(60_000, RUNS * 400) },
    )
    console.log(`api property: ${RUNS} runs in ${((performance.now() - started) / 1000).toFixed(1)} s (seed ${SEED}): ${JSON.stringify(tally)}`)
    // Not vacuous: bad input, offers, caps reached, retries and deliveries all happened.
    expect(tally.bad).toBeGreaterThan(RUNS * 5)
    expect(tally.cappedOut).toBeGreaterThan(RUNS)
    expect(tally.requests).toBeGreaterThan(tally.delivered / 100)
    expect(tally.delivered).toBeGreaterThan(RUNS * 20)
  }, Math.max(120_000, RUNS * 1000))
})

describe('delivery and reset()', () => {
  // Found by the property above with FC_SEED=1 FC_RUNS=500 (and FC_SEED=2): the visitor logs
  // out while a batch is in flight and the collector answers before IndexedDB has finished.
  // reset() took the stored queue in a transaction chained before the in-flight batch's
  // deletes, so it read the batch just delivered and sent it a second time, same ids (13
  // deliveries for 7 events here). Fixed in 53c0ff1 while this file was written; kept as the
  // deterministic regression test for it.
  it('does not send again a batch that was in flight when reset() was called', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    const delivered: string[] = []
    let wm: ReturnType<typeof make> | undefined
    let loggedOut = false
    vi.stubGlobal('fetch', vi.fn(async (_url: string, init: RequestInit) => {
      const body = JSON.parse(init.body as string) as { events: WaymarkEvent[] }
      if (!loggedOut) (loggedOut = true), wm!.reset() // logout while this request is in flight
      delivered.push(...body.events.map((e) => `${e.name} ${e.id}`))
      return new Response(null, { status: 204 })
    }))
    wm = make({ collect: '/collect' })
    await wm.ready
    for (let i = 0; i < 5; i++) wm.track('x', { i })
    await wm.flush()
    for (let i = 0; i < 5; i++) await wm.flush(), await advance(1000)
    expect(delivered.filter((e) => e.startsWith('x '))).toHaveLength(5)
    expect(delivered).toHaveLength(new Set(delivered).size)
  })
})

describe('caps with Web Locks', () => {
  // Found by the property above with Web Locks (fakeWebLocks) before its clock steps waited
  // for pending decisions. BUG (src/offers.ts run(), the exclusive branch added in 5bfce60):
  // a capped offer is decided now and shown once the caps lock is held; inside the lock,
  // `env(Date.now())` is taken and the impression counted against that env's sessionId
  // *before* deps.record('offer_shown') calls touch(), which starts a new visit when 30 idle
  // minutes have passed meanwhile (a tab frozen in the background, a clock set forward). The
  // impression is then counted for the previous visit while offer_shown (and the visitor)
  // are in the new one, so the new visit's `cap: { session: 1 }` sees 0 and shows the offer
  // again: 2 impressions in one session. (The same holds for the `day` cap across midnight.)
  it('a capped offer shown after the visit changed counts against the visit it is shown in', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] })
    vi.setSystemTime(START)
    fakeWebLocks()
    const wm = make({ playbook: { rules: [{ id: 'once', on: ['page'], offer: { kind: 'headless', placement: 'p' }, cap: { session: 1 } }] } })
    const shown: string[] = []
    wm.on('event', (e) => void (e.name === 'offer_shown' && shown.push(e.sessionId)))
    await wm.ready
    wm.page() // decided now, shown once the caps lock is held…
    vi.setSystemTime(START + 31 * MIN) // …by which time the visit has gone idle
    await flush()
    wm.page()
    await flush()
    wm.page()
    await flush()
    const perSession = shown.reduce<Record<string, number>>((n, id) => ({ ...n, [id]: (n[id] || 0) + 1 }), {})
    expect(Object.values(perSession).every((n) => n <= 1), JSON.stringify(perSession)).toBe(true)
  })
})

// ---------------------------------------------------------------------------------------
// compileCondition and validatePlaybook. Already covered elsewhere, not repeated here:
// JSON conditions and operator-shaped ones with JSON contexts (condition.property.test.ts);
// validatePlaybook on fc.anything, on JSON, on the DESIGN example with random values at random
// paths, cycles, throwing getters, revoked proxies, 10,000-deep conditions in a playbook
// (validate.test.ts). Added here: non-JSON conditions and contexts, hostile contexts,
// 10,000-deep conditions given to compileCondition itself, and whole playbook-shaped
// documents with random operators, checked against the SDK that applies them.
// ---------------------------------------------------------------------------------------
const anything = fc.anything({
  withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withBigInt: true,
  withDate: true, withTypedArray: true, withSparseArray: true, withObjectString: true,
})
const OPERATORS = [
  '$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$in', '$nin', '$ini', '$nini', '$all', '$alli',
  '$elemMatch', '$size', '$exists', '$type', '$regex', '$regexi', '$not', '$inGroup', '$notInGroup',
  '$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte',
]
const PATHS = ['event.total', 'user.firstName', 'user.id', 'visit.returning', 'visit.count', 'journey.counts.x', 'journey.stages',
  'page.path', 'page.query.q', 'device.mobile', 'time.hour', 'order.status', 'a.b.c', '__proto__.x', 'constructor', '']
const operand = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom('(a+)+$', '[', '^/cart', '1.2.3', 'v2.0.0-rc.1', 'g1', 'string', 'array', 'null'),
  fc.array(fc.oneof(fc.jsonValue({ maxDepth: 1 }), fc.constantFrom('g1', 'x')), { maxLength: 3 }),
)
const fieldOps = fc.dictionary(fc.constantFrom(...OPERATORS, '$gtt', '$', '$and'), operand, { minKeys: 1, maxKeys: 3 })
const { condition } = fc.letrec((tie) => ({
  condition: fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...PATHS), fc.oneof(fc.jsonValue({ maxDepth: 1 }), fieldOps)) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$and', '$or', '$nor'), fc.oneof(fc.array(tie('condition'), { maxLength: 3 }), operand)) },
        { weight: 1, arbitrary: fc.tuple(fc.constant('$not'), fc.oneof(tie('condition'), operand)) },
      ),
      { maxLength: 4 },
    )
    .map((entries) => Object.fromEntries(entries as Array<[string, unknown]>)),
}))
const offerSpec = fc.record(
  {
    kind: fc.constantFrom('banner', 'toast', 'modal', 'inline', 'headless', 'popup'),
    placement: fc.constantFrom('top', 'bottom', 'aside', '', 3),
    title: fc.oneof(fc.string({ maxLength: 20 }), fc.constant('{user.firstName|Friend}')),
    cta: fc.record({ label: fc.string({ maxLength: 5 }), href: fc.constantFrom('/x', 'https://a.example', 'javascript:alert(1)') }),
  },
  { requiredKeys: ['kind'] },
)
const TRIGGERS = ['x', 'page', 'cart_viewed', 'stage:buy', 'order:delivered', 'session_start', 'identify']
const ruleDoc = fc.record(
  {
    id: fc.constantFrom('a', 'b', 'c', 'd', ''),
    enabled: fc.boolean(),
    on: fc.oneof(fc.constant(['x']), fc.array(fc.constantFrom(...TRIGGERS, ''), { maxLength: 3 })),
    if: condition,
    offer: offerSpec,
    priority: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.constant('1')),
    cap: fc.record({ session: fc.integer({ min: -1, max: 3 }), total: fc.integer({ min: 0, max: 3 }) }, { requiredKeys: [] }),
    rollout: fc.oneof(fc.constantFrom(0, 0.5, 1, 2), fc.double({ noNaN: true, min: 0, max: 1 })),
    from: fc.constantFrom('2026-01-01', '2027-01-01', 'soon'),
  },
  { requiredKeys: ['id', 'on', 'offer'] },
)
const playbookDoc = fc.record(
  {
    version: fc.constantFrom('2026-11-23.1', 7),
    stages: fc.array(fc.record({ id: fc.constantFrom('s1', 's2', 's3'), on: fc.constant(['x']), if: condition }, { requiredKeys: ['id', 'on'] }), { maxLength: 3 }),
    rules: fc.array(ruleDoc, { maxLength: 5 }),
    groups: fc.dictionary(fc.constantFrom('g1', 'g2'), fc.array(fc.jsonValue({ maxDepth: 0 }), { maxLength: 3 })),
    colour: fc.constant('red'),
  },
  // A playbook object without a prototype makes createWaymark throw: see input-faults.test.ts.
  { requiredKeys: [], noNullPrototype: true },
)
// Mostly valid playbooks (typed operands, unique ids), so that many pass validation and the
// SDK's handling of what validatePlaybook accepts gets exercised.
const fieldOk = fc.oneof(
  fc.record({ $gte: fc.integer(), $lt: fc.integer() }, { requiredKeys: ['$gte'] }),
  fc.record({ $in: fc.array(fc.jsonValue({ maxDepth: 0 }), { maxLength: 3 }) }),
  fc.record({ $regex: fc.constantFrom('^/cart', 'x|y', '^$') }),
  fc.record({ $exists: fc.boolean() }),
  fc.record({ $vgt: fc.constantFrom('1.2.3', 'v2') }),
  fc.record({ $type: fc.constantFrom('string', 'number', 'null') }),
  fc.record({ $size: fc.nat(3) }),
  fc.record({ $elemMatch: fc.record({ $gt: fc.integer() }) }),
  fc.record({ $inGroup: fc.constantFrom('g1', 'g2') }),
  fc.record({ $not: fc.record({ $eq: fc.integer() }) }),
  fc.integer(),
  fc.string({ maxLength: 5 }),
  fc.boolean(),
)
const { conditionOk } = fc.letrec((tie) => ({
  conditionOk: fc
    .array(
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(fc.constantFrom(...PATHS.filter((p) => p && !p.startsWith('$'))), fieldOk) },
        { weight: 1, arbitrary: fc.tuple(fc.constantFrom('$and', '$or', '$nor'), fc.array(tie('conditionOk'), { maxLength: 2 })) },
        { weight: 1, arbitrary: fc.tuple(fc.constant('$not'), tie('conditionOk')) },
      ),
      { maxLength: 3 },
    )
    .map((entries) => Object.fromEntries(entries as Array<[string, unknown]>)),
}))
const ruleOk = fc.record(
  {
    on: fc.array(fc.constantFrom(...TRIGGERS), { minLength: 1, maxLength: 3 }),
    if: fc.oneof({ weight: 4, arbitrary: conditionOk }, { weight: 1, arbitrary: condition }),
    offer: fc.constantFrom<Record<string, unknown>>(
      { kind: 'banner', placement: 'bottom', title: '{user.firstName|Friend}', cta: { label: 'Go', href: '/x' } },
      { kind: 'toast', body: '{event.total|?} in cart' }, { kind: 'modal', code: 'C' },
      { kind: 'inline', placement: 'aside' }, { kind: 'headless', data: { tier: 'gold' } },
    ),
    priority: fc.integer({ min: -5, max: 5 }),
    enabled: fc.boolean(),
    cap: fc.record({ session: fc.nat(3), day: fc.nat(3), total: fc.nat(3) }, { requiredKeys: [] }),
    rollout: fc.double({ min: 0, max: 1, noNaN: true }),
  },
  { requiredKeys: ['on', 'offer'] },
)
const playbookOk = fc
  .record({
    stages: fc.array(fc.record({ on: fc.array(fc.constantFrom(...TRIGGERS), { minLength: 1, maxLength: 2 }), if: conditionOk, loop: fc.boolean() }, { requiredKeys: ['on'] }), { maxLength: 4 }),
    rules: fc.array(ruleOk, { maxLength: 6 }),
    groups: fc.constant({ g1: ['u-1', 2], g2: [] }),
  })
  .map(({ stages, rules, groups }) => ({
    version: '2026-11-25.1',
    stages: stages.map((st, i) => ({ ...st, id: `s${i}` })),
    rules: rules.map((r, i) => ({ ...r, id: `r${i}` })),
    groups,
  }))

// A context shaped like the SDK's, with random values where rules look.
const context = fc.record({
  event: fc.dictionary(fc.constantFrom('total', 'sku', 'x'), fc.jsonValue({ maxDepth: 1 })),
  user: fc.record({ id: fc.option(fc.string()), firstName: fc.option(fc.string()) }),
  visit: fc.record({ count: fc.nat(), returning: fc.boolean() }),
  journey: fc.record({ counts: fc.dictionary(fc.constantFrom('x', 'page'), fc.nat()), stages: fc.array(fc.constantFrom('s1', 'buy')) }),
  page: fc.record({ path: fc.constantFrom('/cart', '/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!', ''), query: fc.dictionary(fc.constant('q'), fc.string()) }),
  time: fc.record({ hour: fc.integer({ min: 0, max: 23 }) }),
})

/** Contexts no page should produce, but that a condition must survive. */
const hostileContexts = (): unknown[] => {
  const cyclic: Record<string, unknown> = { event: {} }
  ;(cyclic.event as Record<string, unknown>).self = cyclic
  const { proxy: revoked, revoke } = Proxy.revocable({}, {})
  revoke()
  const trap = () => { throw new Error('trap') }
  const throwing = new Proxy({}, { get: trap, has: trap, ownKeys: trap, getOwnPropertyDescriptor: trap, getPrototypeOf: trap })
  return [
    cyclic, revoked, throwing, { event: throwing }, { event: revoked },
    Object.defineProperty({}, 'event', { get: trap, enumerable: true }),
    { event: { total: Symbol('x') } }, { event: { total: 10n } }, { event: { total: () => 1 } },
    Object.create(null), null, undefined, 42, 'event', [1, 2],
  ]
}
const CONTEXT_CONDITIONS: unknown[] = [
  { 'event.total': { $gt: 1 } }, { 'event.total': 1 }, { 'event.total': { $type: 'number' } }, { event: { self: {} } },
  { 'event.self': { $exists: true } }, { 'event.total': { $in: [1, 'x'] } }, { 'event.total': { $regex: 'x' } },
  { 'event.total': { $vgt: '1.0.0' } }, { 'event.total': { $elemMatch: { $gt: 1 } } }, { 'event.total': { $size: 1 } },
  { 'event.total': [1] }, { $not: { 'event.total': 1 } }, { $or: [{ 'event.total': { $ne: 1 } }] }, { 'event.total': { $all: [1] } },
]

describe('compileCondition and validatePlaybook: what the other property tests leave out', () => {
  it('compileCondition never throws and answers a boolean for non-JSON conditions, groups and contexts', () => {
    fc.assert(
      fc.property(fc.oneof(anything, condition), fc.option(anything, { nil: undefined }), fc.array(fc.oneof(anything, context), { minLength: 1, maxLength: 3 }), (c, groups, contexts) => {
        const f = compileCondition(c, groups as never)
        for (const ctx of contexts) expect(typeof f(ctx)).toBe('boolean')
      }),
      { seed: SEED, numRuns: 1000 },
    )
  })

  it('compileCondition never throws and answers a boolean for hostile contexts (cycles, proxies that throw, getters that throw)', () => {
    for (const c of CONTEXT_CONDITIONS)
      for (const ctx of hostileContexts()) {
        const f = compileCondition(c)
        expect(typeof f(ctx), `${show(c)} on ${typeof ctx}`).toBe('boolean')
      }
  })

  it('compileCondition never throws for conditions nested 10,000 levels deep, and fails closed', () => {
    const deep = (wrap: (inner: unknown) => unknown, leaf: unknown) => {
      let c = leaf
      for (let i = 0; i < 10_000; i++) c = wrap(c)
      return c
    }
    const cases = [
      deep((c) => ({ $and: [c] }), { a: 1 }),
      deep((c) => ({ $or: [c] }), { a: 1 }),
      deep((c) => ({ $not: c }), { a: 1 }),
      { a: deep((c) => ({ $not: c }), 1) },
      { a: deep((c) => ({ $elemMatch: c }), { $eq: 1 }) },
      { a: deep((c) => ({ b: c }), 1) }, // a literal object 10,000 deep, compared through JSON
    ]
    for (const c of cases) {
      const f = compileCondition(c)
      expect(typeof f({ a: 1 })).toBe('boolean')
      expect(typeof f({ a: deep((x) => ({ b: x }), 1) })).toBe('boolean')
    }
  })

  it('validatePlaybook never throws for playbook-shaped documents with random operators, and names each problem by a path of the document', () => {
    fc.assert(
      fc.property(playbookDoc, fc.array(context, { minLength: 1, maxLength: 2 }), (doc, contexts) => {
        const result = validatePlaybook(doc)
        if (result.ok) expect(result.playbook).toBe(doc)
        else {
          expect(result.errors.length).toBeGreaterThan(0)
          const roots = Object.keys(doc)
          for (const e of result.errors) {
            const path = e.slice(0, e.indexOf(': '))
            expect(e.indexOf(': '), e).toBeGreaterThan(0)
            expect(roots.some((k) => path === k || path.startsWith(`${k}.`) || path.startsWith(`${k}[`)), e).toBe(true)
          }
        }
        // Whatever the verdict, every condition in it compiles and answers a boolean.
        const groups = doc.groups as Record<string, unknown[]> | undefined
        for (const x of [...(doc.rules || []), ...(doc.stages || [])]) {
          const f = compileCondition((x as { if?: unknown }).if, groups)
          for (const ctx of contexts) expect(typeof f(ctx)).toBe('boolean')
        }
      }),
      { seed: SEED, numRuns: 1000 },
    )
  })

  it('a playbook validatePlaybook accepts is applied by the SDK, and its triggers run without an error', async () => {
    let accepted = 0
    await fc.assert(
      fc.asyncProperty(fc.oneof(playbookOk, playbookDoc), async (doc: Record<string, any>) => {
        if (!validatePlaybook(doc).ok) return
        accepted++
        globalThis.indexedDB = new IDBFactory()
        const wm = make({ playbook: doc as Playbook, namespace: `accepted-${accepted}` })
        const applied: unknown[] = []
        wm.on('playbook', (p) => applied.push(p))
        await wm.ready
        for (const t of TRIGGERS) if (!t.startsWith('stage:')) wm.track(t, { total: 45 })
        wm.page()
        wm.identify('u-1', { firstName: 'Анна' })
        for (const r of doc.rules || []) expect(typeof wm.explain(r.id).fires).toBe('boolean')
        expect(wm.errors).toEqual([])
        expect(applied).toEqual([{ version: doc.version ?? null, from: 'inline' }])
        wm.destroy()
      }),
      { seed: SEED, numRuns: 300 },
    )
    console.log(`playbooks accepted by validatePlaybook and applied: ${accepted} of 300`)
    expect(accepted).toBeGreaterThan(60) // the generators are not all rejects
  })
})
