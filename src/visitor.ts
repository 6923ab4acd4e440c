import { uuid } from './ids'
import { has, isArr, isObj } from './is'
import { emptyJourney, MAX_STAGE_HISTORY, trimCounts } from './journey'
import type { Impressions } from './rules/engine'
import type { Identity, Journey, Profile, Props } from './types'

/** A visit (session) ends after this long without activity, unless `sessionMinutes` says otherwise. */
export const SESSION_IDLE_MS = 30 * 60 * 1000

/** Everything Waymark remembers about the visitor, as kept in memory. */
export interface VisitorState extends Omit<Profile, 'returning'> {
  /** Last activity of the previous visit, for `visit.daysSinceLast`. */
  previousSeen: number | null
  sessionId: string
  /** Events recorded in the current session. */
  sessionEvents: number
  journey: Journey
  /** Offer impressions per rule, for caps; shared across tabs like the rest. */
  impressions: Impressions
  /** When the visitor was last known inside each place (place id → epoch ms): no coordinates. */
  placesSeen: Record<string, number>
  /** Logical clock of the last change: across tabs, the newer state wins. */
  rev: number
  /**
   * Logouts so far on this device. A state from before a logout never wins over one after
   * it, whatever the clocks say (`rev` is taken from the clock, which can be set back).
   */
  epoch: number
}

/** What orders two copies of the visitor state (a stored one may lack `epoch`). */
export type Clock = { epoch?: unknown; rev: number }

/** Whether state `a` replaces `b` across tabs: a later logout first, then the later change. */
export function newer(a: Clock, b: Clock): boolean {
  const d = (Number(a.epoch) || 0) - (Number(b.epoch) || 0)
  return d > 0 || (d == 0 && a.rev > b.rev)
}

/**
 * How many rules' impression counts the visitor record keeps. Past it, the rules shown
 * longest ago go, 50 at a time, never the one just counted (its caps reset if it ever fires
 * again). Playbooks come and go; the record must not grow with every rule id ever shown.
 */
export const MAX_IMPRESSIONS = 500

/** Bounds the impression counts (see MAX_IMPRESSIONS); `keep` is never dropped. */
export function trimImpressions(impressions: Impressions, keep?: string): void {
  const ids = Object.keys(impressions)
  if (ids.length <= MAX_IMPRESSIONS) return
  const when = (id: string): number => Date.parse(impressions[id].day) || 0
  const drop = ids.filter((id) => id !== keep).sort((a, b) => when(a) - when(b))
  for (const id of drop.slice(0, ids.length - MAX_IMPRESSIONS + 50)) delete impressions[id]
}

/** A first-time visitor, at the start of their first visit (`epoch`: logouts before it). */
export function freshVisitor(now: number, epoch = 0): VisitorState {
  return {
    anonymousId: uuid(),
    userId: null,
    traits: {},
    visits: 1,
    firstSeen: now,
    lastSeen: now,
    previousSeen: null,
    sessionId: uuid(),
    sessionEvents: 0,
    journey: emptyJourney(),
    impressions: {},
    placesSeen: {},
    rev: now,
    epoch,
  }
}

/**
 * Marks activity at `now`. Returns true when it starts a new visit (the previous one went
 * idle for `idleMs`, 30 minutes by default); a reload inside the window continues the visit.
 */
export function touch(state: VisitorState, now: number, idleMs = SESSION_IDLE_MS): boolean {
  // A clock set back by more than a visit's idle time (a corrected device clock, a user
  // changing the date) leaves the real idle time unknowable: that counts as a new visit, on
  // the new clock. Otherwise the visit would last until real time caught up, days later.
  const jumpedBack = state.lastSeen - now > idleMs
  const idle = jumpedBack || now - state.lastSeen > idleMs
  if (idle) {
    state.visits++
    state.previousSeen = Math.min(state.lastSeen, now)
    state.sessionId = uuid()
    state.sessionEvents = 0
  }
  // Small corrections (NTP's seconds) keep the visit and never move lastSeen back.
  state.lastSeen = jumpedBack ? now : Math.max(now, state.lastSeen)
  state.firstSeen = Math.min(state.firstSeen, state.lastSeen)
  return idle
}

/** Bumps the logical clock after a change. */
export function changed(state: VisitorState): void {
  state.rev = Math.max(Date.now(), state.rev + 1)
}

/** The public profile: a copy, so the page cannot change state behind our back. */
export function profileOf(s: VisitorState): Profile {
  return {
    anonymousId: s.anonymousId,
    userId: s.userId,
    traits: { ...s.traits },
    visits: s.visits,
    firstSeen: s.firstSeen,
    lastSeen: s.lastSeen,
    returning: s.visits > 1,
  }
}

/** A copy of the journey for the page. */
export const journeyOf = ({ journey: j }: VisitorState): Journey => ({
  stage: j.stage,
  stages: j.stages.map((e) => ({ ...e })),
  counts: { ...j.counts },
  cycle: j.cycle,
})

/** What may be written to the device: only the traits named in `storeTraits`. */
export function persistable(s: VisitorState, storeTraits: string[]): VisitorState {
  const traits: Props = {}
  for (const k of storeTraits) if (has(s.traits, k)) traits[k] = s.traits[k]
  return { ...s, traits }
}

const isNum = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v < Infinity
const isId = (v: unknown): boolean => typeof v === 'string' && v !== ''
const all = (o: Record<string, unknown>, keys: string, test: (v: unknown) => boolean): boolean =>
  keys.split(' ').every((k) => test(o[k]))

/**
 * Accepts a state read from storage or another tab only if it has the right shape.
 * Anything else (an older schema, a foreign value under our key, a corrupt record)
 * yields null and the caller keeps what it has.
 */
export function restore(raw: unknown): VisitorState | null {
  if (!isObj(raw) || !isObj(raw.journey) || !isObj(raw.traits)) return null
  const j = raw.journey
  const ok =
    all(raw, 'anonymousId sessionId', isId) &&
    all(raw, 'visits firstSeen lastSeen sessionEvents rev', isNum) &&
    (raw.userId === null || isId(raw.userId)) && (raw.previousSeen === null || isNum(raw.previousSeen)) &&
    (j.stage === null || isId(j.stage)) && isNum(j.cycle) &&
    isObj(j.counts) && Object.values(j.counts).every(isNum) &&
    isArr(j.stages) && j.stages.every((e) => isObj(e) && isId(e.id) && isNum(e.at))
  if (!ok) return null
  const s = raw as unknown as VisitorState
  // Impressions came later than the rest: a state without them is still good, and a
  // broken entry only loses that rule's counts.
  const impressions = Object.entries(isObj(raw.impressions) ? raw.impressions : {}).filter(
    ([, n]) => isObj(n) && all(n, 'total dayCount sessionCount', isNum) && all(n, 'day session', isId),
  )
  const next: VisitorState = {
    ...s,
    epoch: isNum(raw.epoch) ? (raw.epoch as number) : 0, // states from before epochs: none yet
    traits: { ...s.traits },
    journey: { ...s.journey, stages: s.journey.stages.slice(-MAX_STAGE_HISTORY), counts: { ...s.journey.counts } },
    impressions: Object.fromEntries(impressions) as Impressions,
    placesSeen: Object.fromEntries(Object.entries(isObj(raw.placesSeen) ? raw.placesSeen : {}).filter(([, t]) => isNum(t))) as Record<string, number>,
  }
  // A record from before the bounds (or another tab's) is brought within them.
  trimCounts(next.journey.counts)
  trimImpressions(next.impressions)
  return next
}

/**
 * Adopts an answer into the state, as if the device had kept it: its anonymous id, and what
 * the page has not said itself meanwhile (its own `identify` wins). An answer that knows the
 * visitor makes the current visit a returning one. Returns the anonymous id it replaced.
 */
export function adoptIdentity(state: VisitorState, answer: Identity): string {
  const { userId, traits = {}, visits = 0, firstSeen } = answer
  const known = !!userId || Object.keys(traits).length > 0 || visits >= 1
  const previous = state.anonymousId
  state.anonymousId = answer.anonymousId
  if (state.userId === null && userId) state.userId = userId
  state.traits = { ...traits, ...state.traits }
  // The server counted the visits it saw; this one, begun on a wiped device, is the next.
  if (known) state.visits = Math.max(state.visits, visits + 1, 2)
  if (firstSeen) state.firstSeen = Math.min(state.firstSeen, firstSeen)
  return previous
}
