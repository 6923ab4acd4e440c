/**
 * Warnings for a valid playbook that would silently never do what its author meant: a
 * condition reading a context path that does not exist (`visit.returing`), a rule listening
 * to an event nothing emits but whose name is one typo away from one that is (`cart_view`),
 * `stage:`/`place:`/`order:` triggers naming nothing. Warnings, not errors: devices accept the
 * playbook. A custom event with no close known name is the site's own business, so it is
 * never flagged. Pure: no Node imports, so the studio runs it in a browser as you type.
 */
import { isArr, isObj } from '../is'
import { DEFAULT_STAGES } from '../journey'
import { STATUSES } from '../order-statuses'
import type { Condition, Playbook } from '../types'

/** One warning: `path` is the JSON path (`rules[2].on[0]`), `label` the same with the rule or stage id. */
export interface LintWarning {
  /** JSON path of the value, as validation messages name it: `rules[2].if.visit.returing`. */
  path: string
  /** What is wrong: `unknown context path; did you mean "visit.returning"?`. */
  message: string
  /** The path as people read it, with the rule's or stage's id: `rules[2] (welcome).if.visit.returing`. */
  label: string
}

// The decision context's paths (src/context.ts); the documented ones first, so they win ties.
const PATHS = [
  'user.id', 'visit.count', 'visit.returning', 'visit.daysSinceLast', 'session.count', 'journey.stage', 'journey.stages',
  'page.path', 'page.url', 'page.referrer', 'device.mobile', 'device.locale', 'time.hour', 'time.weekday', 'order.status',
  'place.id', 'session.id', 'journey.cycle', 'journey.counts', 'page.query',
  'event', 'user', 'visit', 'session', 'journey', 'page', 'device', 'time', 'order', 'place',
]
// Paths under which any name is read: the event's props, traits, counts per event, the query.
const OPEN = ['event.', 'user.', 'journey.counts.', 'page.query.']
const COUNTS = 'journey.counts.'
// Triggers the SDK itself emits besides stage:, order: and place: ones.
const BUILT_IN = ['page', 'session_start', 'identify', 'identity_restored']
// Counted in the journey but never a trigger: offers cannot cascade into other offers.
const OFFER_EVENTS = ['offer_shown', 'offer_clicked', 'offer_dismissed', 'offer_held_out']
const LOGICAL = ['$and', '$or', '$nor']

/**
 * Edit distance with transpositions (optimal string alignment): `returing` → `returning` is 1,
 * `cart_veiwed` → `cart_viewed` is 1.
 */
export function distance(a: string, b: string): number {
  const d: number[][] = []
  for (let i = 0; i <= a.length; i++) d[i] = [i]
  for (let j = 0; j <= b.length; j++) d[0][j] = j
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] == b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  return d[a.length][b.length]
}

// The same name up to case, separators and a plural s: `cartViewed`, `cart-viewed`, `cart_viewed`.
const squash = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '').replace(/s$/, '')

/** The candidate closest to `name` within `max` edits (or squashed the same), or undefined. */
function closest(name: string, candidates: Iterable<string>, max: number): string | undefined {
  let best: string | undefined
  let bestD = max + 1
  for (const c of candidates) {
    const d = squash(c) == squash(name) ? 0.5 : distance(name, c)
    if (d < bestD && c != name) [best, bestD] = [c, d]
  }
  return best
}

const didYouMean = (s: string | undefined) => (s ? `; did you mean ${JSON.stringify(s)}?` : '')
// A name's tolerance: one typo from 4 characters, two from 8; none below, where typos are words.
const tolerance = (name: string) => Math.min(2, Math.floor(name.length / 4))

/**
 * Lints a valid playbook (run `validatePlaybook` first).
 *
 * @param playbook a playbook that passed validation
 * @returns warnings in document order; empty when nothing looks wrong
 */
export function lintPlaybook(playbook: Playbook): LintWarning[] {
  const warnings: LintWarning[] = []
  const stages = playbook.stages || DEFAULT_STAGES
  const stageIds = stages.map((s) => s.id)
  const placeIds = (playbook.places || []).map((p) => p.id)
  // Who listens to each custom name: a name is known when someone other than the one checked lists it.
  const listeners = new Map<string, Set<string>>()
  const lists: Array<[owner: string, on: string[]]> = [
    ...stages.map((s, i): [string, string[]] => [`stages[${i}]`, s.on]),
    ...(playbook.rules || []).map((r, i): [string, string[]] => [`rules[${i}]`, r.on]),
  ]
  for (const [owner, on] of lists) for (const n of on) (listeners.get(n) || listeners.set(n, new Set()).get(n)!).add(owner)

  const labelOf = (owner: string, id: unknown) => (typeof id == 'string' && id ? `${owner} (${id})` : owner)
  const warn = (owner: string, id: unknown, rest: string, message: string) =>
    warnings.push({ path: owner + rest, label: labelOf(owner, id) + rest, message })

  // Why a trigger name is suspect, or null. `own` is the list it sits in (it does not vouch for itself).
  const eventProblem = (name: string, own: string, isRule: boolean): string | null => {
    const [prefix, rest] = [name.slice(0, name.indexOf(':') + 1), name.slice(name.indexOf(':') + 1)]
    const among = (what: string, ids: string[], plural = what + 's') => {
      if (ids.includes(rest)) return null
      const near = closest(rest, ids, Math.max(2, tolerance(rest)))
      if (near) return `${JSON.stringify(name)} names no ${what}${didYouMean(prefix + near)}`
      return `${JSON.stringify(name)} names no ${what}` + (ids.length ? ` (${plural}: ${ids.join(', ')})` : ` (the playbook has no ${plural})`)
    }
    if (prefix == 'stage:') return among('stage', stageIds)
    if (prefix == 'place:') return among('place', placeIds)
    if (prefix == 'order:') return among('order status', STATUSES, 'order statuses')
    if (OFFER_EVENTS.includes(name)) return isRule ? `${JSON.stringify(name)} triggers no rules: offer events never do, so offers cannot cascade` : null
    // Stages name the site's events; rules follow them, not the other way round: a stage's
    // name is only compared with other stages', a rule's with every stage's and other rules'.
    const vouches = (o: string) => o != own && (isRule || o.startsWith('stages'))
    const owners = listeners.get(name)
    if (BUILT_IN.includes(name) || (owners && [...owners].some(vouches))) return null
    const known = new Set([...BUILT_IN, ...(isRule ? [] : OFFER_EVENTS), ...stageIds.map((s) => 'stage:' + s), ...STATUSES.map((s) => 'order:' + s), ...placeIds.map((p) => 'place:' + p)])
    for (const [n, o] of listeners) if ([...o].some(vouches)) known.add(n)
    const near = closest(name, known, tolerance(name))
    return near ? `${JSON.stringify(name)} is not emitted by anything the playbook knows${didYouMean(near)}` : null
  }

  // Whether the context has `path`, else the warning's text.
  const pathProblem = (path: string): string | null => {
    if (PATHS.includes(path) || /^journey\.stages\.\d+$/.test(path)) return null
    if (path.startsWith(COUNTS)) return eventProblem(path.slice(COUNTS.length), '', false)
    if (OPEN.some((p) => path.startsWith(p) && path.length > p.length)) return null
    const parts = path.split('.')
    // An open path with a mistyped head keeps its tail: `usr.firstName` → `user.firstName`.
    const candidates = [...PATHS, ...OPEN.map((p) => p + parts.slice(p.split('.').length - 1).join('.')).filter((c) => !OPEN.includes(c))]
    return `unknown context path${didYouMean(closest(path, candidates, Math.max(2, tolerance(path))))}`
  }

  // Walks a condition through $and/$or/$nor and a condition-level $not. `$elemMatch` is left
  // alone: its paths are relative to the array's items, not the context.
  const condition = (c: unknown, owner: string, id: unknown, at: string): void => {
    if (!isObj(c)) return
    for (const k of Object.keys(c)) {
      const v = (c as Condition)[k]
      if (LOGICAL.includes(k) && isArr(v)) v.forEach((x, i) => condition(x, owner, id, `${at}.${k}[${i}]`))
      else if (k == '$not') condition(v, owner, id, `${at}.$not`)
      else if (k[0] != '$') {
        const why = pathProblem(k)
        if (why) warn(owner, id, `${at}.${k}`, why)
      }
    }
  }

  const check = (owner: string, id: unknown, on: string[], cond: Condition | undefined, isRule: boolean) => {
    on.forEach((name, i) => {
      const why = eventProblem(name, owner, isRule)
      if (why) warn(owner, id, `.on[${i}]`, why)
    })
    condition(cond, owner, id, '.if')
  }
  ;(playbook.stages || []).forEach((s, i) => check(`stages[${i}]`, s.id, s.on, s.if, false))
  ;(playbook.rules || []).forEach((r, i) => check(`rules[${i}]`, r.id, r.on, r.if, true))
  return warnings
}
