/**
 * Static checks of conditions, for playbook validation and the CLI. Kept apart from
 * `condition.ts` so the browser core, which only compiles conditions, never ships it.
 *
 * The compiler fails closed on anything it cannot read; this module says why, with the
 * JSON path of each problem, so a playbook author can fix a rule instead of wondering
 * why it never fires.
 */

import { isArr, isObj } from '../is'
import { isOps } from './condition'
import { MAX_REGEX_COST, compileRegex, type Refusal } from './regex'

type Check = (operand: unknown, path: string, out: string[], op: string) => void

const join = (path: string, key: string) => (path ? `${path}.${key}` : key)
const quote = (s: unknown) => JSON.stringify(s)

const TYPES = ['string', 'number', 'boolean', 'object', 'array', 'null', 'undefined']

const need =
  (test: (x: unknown) => boolean, what: string): Check =>
  (e, p, out, op) => {
    if (!test(e)) out.push(`${p}: "${op}" needs ${what}`)
  }

const scalar = need((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x), 'a string, number, boolean or null')
const version = need((x) => typeof x == 'string' || typeof x == 'number', 'a version string')
const list = need(isArr, 'an array')
const group = need((x) => typeof x == 'string', 'a group name')

const allOf: Check = (e, p, out, op) => {
  if (!isArr(e)) list(e, p, out, op)
  else e.forEach((x, i) => checkValue(x, `${p}.${op}[${i}]`, out))
}

// Why the matcher refuses a pattern (% stands for it); `$regexi` compiles with case folding.
const REFUSED: Record<Refusal, string> = {
  invalid: 'invalid regex %',
  'too large': `regex too large % (over ${MAX_REGEX_COST} steps per character)`,
  backreference: 'unsupported regex % (backreference or octal escape)',
  lookaround: 'unsupported regex % (lookaround)',
  unsupported: 'unsupported regex % (group syntax)',
}
const regex: Check = (e, p, out, op) => {
  if (typeof e != 'string') return void out.push(`${p}: "${op}" needs a pattern string`)
  const why = compileRegex(e, op == '$regexi')
  if (typeof why == 'string') out.push(`${p}: ${REFUSED[why].replace('%', () => quote(e))}`)
}

// Operand checks, one per operator; the key set is also the list of known operators.
const CHECKS: Record<string, Check> = {
  $eq: scalar,
  $ne: scalar,
  $lt: scalar,
  $lte: scalar,
  $gt: scalar,
  $gte: scalar,
  $veq: version,
  $vne: version,
  $vlt: version,
  $vlte: version,
  $vgt: version,
  $vgte: version,
  $in: list,
  $nin: list,
  $ini: list,
  $nini: list,
  $all: allOf,
  $alli: allOf,
  $inGroup: group,
  $notInGroup: group,
  $exists: need((x) => typeof x == 'boolean', 'true or false'),
  $type: need((x) => TYPES.includes(x as string), `one of ${TYPES.join(', ')}`),
  $regex: regex,
  $regexi: regex,
  $not: (e, p, out) => checkValue(e, `${p}.$not`, out),
  $size: (e, p, out, op) => {
    if (isOps(e)) checkValue(e, `${p}.$size`, out)
    else if (typeof e != 'number') out.push(`${p}: "${op}" needs a number or condition`)
  },
  $elemMatch: (e, p, out, op) => {
    if (isOps(e)) checkValue(e, `${p}.$elemMatch`, out)
    else if (isObj(e)) checkCondition(e, `${p}.$elemMatch`, out)
    else out.push(`${p}: "${op}" needs a condition`)
  },
}

const LOGICAL = ['$and', '$or', '$nor']

/**
 * Every operator the validator knows: field operators and the logical ones. For tooling
 * (the JSON Schema's test keeps the schema in step with it); a function, so that bundles
 * that do not call it drop it.
 */
export const knownOperators = (): string[] => [...Object.keys(CHECKS), ...LOGICAL]

// What a field is compared with: a literal (always valid) or an operator object.
function checkValue(v: unknown, p: string, out: string[]): void {
  if (isOps(v)) {
    for (const op of Object.keys(v)) {
      const check = CHECKS[op] // keys all start with `$`, so no prototype key can match
      if (check) check(v[op], p, out, op)
      else out.push(`${p}: unknown operator "${op}"`)
    }
  } else if (isObj(v) && Object.keys(v).some((k) => k[0] == '$')) {
    // `{ $gt: 1, b: 2 }` silently becomes a literal object compared for equality.
    out.push(`${p}: mixes operators with plain keys`)
  }
}

function checkCondition(c: unknown, p: string, out: string[]): void {
  if (!isObj(c)) return void out.push(`${p}: condition must be an object`)
  for (const k of Object.keys(c)) {
    const v = c[k]
    if (LOGICAL.includes(k)) {
      if (isArr(v)) v.forEach((x, i) => checkCondition(x, `${join(p, k)}[${i}]`, out))
      else out.push(`${p}: "${k}" needs an array of conditions`)
    } else if (k == '$not') checkCondition(v, join(p, k), out)
    // Any other key is a path (GrowthBook allows `$groups`), but an operator that only
    // applies to a field is almost surely misplaced.
    else if (k[0] == '$' && CHECKS[k]) out.push(`${p}: "${k}" needs a field, e.g. { "path": { "${k}": … } }`)
    else checkValue(v, join(p, k), out)
  }
}

/**
 * Static check of a condition for playbook validation: one message per problem, each
 * prefixed with the JSON path given, e.g.
 * `conditionErrors({ 'event.total': { $gtt: 5 } }, 'rules[3].if')` →
 * `['rules[3].if.event.total: unknown operator "$gtt"']`.
 *
 * Reports unknown operators, invalid regexes (and, as "unsupported regex", backreferences and
 * lookaround; as "regex too large", patterns over the matcher's cost limit), wrong operand
 * types (`$in` needs an array, `$and`/`$or`/`$nor` need arrays of objects, `$size` needs a
 * number or condition, …) and non-object conditions. Never throws for any input; an empty array means the condition is valid.
 *
 * @param condition the condition to check, as parsed from JSON
 * @param path JSON path of the condition inside its document, used as message prefix
 */
export function conditionErrors(condition: unknown, path: string): string[] {
  const out: string[] = []
  try {
    checkCondition(condition, path, out)
  } catch {
    // Only non-JSON input gets here: cycles (stack overflow), throwing getters, proxies.
    out.push(`${String(path)}: condition is not readable JSON`)
  }
  return out
}
