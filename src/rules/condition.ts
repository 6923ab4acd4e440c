/**
 * The condition language of playbook rules: MongoDB-style conditions, compatible with
 * GrowthBook's `evalCondition` (sdk-js `mongrule.ts`, spec 0.8.0).
 *
 * A condition is compiled once into a tree of closures when a playbook is applied, so
 * evaluating a rule on every event costs no parsing, and no code is generated at run
 * time (pages may run a strict CSP without 'unsafe-eval'). Where GrowthBook would throw or read a malformed
 * condition loosely, the compiled part fails closed instead: a broken rule never fires.
 */

import { isArr, isObj } from '../is'
import type { compileRegex } from './regex'

/** A compiled condition: `true` when the context matches. Never throws. */
export type CompiledCondition = (context: unknown) => boolean

// Predicates take `any` because they reproduce JavaScript's own loose comparisons
// (`"8" > 5`, `null < 10`), which is exactly what GrowthBook's semantics are built on.
type P = (a: any) => boolean
type Groups = Record<string, unknown>
type Op = (operand: any, groups: Groups) => P

// Regexes only ever see this many characters: with the matcher's cost limit, that bounds the
// work of one evaluation (regex.ts).
const MAX_REGEX_INPUT = 1000

const no: P = () => false

// The `$regex` matcher (regex.ts, about 1 kB) is given, not imported: most playbooks have no
// regex, so an instance loads it only for one that has (see `withRegex`), and the root
// `compileCondition` hands it over on every call. Until then a `$regex` part fails closed.
let compileRe: typeof compileRegex | undefined

/** Gives conditions the `$regex` matcher; `$regex` parts compiled before it match from then on. */
export const useRegex = (c: typeof compileRegex): void => void (compileRe = c)

/** Whether conditions have the `$regex` matcher. */
export const hasRegex = (): boolean => !!compileRe

const not = (f: P): P => (a) => !f(a)
// A loop, not `fs.every((f) => f(a))`, which makes a closure on every evaluation; and most
// conjunctions have one part, which needs no wrapper at all.
const every = (fs: P[]): P =>
  fs.length == 1
    ? fs[0]
    : (a) => {
        for (const f of fs) if (!f(a)) return false
        return true
      }

/**
 * Whether a value is an operator object. GrowthBook treats an object as operators only if it
 * is non-empty and every key starts with `$`; anything else (`{}`, `{ $gt: 1, b: 2 }`) is a
 * literal value compared for equality.
 */
export const isOps = (x: unknown): x is Record<string, unknown> => {
  const keys = isObj(x) ? Object.keys(x) : []
  return keys.length > 0 && keys.every((k) => k[0] == '$')
}

/**
 * Reads a dot path (already split) from the context. A missing step yields `null` (not
 * `undefined`) because GrowthBook's `null`, `$exists` and comparison cases depend on it
 * (`null < 10` is true).
 */
export const getPath = (o: unknown, keys: string[]): unknown => {
  for (const k of keys) o = o && typeof o == 'object' && k in o ? (o as any)[k] : null
  return o
}

// GrowthBook's version padding: drop a leading `v` and build metadata, split on `.`/`-`,
// give a plain x.y.z a `~` tail (sorts after any pre-release) and right-align numeric
// parts, so that plain string comparison orders versions.
const pad = (v: unknown): string => {
  const parts = (typeof v == 'number' ? v + '' : v && typeof v == 'string' ? v : '0')
    .replace(/^v|\+.*$/g, '')
    .split(/[-.]/)
  if (parts.length == 3) parts.push('~')
  return parts.map((p) => (/^\d+$/.test(p) ? p.padStart(5, ' ') : p)).join('-')
}

const version =
  (test: (a: string, b: string) => boolean): Op =>
  (e) => {
    const b = pad(e) // the operand is padded once, at compile time
    // An attribute such as an app version rarely changes between evaluations, so the last
    // padding is kept: padding costs several regexes, the comparison almost nothing.
    let last: unknown = {}
    let padded = ''
    return (a) => test(a === last ? padded : ((last = a), (padded = pad(a))), b)
  }

// Membership; an array attribute matches when any of its elements is in the list.
// The `i` variants fold string case on both sides.
const isIn = (list: unknown[], i?: 1): P => {
  const fold = (x: unknown) => (i && typeof x == 'string' ? x.toLowerCase() : x)
  const folded = list.map(fold)
  return (a) => (isArr(a) ? a.some((x) => folded.includes(fold(x))) : folded.includes(fold(a)))
}

// `$in`-like operators fail closed on a non-array operand, as in GrowthBook.
const listOp =
  (make: (list: unknown[]) => P): Op =>
  (e) =>
    isArr(e) ? make(e) : no

// `$all`: every operand item must match some element (items may themselves be conditions).
const allOf =
  (i?: 1): Op =>
  (e, g) => {
    if (!isArr(e)) return no
    const fs = e.map((x) => val(x, g, i))
    return (a) => isArr(a) && fs.every((f) => a.some(f))
  }

// A pattern runs in linear time (regex.ts): one evaluation costs at most MAX_REGEX_COST steps
// per character. A pattern the matcher refuses (invalid, a backreference or lookaround, too
// large) makes this part fail closed, as GrowthBook does for an invalid one. The program is
// built on the first match once the matcher is given, once per closure (nothing is cached
// globally): a condition that never reaches its regex never pays for it.
const regex =
  (i?: 1): Op =>
  (e) => {
    if (typeof e != 'string') return no
    let m: ReturnType<typeof compileRegex> | undefined
    return (a) => typeof (m ||= compileRe?.(e, !!i)) == 'function' && m((a + '').slice(0, MAX_REGEX_INPUT))
  }

const group = (g: Groups, name: unknown): unknown[] => {
  const list = g[name as string]
  return isArr(list) ? list : [] // an unknown group is an empty one, as in GrowthBook
}

const typeOf = (a: unknown): string => {
  const t = typeof a
  // GrowthBook only names JSON-ish types; functions, symbols and bigints are "unknown".
  return a === null ? 'null' : isArr(a) ? 'array' : 'string number boolean object undefined'.includes(t) ? t : 'unknown'
}

// The comparisons, each an operator twice: on values (`$lt`) and on versions (`$vlt`).
const COMPARE: Record<string, (a: any, b: any) => boolean> = {
  eq: (a, b) => a === b,
  ne: (a, b) => a !== b,
  lt: (a, b) => a < b,
  lte: (a, b) => a <= b,
  gt: (a, b) => a > b,
  gte: (a, b) => a >= b,
}

// Operator table: each entry turns an operand into a predicate on the attribute value.
const OPS: Record<string, Op> = {
  // Loose `!=`: an attribute explicitly set to `undefined` counts as missing.
  $exists: (e) => (e ? (a) => a != null : (a) => a == null),
  $in: listOp(isIn),
  $nin: listOp((l) => not(isIn(l))),
  $ini: listOp((l) => isIn(l, 1)),
  $nini: listOp((l) => not(isIn(l, 1))),
  $inGroup: (e, g) => isIn(group(g, e)),
  $notInGroup: (e, g) => not(isIn(group(g, e))),
  $all: allOf(),
  $alli: allOf(1),
  $not: (e, g) => not(val(e, g)),
  $size: (e, g) => {
    const f = val(e, g)
    return (a) => isArr(a) && f(a.length)
  },
  $elemMatch: (e, g) => {
    // An operator object tests each element itself; a plain object is a condition on
    // each element's fields. GrowthBook skips falsy elements (0, "", null) here.
    const f = isOps(e) ? val(e, g) : cond(e, g)
    return (a) => isArr(a) && a.some((x) => x && f(x))
  },
  $regex: regex(),
  $regexi: regex(1),
  $type: (e) => (a) => typeOf(a) === e,
}
// `$eq` … `$gte` compare with the operand as it is; `$veq` … `$vgte` with it as a version.
for (const k in COMPARE) {
  const test = COMPARE[k]
  OPS['$' + k] = (e) => (a) => test(a, e)
  OPS['$v' + k] = version(test)
}

// Compiles what a path is compared with: a literal (GrowthBook's loose equality rules)
// or an operator object. `i` makes string literals case-insensitive (for `$alli`).
const val = (e: unknown, g: Groups, i?: 1): P => {
  if (typeof e == 'string') {
    const s = i ? e.toLowerCase() : e
    return (a) => (i ? (a + '').toLowerCase() : a + '') === s
  }
  if (typeof e == 'number') return (a) => a * 1 === e
  // `false` does not match a missing attribute (null), only present falsy values.
  if (typeof e == 'boolean') return (a) => a !== null && !!a === e
  if (e === null) return (a) => a === null
  if (!isOps(e)) {
    // Arrays and plain objects: deep equality, through JSON as GrowthBook does
    // (so key order matters), serialised once for the operand.
    const json = JSON.stringify(e)
    return (a) => JSON.stringify(a) === json
  }
  // Unknown operators never match (the prototype holds no `$` keys, so lookup is safe).
  return every(Object.keys(e).map((k) => (OPS[k] ? OPS[k](e[k], g) : no)))
}

// Compiles a condition object: implicit AND over its keys, each a dot path or one of
// the logical operators. Malformed logical operands fail closed rather than open.
const cond = (c: unknown, g: Groups): P => {
  if (!isObj(c)) return no
  return every(
    Object.keys(c).map((k): P => {
      const v = c[k]
      if (k == '$not') return isObj(v) ? not(cond(v, g)) : no
      if (k == '$and' || k == '$or' || k == '$nor') {
        if (!isArr(v) || !v.every(isObj)) return no
        const fs = v.map((x) => cond(x, g))
        // An empty `$or` passes, so an empty `$nor` fails: GrowthBook's rule.
        const or: P = (a) => {
          for (const f of fs) if (f(a)) return true
          return !fs.length
        }
        return k == '$and' ? every(fs) : k == '$or' ? or : not(or)
      }
      const keys = k.split('.')
      const f = val(v, g)
      return (a) => f(getPath(a, keys))
    }),
  )
}

/**
 * Compiles a MongoDB-style condition (GrowthBook's condition language) once into closures
 * (no code generated at run time). Never throws, at compile time or when called: an unknown
 * operator, an invalid regex or a malformed condition compile to a function that fails
 * closed (returns `false` for that part, GrowthBook semantics); a non-object condition
 * never matches.
 *
 * @param condition e.g. `{ "event.total": { "$gte": 40 }, "visit.returning": true }`
 * @param groups saved groups read by `$inGroup` / `$notInGroup` (name → members)
 * @returns a reusable predicate over the decision context
 *
 * @example
 * const returningBigCart = compileCondition({ 'event.total': { $gte: 40 }, 'visit.returning': true })
 * returningBigCart({ event: { total: 45 }, visit: { returning: true } }) // true
 * compileCondition({ x: { $gtt: 1 } })({ x: 5 }) // false: an unknown operator never matches
 */
export function compileCondition(condition: unknown, groups?: Record<string, unknown[]>): CompiledCondition {
  try {
    const f = cond(condition, groups || {})
    // Exotic contexts (getters that throw, cycles in JSON equality, symbols) end as `false`.
    return (context) => {
      try {
        return f(context)
      } catch {
        return false
      }
    }
  } catch {
    return () => false // e.g. a BigInt operand or a condition too deep for the stack
  }
}
