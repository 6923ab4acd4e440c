/**
 * The root entry's `compileCondition`: the condition language with its `$regex` matcher always
 * in place. An instance's own conditions (condition.ts) load the matcher only for a playbook
 * that has a regex; a direct call has no playbook to look at, so it brings the matcher along.
 */
import { type CompiledCondition, compileCondition as compile, useRegex } from './condition'
import { compileRegex } from './regex'

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
 * compileCondition({ path: { $regex: '^/(cart|checkout)' } })({ path: '/cart/2' }) // true
 */
export const compileCondition = (condition: unknown, groups?: Record<string, unknown[]>): CompiledCondition =>
  (useRegex(compileRegex), compile(condition, groups))
