/**
 * The rules engine: pure functions from a playbook's rules, a decision context and the
 * visitor's impression counts to decisions. No DOM, storage or network in here: the
 * instance feeds it and carries out what it decides.
 */
import type { Rule } from '../types'
import { has, setOwn } from '../is'
import { compileCondition, type CompiledCondition } from './condition'
import { parseDate } from '../playbook/dates'

// Counts are keyed by rule id, which a playbook names: `constructor` must not find Object.prototype's.
const own = (o: Impressions, id: string): ImpressionCount | undefined => (has(o, id) ? o[id] : undefined)

/** Impressions of one rule, for caps: in total, on one calendar day, in one session. */
export interface ImpressionCount {
  total: number
  day: string
  dayCount: number
  session: string
  sessionCount: number
}

/** Impressions per rule id. Held-out decisions count too, so the control group sees the same caps. */
export type Impressions = Record<string, ImpressionCount>

/** A rule ready to decide: its condition split by top-level path for `explain`, each part compiled once. */
export interface CompiledRule {
  id: string
  rule: Rule
  /** Each part's test is compiled on its first call, which then puts the compiled one in its place. */
  parts: Array<[path: string, test: CompiledCondition]>
  from: number
  until: number
  priority: number
  /** Offers in the same slot compete: all overlays share one, inline ones share their placement. */
  slot: string
}

/** Rules by id, and the enabled ones by trigger, in playbook order. */
export interface RuleIndex {
  byId: Map<string, CompiledRule>
  byTrigger: Map<string, CompiledRule[]>
}

/** What decisions depend on besides the context. */
export interface DecisionEnv {
  now: number
  anonymousId: string
  sessionId: string
  /** The visitor's calendar day, in their time zone. */
  day: string
  impressions: Impressions
  /** Id of the overlay offer on screen, if any. */
  overlay: string | null
}

/** The outcome of one trigger: offers to show, rules held out by rollout, and why the others did not fire. */
export interface Decisions {
  fire: CompiledRule[]
  heldOut: CompiledRule[]
  blocked: Array<[rule: string, reason: string]>
}

const OVERLAYS = ['banner', 'toast', 'modal']
const CAPS = ['session', 'day', 'total'] as const

/** The visitor's calendar day for `now`, in the device's time zone. */
export const dayOf = (now: number): string => new Date(now).toDateString()

// A part of a rule's condition, compiled on its first evaluation: a playbook of hundreds of
// rules is applied at every page start, before the first decision, yet a page view reaches
// only the few rules that listen to it. The compiled test replaces the stub in `part`, so
// later evaluations cost no indirection. compileCondition never throws, so neither does this.
const lazy = (path: string, c: object, groups?: Record<string, unknown[]>): [string, CompiledCondition] => {
  const part: [string, CompiledCondition] = [path, (context) => (part[1] = compileCondition(c, groups))(context)]
  return part
}

/**
 * Indexes rules once per playbook; each part of a condition is compiled once, when it is first
 * evaluated. An event then touches only the rules that listen to it; disabled rules are
 * indexed for `explain` but never evaluated.
 */
export function indexRules(rules: Rule[] = [], groups?: Record<string, unknown[]>): RuleIndex {
  const byId = new Map<string, CompiledRule>()
  const byTrigger = new Map<string, CompiledRule[]>()
  for (const rule of rules) {
    const cond = rule.if || {}
    const compiled: CompiledRule = {
      id: rule.id,
      rule,
      parts: Object.keys(cond).map((k) => lazy(k, { [k]: cond[k] }, groups)),
      // As validated: a date alone is a whole day in UTC, `until` included to its end.
      from: rule.from ? parseDate(rule.from) : -Infinity,
      until: rule.until ? parseDate(rule.until, true) : Infinity,
      priority: rule.priority || 0,
      slot: OVERLAYS.includes(rule.offer.kind) ? 'overlay' : `${rule.offer.kind}:${rule.offer.placement || ''}`,
    }
    byId.set(rule.id, compiled)
    if (rule.enabled !== false)
      for (const trigger of new Set(rule.on)) {
        const list = byTrigger.get(trigger)
        list ? list.push(compiled) : byTrigger.set(trigger, [compiled])
      }
  }
  return { byId, byTrigger }
}

/** Impressions of a rule so far in this session, today and in total. */
function counted(n: ImpressionCount | undefined, env: DecisionEnv): Record<(typeof CAPS)[number], number> {
  return {
    session: n && n.session === env.sessionId ? n.sessionCount : 0,
    day: n && n.day === env.day ? n.dayCount : 0,
    total: n ? n.total : 0,
  }
}

/**
 * Why a rule cannot fire now, or null when it can (rollout aside). Checked cheapest
 * first: enabled, schedule, caps, then the condition path by path, then the overlay slot.
 */
export function blocker(r: CompiledRule, context: unknown, env: DecisionEnv): string | null {
  const { rule } = r
  if (rule.enabled === false) return 'disabled'
  if (env.now < r.from) return `scheduled from ${rule.from}`
  if (env.now > r.until) return `ended ${rule.until}`
  const capped = capReached(r, env)
  if (capped) return capped
  for (const [path, test] of r.parts) if (!test(context)) return `condition not met: ${path}`
  if (r.slot === 'overlay' && env.overlay) return `overlay "${env.overlay}" is on screen`
  return null
}

/** Which cap, if any, the rule has reached: `cap: 1 of 1 per session`, or null. */
export function capReached({ id, rule }: CompiledRule, env: DecisionEnv): string | null {
  const counts = counted(own(env.impressions, id), env)
  for (const k of CAPS) {
    const max = rule.cap && rule.cap[k]
    if (max !== undefined && counts[k] >= max) return `cap: ${counts[k]} of ${max} per ${k}`
  }
  return null
}

/**
 * Merges impression counts another tab stored into `into`, in place: for the same session or
 * day the higher count wins, and the total is the higher of the two.
 */
export function mergeImpressions(into: Impressions, other: Impressions): void {
  for (const id in other) {
    const a = own(into, id)
    const b = other[id]
    setOwn(into, id, !a ? b : {
      total: Math.max(a.total, b.total),
      day: a.day,
      dayCount: a.day == b.day ? Math.max(a.dayCount, b.dayCount) : a.dayCount,
      session: a.session,
      sessionCount: a.session == b.session ? Math.max(a.sessionCount, b.sessionCount) : a.sessionCount,
    })
  }
}

/** FNV-1a: a stable, well-spread 32-bit hash, the same on every device and in every tab. */
export function hash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/** The visitor's stable bucket in [0, 1) for a rule: independent across rules. */
export const bucket = (anonymousId: string, ruleId: string): number => (hash(`${anonymousId}:${ruleId}`) % 10000) / 10000

/** Whether the visitor is inside the rule's rollout (always, without `rollout`). */
export const inRollout = ({ rule }: CompiledRule, anonymousId: string): boolean =>
  rule.rollout === undefined || bucket(anonymousId, rule.id) < rule.rollout

/**
 * Decides one trigger: among the rules listening to it that may fire, the highest priority
 * wins each slot (a tie goes to the rule listed first). A winner outside its rollout is held
 * out: it still takes the slot, so the control group sees nothing there.
 */
export function decide(index: RuleIndex, trigger: string, context: unknown, env: DecisionEnv): Decisions {
  const winners = new Map<string, CompiledRule>()
  const blocked: Decisions['blocked'] = []
  for (const r of index.byTrigger.get(trigger) || []) {
    const why = blocker(r, context, env)
    const best = winners.get(r.slot)
    if (why) blocked.push([r.id, why])
    else if (!best || r.priority > best.priority) {
      if (best) blocked.push([best.id, `outranked by "${r.id}"`])
      winners.set(r.slot, r)
    } else blocked.push([r.id, `outranked by "${best.id}"`])
  }
  const fire: CompiledRule[] = []
  const heldOut: CompiledRule[] = []
  for (const r of winners.values()) (inRollout(r, env.anonymousId) ? fire : heldOut).push(r)
  return { fire, heldOut, blocked }
}

/** Counts one impression (or held-out decision) of a rule, in place. */
export function countImpression(impressions: Impressions, ruleId: string, env: DecisionEnv): void {
  const c = counted(own(impressions, ruleId), env)
  setOwn(impressions, ruleId, {
    total: c.total + 1,
    day: env.day,
    dayCount: c.day + 1,
    session: env.sessionId,
    sessionCount: c.session + 1,
  })
}
