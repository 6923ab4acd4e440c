// The JSON Schema (src/playbook/playbook.schema.json, for editors) against validatePlaybook
// (the authority, run by the SDK and the CLI): one table of examples run through both, so
// the table documents exactly where a schema cannot follow the validator.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv2020 from 'ajv/dist/2020'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { validatePlaybook } from '../src/playbook/validate'
import { knownOperators } from '../src/rules/condition-check'
import schema from '../src/playbook/playbook.schema.json'
import { DESIGN_EXAMPLE } from './design-example'

const ajv = new Ajv2020({ strict: true, allErrors: true })
const schemaCheck = ajv.compile(schema)
const schemaErrors = (doc: unknown) => (schemaCheck(doc) ? [] : schemaCheck.errors!.map((e) => `${e.instancePath} ${e.message}`))
const validatorErrors = (doc: unknown) => {
  const result = validatePlaybook(doc)
  return result.ok ? [] : result.errors
}


// Paths, not URLs: under jsdom the global URL is jsdom's, which node:fs does not take.
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const readJson = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8'))
const SERVER_EXAMPLE = readJson('examples/server/playbook.json')

/** A valid rule, with `extra` merged over it. */
const rule = (extra: Record<string, unknown> = {}) => ({ id: 'r', on: ['x'], offer: { kind: 'toast' }, ...extra })
const withRule = (extra: Record<string, unknown>) => ({ rules: [rule(extra)] })
const withIf = (condition: unknown) => withRule({ if: condition })
const withOffer = (offer: Record<string, unknown>) => withRule({ offer })
const withHref = (href: unknown) => withOffer({ kind: 'toast', cta: { label: 'Go', href } })

/** Every key of a playbook, every offer kind and every operator, all valid. */
const EVERY_KEY = {
  $schema: './node_modules/waymark/src/playbook/playbook.schema.json',
  version: '1',
  expires: '2026-12-25T00:00:00Z',
  stages: [
    { id: 'look', on: ['page', 'session_start'] },
    { id: 'own', on: ['order:delivered', 'stage:look'], if: { 'user.id': { $exists: true } }, loop: true },
  ],
  rules: [
    rule({
      id: 'all',
      enabled: false,
      on: ['identify', 'stage:own'],
      priority: -1.5,
      cap: { session: 0, day: 2, total: 10 },
      from: '2026-01-01',
      until: '2026-02-01T00:00:00+01:00',
      rollout: 0,
      offer: { kind: 'modal', title: 't', body: 'b', code: 'C', cta: { label: 'l', href: 'https://x.example/a?b#c' }, data: { any: [1, null] } },
    }),
    rule({ id: 'b', offer: { kind: 'banner', placement: 'bottom', cta: { label: 'Go' } }, rollout: 1 }),
    rule({ id: 'i', offer: { kind: 'inline', placement: 'cart-sidebar' } }),
    rule({ id: 'h', offer: { kind: 'headless', placement: 'anything', data: 'x' } }),
    rule({ id: 't', offer: { kind: 'toast', cta: { label: 'Go', href: 'HTTP://x.example' } } }),
  ],
  texts: { en: { 'greeting.morning': 'Good morning, {name}!', custom: 'x' }, 'ru-RU': {} },
  groups: { vip: ['u-1'], empty: [] },
}

const EVERY_OPERATOR = withIf({
  a: { $eq: 1, $ne: 'x', $lt: 3, $lte: null, $gt: true, $gte: 0 },
  b: { $in: [1], $nin: [], $ini: ['A'], $nini: ['b'] },
  c: { $all: [1, { $gt: 0 }], $alli: ['x'], $size: { $gt: 1 }, $elemMatch: { $gt: 1 } },
  d: { $elemMatch: { name: 'x', 'price.total': { $lt: 5 } }, $size: 2 },
  e: { $exists: false, $type: 'array', $regex: '^a+b$', $regexi: 'x' },
  f: { $not: { $regex: 'y' }, $inGroup: 'vip', $notInGroup: 'vip' },
  g: { $veq: '1.2.3', $vne: 1, $vlt: '2.0.0-beta', $vlte: '2', $vgt: 'v0.1', $vgte: '0.0.1' },
  h: { $not: 5 },
  $and: [{ x: 1 }, { $or: [{ y: 2 }, { $nor: [{ z: 3 }] }] }],
  $not: { w: { $in: [1] } },
  $groups: { $elemMatch: { $eq: 'beta' } }, // a path (GrowthBook allows it), not an operator
  literal: { city: 'Berlin', tags: ['a'] },
  empty: {},
  list: [1, 2],
})

const VALID: Array<[name: string, doc: unknown]> = [
  ['the DESIGN.md example', DESIGN_EXAMPLE],
  ['examples/server/playbook.json', SERVER_EXAMPLE],
  ['an empty playbook', {}],
  ['every key, kind and placement', EVERY_KEY],
  ['every operator', EVERY_OPERATOR],
  ['dates in every accepted form', { expires: '2026-12-31', rules: ['2026-12-31', '2024-02-29T12:00Z', '2026-12-31T23:59:59.999Z', '2026-12-31T23:59:59.123-05:30'].map((until, i) => rule({ id: `r${i}`, until })) }],
  ['texts per language', withOffer({ kind: 'modal', title: { en: 'Hi', 'en-GB': 'Hi', ru: 'Привет', 'zh-Hant-TW': '你好' }, body: { ru: 'b' }, cta: { label: { en: 'Go', ru: 'Далее' } } })],
  ['relative links', { rules: ['/a', 'a/b:c', '../up', '?q=1', '#top', ''].map((href, i) => rule({ id: `r${i}`, offer: { kind: 'toast', cta: { label: 'l', href } } })) }],
]

describe('valid playbooks pass the schema and the validator', () => {
  it.each(VALID)('%s', (_, doc) => {
    expect(validatorErrors(doc)).toEqual([])
    expect(schemaErrors(doc)).toEqual([])
  })
})

// [name, document, path of the validator's message, does the schema catch it too?]
const INVALID: Array<[name: string, doc: unknown, path: string, schema: boolean]> = [
  ['not an object', [], 'playbook', true],
  ['null', null, 'playbook', true],
  ['an unknown top-level key', { colour: 'red' }, 'colour', true],
  ['a version that is a number', { version: 1 }, 'version', true],
  ['$schema that is not a string', { $schema: 1 }, '$schema', true],
  ['stages that are not an array', { stages: {} }, 'stages', true],
  ['a stage without on', { stages: [{ id: 'a' }] }, 'stages[0].on', true],
  ['a stage with an unknown key', { stages: [{ id: 'a', on: ['x'], next: 'b' }] }, 'stages[0].next', true],
  ['a stage loop that is not a boolean', { stages: [{ id: 'a', on: ['x'], loop: 'yes' }] }, 'stages[0].loop', true],
  // uniqueItems compares whole items, never one key of them
  ['duplicate stage ids', { stages: [{ id: 'a', on: ['x'] }, { id: 'a', on: ['y'] }] }, 'stages[1].id', false],
  ['a rule without id', { rules: [{ on: ['x'], offer: { kind: 'toast' } }] }, 'rules[0].id', true],
  ['an empty rule id', withRule({ id: '' }), 'rules[0].id', true],
  ['duplicate rule ids', { rules: [rule(), rule()] }, 'rules[1].id', false], // as above
  ['an unknown rule key', withRule({ colour: 'red' }), 'rules[0].colour', true],
  ['on that is empty', withRule({ on: [] }), 'rules[0].on', true],
  ['on that is a string', withRule({ on: 'x' }), 'rules[0].on', true],
  ['an empty event name', withRule({ on: [''] }), 'rules[0].on', true],
  ['enabled that is not a boolean', withRule({ enabled: 'no' }), 'rules[0].enabled', true],
  ['a priority that is a string', withRule({ priority: 'high' }), 'rules[0].priority', true],
  ['a rollout above 1', withRule({ rollout: 1.5 }), 'rules[0].rollout', true],
  ['a negative rollout', withRule({ rollout: -0.1 }), 'rules[0].rollout', true],
  ['a negative cap', withRule({ cap: { session: -1 } }), 'rules[0].cap.session', true],
  ['a fractional cap', withRule({ cap: { day: 1.5 } }), 'rules[0].cap.day', true],
  ['an unknown cap', withRule({ cap: { week: 1 } }), 'rules[0].cap.week', true],
  ['a from that is not a string', withRule({ from: 20260101 }), 'rules[0].from', true],
  ['a from that is not a date', withRule({ from: 'tomorrow' }), 'rules[0].from', true],
  ['an until in words', withRule({ until: 'December 31, 2026' }), 'rules[0].until', true],
  ['an until with a time but no offset', withRule({ until: '2026-12-31T23:59:59' }), 'rules[0].until', true],
  ['an until at hour 24', withRule({ until: '2026-12-31T24:00:00Z' }), 'rules[0].until', true],
  ['an until in month 13', withRule({ until: '2026-13-01' }), 'rules[0].until', true],
  ['an expires that is not a date', { expires: '30d' }, 'expires', true],
  // month lengths and leap years are beyond a readable pattern: the validator alone knows
  ['a from on 31 November', withRule({ from: '2026-11-31T00:00:00Z' }), 'rules[0].from', false],
  ['an expires on 29 February 2027', { expires: '2027-02-29' }, 'expires', false],
  // comparing two values of the document is beyond JSON Schema
  ['until before from', withRule({ from: '2026-02-01', until: '2026-01-01' }), 'rules[0].until', false],
  ['a rule without offer', { rules: [{ id: 'r', on: ['x'] }] }, 'rules[0].offer', true],
  ['an offer without kind', withOffer({ title: 't' }), 'rules[0].offer.kind', true],
  ['an unknown offer kind', withOffer({ kind: 'popup' }), 'rules[0].offer.kind', true],
  ['an unknown offer key', withOffer({ kind: 'toast', colour: 'red' }), 'rules[0].offer.colour', true],
  ['an inline offer without placement', withOffer({ kind: 'inline' }), 'rules[0].offer.placement', true],
  ['an inline offer with an empty placement', withOffer({ kind: 'inline', placement: '' }), 'rules[0].offer.placement', true],
  ['a banner placed left', withOffer({ kind: 'banner', placement: 'left' }), 'rules[0].offer.placement', true],
  ['a title that is not a string', withOffer({ kind: 'toast', title: 5 }), 'rules[0].offer.title', true],
  ['a cta without label', withOffer({ kind: 'toast', cta: { href: '/x' } }), 'rules[0].offer.cta.label', true],
  ['an empty map of texts per language', withOffer({ kind: 'toast', title: {} }), 'rules[0].offer.title', true],
  ['a key that is not a language tag', withOffer({ kind: 'toast', title: { en: 'Hi', EN_us: 'Hi' } }), 'rules[0].offer.title.EN_us', true],
  ['a text per language that is not a string', withOffer({ kind: 'toast', body: { ru: 5 } }), 'rules[0].offer.body.ru', true],
  ['a cta label per language that is not a string', withOffer({ kind: 'toast', cta: { label: { ru: null } } }), 'rules[0].offer.cta.label.ru', true],
  ['an unknown cta key', withOffer({ kind: 'toast', cta: { label: 'l', target: '_blank' } }), 'rules[0].offer.cta.target', true],
  ['a javascript: link', withHref('javascript:alert(1)'), 'rules[0].offer.cta.href', true],
  ['an obfuscated javascript: link', withHref(' \tJaVa\tScRiPt:alert(1)'), 'rules[0].offer.cta.href', true],
  ['a data: link', withHref('data:text/html,x'), 'rules[0].offer.cta.href', true],
  ['an href that is not a string', withHref(5), 'rules[0].offer.cta.href', true],
  ['an http link without a host', withHref('http://'), 'rules[0].offer.cta.href', true],
  // a pattern checks how the URL starts, not that the rest of it parses
  ['an https link with a broken host', withHref('https://[::1'), 'rules[0].offer.cta.href', false],
  ['a protocol-relative link (off-site)', withHref('//evil.example/x'), 'rules[0].offer.cta.href', true],
  ['a backslash link browsers read as protocol-relative', withHref('/\\evil.example/x'), 'rules[0].offer.cta.href', true],
  ['a scheme with no slashes (another host on an http page)', withHref('https:evil.example'), 'rules[0].offer.cta.href', true],
  ['a condition that is an array', withIf([]), 'rules[0].if', true],
  ['an unknown operator', withIf({ 'event.total': { $gtt: 5 } }), 'rules[0].if.event.total', true],
  ['an unknown operator deep inside $or', withIf({ $or: [{ a: { $nope: 1 } }] }), 'rules[0].if.$or[0].a', true],
  ['an unknown operator inside $elemMatch', withIf({ a: { $elemMatch: { b: { $nope: 1 } } } }), 'rules[0].if.a.$elemMatch.b', true],
  ['an unknown operator inside $not', withIf({ a: { $not: { $nope: 1 } } }), 'rules[0].if.a.$not', true],
  ['operators mixed with plain keys', withIf({ a: { $gt: 1, b: 2 } }), 'rules[0].if.a', true],
  ['a field operator without a field', withIf({ $gt: 5 }), 'rules[0].if', true],
  ['$and that is not an array', withIf({ $and: { a: 1 } }), 'rules[0].if', true],
  ['$or with a non-object', withIf({ $or: [5] }), 'rules[0].if.$or[0]', true],
  ['$not at the top that is not a condition', withIf({ $not: 5 }), 'rules[0].if.$not', true],
  ['$in that is not an array', withIf({ a: { $in: 5 } }), 'rules[0].if.a', true],
  ['$all that is not an array', withIf({ a: { $all: 'x' } }), 'rules[0].if.a', true],
  ['$exists that is not a boolean', withIf({ a: { $exists: 'yes' } }), 'rules[0].if.a', true],
  ['an unknown $type', withIf({ a: { $type: 'int' } }), 'rules[0].if.a', true],
  ['$size that is a string', withIf({ a: { $size: '3' } }), 'rules[0].if.a', true],
  ['$elemMatch that is not an object', withIf({ a: { $elemMatch: 5 } }), 'rules[0].if.a', true],
  ['$eq with an object', withIf({ a: { $eq: { b: 1 } } }), 'rules[0].if.a', true],
  ['$inGroup that is not a name', withIf({ a: { $inGroup: ['vip'] } }), 'rules[0].if.a', true],
  ['$vgt with a boolean', withIf({ a: { $vgt: true } }), 'rules[0].if.a', true],
  ['$regex that is not a string', withIf({ a: { $regex: 5 } }), 'rules[0].if.a', true],
  // only a regex engine can tell; the ajv "regex" format would need a plugin and still
  // not match the validator's engine exactly
  ['an invalid regex', withIf({ a: { $regex: '(' } }), 'rules[0].if.a', false],
  // properties of the pattern's structure (a backreference, the program's size), not of its text's shape
  ['a regex with a backreference', withIf({ a: { $regexi: '(a+)+\\1' } }), 'rules[0].if.a', false],
  ['a regex too large for the matcher', withIf({ a: { $regex: '^a{0,1000}a{0,1000}a{0,1000}b' } }), 'rules[0].if.a', false],
  ['a stage condition with an unknown operator', { stages: [{ id: 's', on: ['x'], if: { a: { $gtt: 1 } } }] }, 'stages[0].if.a', true],
  ['texts that are not objects', { texts: { en: 'hello' } }, 'texts.en', true],
  ['a text that is not a string', { texts: { en: { 'greeting.returning': 5 } } }, 'texts.en.greeting.returning', true],
  ['a group that is not an array', { groups: { vip: 'u-1' } }, 'groups.vip', true],
]

describe('invalid playbooks fail the validator with the path, and the schema where it can tell', () => {
  const cases = INVALID.map(([name, doc, path, schema]) => ({ name, doc, path, schema }))
  it.each(cases)('$name → $path (schema: $schema)', ({ doc, path, schema }) => {
    const errors = validatorErrors(doc)
    expect(errors.some((e) => e.startsWith(path + ': ')), errors.join('\n')).toBe(true)
    expect(schemaErrors(doc).length > 0).toBe(schema)
  })
})

describe('the href pattern follows the URL parser', () => {
  // Characters that make or break a scheme: letters of http(s) and javascript in both cases,
  // the separators, and the controls the URL parser strips or removes.
  const chars = fc.constantFrom(...'hHtTpPsSjavcrAV:/.+-1 \t\n\r\u0000?#x'.split(''))
  const parses = (href: string) => {
    try {
      return !!new URL(href, 'https://x.invalid/')
    } catch {
      return false
    }
  }

  it('accepts exactly the links the validator accepts, wherever the URL parses', () => {
    fc.assert(
      fc.property(fc.string({ unit: chars, maxLength: 14 }), (href) => {
        fc.pre(parses(href)) // a URL that does not parse is the `schema: false` case above
        const doc = withHref(href)
        expect(schemaErrors(doc).length == 0).toBe(validatorErrors(doc).length == 0)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('the date pattern follows the validator', () => {
  const two = (n: number) => String(n).padStart(2, '0')
  const date = fc.record({
    y: fc.integer({ min: 0, max: 9999 }),
    m: fc.integer({ min: 0, max: 13 }),
    d: fc.integer({ min: 0, max: 32 }),
    time: fc.option(fc.tuple(fc.integer({ min: 0, max: 25 }), fc.integer({ min: 0, max: 61 }), fc.option(fc.integer({ min: 0, max: 61 })), fc.constantFrom('', '.123', '.5', '.123456'))),
    offset: fc.constantFrom('Z', '+03:00', '-05:30', '+23:59', '+24:00', '-00:60', ''),
  })

  it('accepts the same dates, except days past the end of their month, which only the validator refuses', () => {
    fc.assert(
      fc.property(date, ({ y, m, d, time, offset }) => {
        const day = `${String(y).padStart(4, '0')}-${two(m)}-${two(d)}`
        const text = time ? `${day}T${two(time[0])}:${two(time[1])}${time[2] === null ? '' : `:${two(time[2])}${time[3]}`}${offset}` : day
        const exists = m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(2000, m, 0)).getUTCDate() - (m == 2 && (y % 4 || (y % 100 == 0 && y % 400)) ? 1 : 0)
        const doc = withRule({ until: text })
        expect(validatorErrors(doc).length == 0).toBe(schemaErrors(doc).length == 0 && exists)
      }),
      { numRuns: 3000 },
    )
  })
})

describe('the schema and the validator know the same operators', () => {
  const defs = schema.$defs as Record<string, { properties?: Record<string, unknown> }>
  const inSchema = [...Object.keys(defs.operators.properties!), ...Object.keys(defs.condition.properties!)].filter((k) => k[0] == '$')

  it.each(knownOperators())('%s is in the schema', (op) => {
    expect(inSchema).toContain(op)
  })

  it('the schema has no operator the validator does not know', () => {
    expect(new Set(inSchema)).toEqual(new Set(knownOperators()))
  })
})

describe('the schema is usable by editors', () => {
  it('is draft 2020-12 and compiles in ajv strict mode', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema')
    expect(typeof schemaCheck).toBe('function')
  })

  it('is exported by package.json', () => {
    expect(readJson('package.json').exports['./playbook.schema.json']).toBe('./src/playbook/playbook.schema.json')
  })
})
