/**
 * Whole-document validation of a playbook before it is applied: a playbook with any problem
 * is rejected whole (the last good one stays in force), so authors get every problem at
 * once, each naming its JSON path, instead of fixing them one reload at a time.
 *
 * Table-driven to stay small (this ships in the browser core): each object shape is a table
 * of key → checker; a checker returns the message for its own path, or nothing.
 */
import { isArr, isObj } from '../is'
import type { Playbook } from '../types'
import { conditionErrors } from '../rules/condition-check'
import { DATE_FORMAT, parseDate } from './dates'

export { VALIDATOR_VERSION } from './validator-version'

export type ValidationResult = { ok: true; playbook: Playbook } | { ok: false; errors: string[] }

/** Checks `v`, found at path `p` in the object `o`; returns a message for `p`, or a falsy value. */
type Check = (v: any, p?: any, o?: any) => unknown

const q = JSON.stringify
const test = (ok: (v: any) => unknown, what: string): Check => (v) => !ok(v) && 'must be ' + what
const is = (type: string) => test((v) => typeof v == type, 'a ' + type)
const str = is('string')
const bool = is('boolean')
const names = test((v) => isArr(v) && v.length && v.every((n) => n && typeof n == 'string'), 'an array of event names')
const count = test((v) => Number.isInteger(v) && v >= 0, 'a non-negative integer')
const within = (lo: number, hi: number, unit = '') => test((v) => typeof v == 'number' && v >= lo && v <= hi, `a number from ${lo} to ${hi}${unit}`)
const date: Check = (v) => isNaN(parseDate(v)) && `${q(v)} is not an ISO 8601 date (${DATE_FORMAT})`
const KINDS = ['banner', 'toast', 'modal', 'inline', 'headless']

/** Levels of arrays and objects a condition, a group or an offer's `data` may nest. */
const MAX_DEPTH = 100

// Whether `v` nests deeper than `d` levels. The SDK walks these values recursively
// (`JSON.stringify`, the condition compiler), and a stack gives out after a few thousand levels
// in some engines: deeper values are refused here, with their path, rather than there without
// one. This walk stops at the limit, so no depth (nor a cycle) can overflow it.
const over = (v: any, d = MAX_DEPTH): unknown => v && typeof v == 'object' && (!d || Object.values(v).some((x) => over(x, d - 1)))
const deep: Check = (v) => over(v) && `nested deeper than ${MAX_DEPTH} levels`

/**
 * Checks a playbook document whole; never throws, for any JSON value (or any JS value).
 * Every problem is reported, in document order, as one message naming its JSON path, and for
 * a rule with an id that id at the end, e.g.
 * `rules[3].if.event.total: unknown operator "$gtt" (rule "free-shipping-nudge")` or
 * `stages[1].id: duplicate stage "a"`.
 *
 * @param doc the playbook, as parsed from JSON
 * @returns `{ ok: true, playbook }` (the document itself) or `{ ok: false, errors }` (never empty)
 *
 * @example
 * const result = validatePlaybook(await (await fetch('/playbook.json')).json())
 * if (!result.ok) console.error(result.errors.join('\n')) // rules[3].if.event.total: unknown operator "$gtt"
 */
export function validatePlaybook(doc: unknown): ValidationResult {
  const errors: string[] = []

  // Runs one check; anything unreadable (throwing getters, revoked proxies) becomes a message.
  const at = (p: string, check: () => unknown) => {
    let m
    try {
      m = check()
    } catch {
      m = 'could not be read'
    }
    if (m) errors.push(p + ': ' + m)
  }

  // An object checked by a table of key -> check, whose first `required` keys must be present
  // (`undefined` counts as absent); or, when `table` is itself a check, a record (or with
  // `list`, an array) whose values all pass it. Keys are visited in document order, then the
  // missing required ones, so every problem is reported, not only the first.
  const obj =
    (table: any, required = 0, list?: 1): Check =>
    (o, p) => {
      if (!(list ? isArr(o) : isObj(o))) return 'must be an ' + (list ? 'array' : 'object')
      const keys = Object.keys(table) // [] for a record's check
      for (const k of new Set([...Object.keys(o), ...keys.slice(0, required)])) {
        const i = keys.indexOf(k) // not `k in table`, which would find `toString`
        const kp = list ? p + `[${k}]` : p ? p + '.' + k : k
        at(kp, () =>
          table.call // a record's check (no table has a key `call`)
            ? table(o[k], kp, o)
            : i < 0
              ? 'unknown key'
              : (o[k] !== undefined || i < required) && table[k](o[k], kp, o),
        )
      }
    }
  const list = (item: Check) => obj(item, 0, 1)

  const id = (what: string): Check => {
    const seen = new Set()
    return (v) =>
      !v || typeof v != 'string'
        ? 'must be a non-empty string'
        : seen.has(v)
          ? `duplicate ${what} ${q(v)}`
          : void seen.add(v)
  }

  // Messages come prefixed with their paths.
  const condition: Check = (v, p) =>
    !isObj(v) ? 'must be a condition object' : deep(v) || void conditionErrors(v, p).map((m) => errors.push(m))

  // An http(s) URL written out (`https://host/…`), or a relative one that stays on the site
  // (`/x`, `x`, `../x`, `?q`, `#h`). Not relative, though they look it: `//host/x` and its
  // backslash forms (`/\host`, `\\host`: browsers read them as `//host`), and `https:host`
  // (another host on an http page). Read as the URL parser reads it: leading spaces and
  // controls dropped, tabs and newlines removed, scheme case ignored.
  const href: Check = (v) => {
    if (str(v)) return str(v)
    const t = (v as string).replace(/^[\0- ]+|[\t\n\r]/g, '')
    let scheme
    try {
      scheme = new URL(t, 'https://x.invalid/').protocol
    } catch {}
    const ok = /^[a-z][a-z\d+.-]*:/i.test(t) ? /^https?:\/\/[^/\\]/i.test(t) && /^https?:$/.test(scheme!) : scheme && !/^[/\\]{2}/.test(t)
    return !ok && 'must be an http(s) or relative URL, got ' + q(v)
  }

  // One text, or one per language (`{ "en": "…", "ru": "…" }`): keys are language tags.
  const text: Check = (v, p) =>
    typeof v != 'string' &&
    (!isObj(v) || !Object.keys(v).length
      ? 'must be a string, or one string per language tag'
      : void Object.keys(v).map((k) => at(p + '.' + k, () => (/^[a-z]{2,3}(-[a-z\d]{2,8})*$/i.test(k) ? str(v[k]) : 'not a language tag'))))

  const offer = obj(
    {
      kind: test((v) => KINDS.includes(v), 'one of ' + KINDS.join(', ')),
      // Required (second key) so that it is checked when absent: an inline offer names its
      // `<waymark-slot>`; a banner says which edge of the screen it sits on.
      placement: (v: any, _: string, o: any) =>
        !v && o.kind == 'inline'
          ? 'required for inline offers'
          : v !== undefined && (str(v) || (o.kind == 'banner' && v != 'top' && v != 'bottom' && 'must be "top" or "bottom"')),
      title: text,
      body: text,
      code: str,
      cta: obj({ label: text, href }, 1),
      data: deep, // any JSON, for headless offers
    },
    2,
  )

  const root = obj({
    $schema: str,
    version: str,
    // Devices refuse the playbook after it (`waymark sign --expires 30d` writes it).
    expires: date,
    stages: list(obj({ id: id('stage'), on: names, if: condition, loop: bool }, 2)),
    rules: list(
      obj(
        {
          id: id('rule id'),
          on: names,
          offer,
          enabled: bool,
          if: condition,
          priority: test(Number.isFinite, 'a finite number'),
          cap: obj({ session: count, day: count, total: count }),
          from: date,
          // A `from` that does not parse compares false (NaN), so only its own error is reported.
          // A date alone is a whole day: `from` from its start, `until` to its end.
          until: (v: any, _: string, o: any) => date(v) || (parseDate(o.from) >= parseDate(v, true) && 'must be after from'),
          rollout: within(0, 1),
        },
        3,
      ),
    ),
    texts: obj(obj(str)),
    groups: obj((v: unknown) => (isArr(v) ? deep(v) : 'must be an array')),
    places: list(obj({ id: id('place'), lat: within(-90, 90), lng: within(-180, 180), radius: within(10, 5000, ' (metres)') }, 4)),
  })

  at('playbook', () => root(doc, ''))
  // A rule's messages name its id too, appended so that the path stays a prefix users match.
  const named = errors.map((m) => {
    const n = /^rules\[(\d+)\](?!\.id:)/.exec(m)
    let id
    try {
      id = n && (doc as any).rules[n[1]].id
    } catch {}
    return id && typeof id == 'string' ? `${m} (rule ${q(id)})` : m
  })
  return errors.length ? { ok: false, errors: named } : { ok: true, playbook: doc as Playbook }
}
