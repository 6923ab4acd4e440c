import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { validatePlaybook, type ValidationResult } from '../src/playbook/validate'
import { DEFAULT_STAGES } from '../src/journey'
import SERVER_EXAMPLE from '../examples/server/playbook.json'
import { DESIGN_EXAMPLE } from './design-example'


const errorsOf = (doc: unknown) => {
  const result = validatePlaybook(doc)
  return result.ok ? [] : result.errors
}

/** A valid rule, with `extra` merged over it. */
const rule = (extra: Record<string, unknown> = {}) => ({ id: 'r', on: ['x'], offer: { kind: 'toast' }, ...extra })
/** A playbook with one rule whose offer is `offer`. */
const withOffer = (offer: Record<string, unknown>) => ({ rules: [rule({ offer })] })
const withHref = (href: unknown) => withOffer({ kind: 'toast', cta: { label: 'Go', href } })

/** `{ ok: true, playbook }` or `{ ok: false, errors }` with at least one string. */
const wellFormed = (result: ValidationResult, doc: unknown) =>
  result.ok
    ? result.playbook === doc && Object.keys(result).length == 2
    : Array.isArray(result.errors) &&
      result.errors.length > 0 &&
      result.errors.every((e) => typeof e == 'string') &&
      Object.keys(result).length == 2

describe('validatePlaybook: valid documents', () => {
  it.each([
    ['the DESIGN.md example', DESIGN_EXAMPLE],
    ['examples/server/playbook.json', SERVER_EXAMPLE],
    ['an empty playbook', {}],
    ['the default stages', { stages: DEFAULT_STAGES }],
  ])('accepts %s and returns it as `playbook`', (_, doc) => {
    const result = validatePlaybook(doc)
    expect(result).toEqual({ ok: true, playbook: doc })
    expect(result.ok && result.playbook).toBe(doc)
  })

  it('accepts every offer kind, optional field and boundary value', () => {
    const doc = {
      $schema: 'https://waymark.example/playbook.schema.json',
      rules: [
        rule({ id: 'a', enabled: false, priority: -3.5, cap: {}, rollout: 0, from: '2026-01-01' }),
        rule({ id: 'b', cap: { session: 0, day: 0, total: 0 }, rollout: 1, until: '2026-01-01' }),
        rule({ id: 'c', on: ['page', 'session_start', 'identify', 'stage:buy', 'order:shipped'], offer: { kind: 'modal' } }),
        rule({ id: 'd', offer: { kind: 'inline', placement: 'pdp-under-price', title: 't', body: 'b', code: 'C' } }),
        rule({ id: 'e', offer: { kind: 'banner', placement: 'bottom' } }),
        rule({ id: 'f', offer: { kind: 'headless', data: { nested: [1, { a: null }], deep: 'x' } } }),
        rule({ id: 'g', offer: { kind: 'toast', placement: 'anything', cta: { label: 'Go' } } }),
      ],
      texts: {},
      groups: { vip: ['u-1', 2], empty: [] },
    }
    expect(errorsOf(doc)).toEqual([])
  })

  it('treats keys holding undefined (a JS-built playbook) as absent', () => {
    expect(errorsOf({ version: undefined, rules: [rule({ enabled: undefined, if: undefined, cap: undefined })] })).toEqual([])
  })

  it('accepts texts per language: tags of any case, with regions and scripts', () => {
    const title = { en: 'Hi', 'en-GB': 'Hi', ru: 'Привет', 'RU-ru': 'Привет', 'zh-Hant-TW': '你好', fil: 'Kumusta' }
    expect(errorsOf(withOffer({ kind: 'modal', title, body: { en: 'b' }, cta: { label: { ru: 'Далее' }, href: '/x' } }))).toEqual([])
  })

  it('keeps stage and rule ids in separate namespaces', () => {
    expect(errorsOf({ stages: [{ id: 'a', on: ['x'] }], rules: [rule({ id: 'a' })] })).toEqual([])
  })
})

describe('validatePlaybook: invalid documents', () => {
  it.each<[string, unknown, string[]]>([
    // Top level
    ['null', null, ['playbook: must be an object']],
    ['an array', [], ['playbook: must be an object']],
    ['a string', '{}', ['playbook: must be an object']],
    ['undefined', undefined, ['playbook: must be an object']],
    ['unknown top-level keys', { colour: 'red', rule: [] }, ['colour: unknown key', 'rule: unknown key']],
    ['$schema and version of wrong types', { $schema: 1, version: 2 }, ['$schema: must be a string', 'version: must be a string']],
    ['rules not an array', { rules: {} }, ['rules: must be an array']],
    ['a rule that is not an object', { rules: [rule(), null, 'r', []] }, ['rules[1]: must be an object', 'rules[2]: must be an object', 'rules[3]: must be an object']],

    // Rules: required keys, ids
    ['an empty rule', { rules: [{}] }, ['rules[0].id: must be a non-empty string', 'rules[0].on: must be an array of event names', 'rules[0].offer: must be an object']],
    ['an empty id', { rules: [rule({ id: '' })] }, ['rules[0].id: must be a non-empty string']],
    ['a numeric id', { rules: [rule({ id: 7 })] }, ['rules[0].id: must be a non-empty string']],
    ['duplicate rule ids', { rules: [rule({ id: 'x' }), rule({ id: 'y' }), rule({ id: 'x' }), rule({ id: 'x' })] }, ['rules[2].id: duplicate rule id "x"', 'rules[3].id: duplicate rule id "x"']],
    ['an unknown rule key', { rules: [rule({ colour: 'red' })] }, ['rules[0].colour: unknown key (rule "r")']],
    ['enabled not a boolean', { rules: [rule({ enabled: 'yes' })] }, ['rules[0].enabled: must be a boolean (rule "r")']],

    // Rules: triggers
    ['on as a string', { rules: [rule({ on: 'cart_viewed' })] }, ['rules[0].on: must be an array of event names (rule "r")']],
    ['an empty on', { rules: [rule({ on: [] })] }, ['rules[0].on: must be an array of event names (rule "r")']],
    ['an empty event name', { rules: [rule({ on: ['page', ''] })] }, ['rules[0].on: must be an array of event names (rule "r")']],
    ['a non-string event name', { rules: [rule({ on: ['page', 3] })] }, ['rules[0].on: must be an array of event names (rule "r")']],

    // Rules: conditions
    [
      'an unknown operator in the fourth rule',
      { rules: [rule({ id: 'a' }), rule({ id: 'b' }), rule({ id: 'c' }), rule({ id: 'd', if: { 'event.total': { $gtt: 5 } } })] },
      ['rules[3].if.event.total: unknown operator "$gtt" (rule "d")'],
    ],
    [
      'several condition problems',
      { rules: [rule({ if: { $or: {}, 'page.path': { $regex: '(a+)+\\1' }, tags: { $in: 'x' } } })] },
      [
        'rules[0].if: "$or" needs an array of conditions (rule "r")',
        'rules[0].if.page.path: unsupported regex "(a+)+\\\\1" (backreference or octal escape) (rule "r")',
        'rules[0].if.tags: "$in" needs an array (rule "r")',
      ],
    ],
    ['if as a string', { rules: [rule({ if: 'visit.returning' })] }, ['rules[0].if: must be a condition object (rule "r")']],
    ['if as an array', { rules: [rule({ if: [] })] }, ['rules[0].if: must be a condition object (rule "r")']],
    ['if as null', { rules: [rule({ if: null })] }, ['rules[0].if: must be a condition object (rule "r")']],

    // Rules: priority, cap, dates, rollout
    ['priority as a string', { rules: [rule({ priority: '10' })] }, ['rules[0].priority: must be a finite number (rule "r")']],
    ['priority Infinity', { rules: [rule({ priority: Infinity })] }, ['rules[0].priority: must be a finite number (rule "r")']],
    ['priority NaN', { rules: [rule({ priority: NaN })] }, ['rules[0].priority: must be a finite number (rule "r")']],
    ['cap not an object', { rules: [rule({ cap: 3 })] }, ['rules[0].cap: must be an object (rule "r")']],
    ['cap -1', { rules: [rule({ cap: { session: -1 } })] }, ['rules[0].cap.session: must be a non-negative integer (rule "r")']],
    ['cap 1.5', { rules: [rule({ cap: { day: 1.5 } })] }, ['rules[0].cap.day: must be a non-negative integer (rule "r")']],
    ['cap as a string', { rules: [rule({ cap: { total: '3' } })] }, ['rules[0].cap.total: must be a non-negative integer (rule "r")']],
    ['an unknown cap key', { rules: [rule({ cap: { week: 2, session: 1 } })] }, ['rules[0].cap.week: unknown key (rule "r")']],
    ['from not a date', { rules: [rule({ from: 'tomorrow' })] }, ['rules[0].from: "tomorrow" is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) (rule "r")']],
    ['until not a string', { rules: [rule({ until: 1767225599000 })] }, ['rules[0].until: 1767225599000 is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) (rule "r")']],
    ['from after until', { rules: [rule({ from: '2026-12-31T00:00:00Z', until: '2026-11-01T00:00:00Z' })] }, ['rules[0].until: must be after from (rule "r")']],
    ['from equal to until', { rules: [rule({ from: '2026-11-01', until: '2026-11-01T00:00:00Z' })] }, ['rules[0].until: must be after from (rule "r")']],
    ['until before from, listed first', { rules: [rule({ until: '2026-01-01', from: '2027-01-01' })] }, ['rules[0].until: must be after from (rule "r")']],
    ['a bad from with a good until', { rules: [rule({ from: 'soon', until: '2026-11-01' })] }, ['rules[0].from: "soon" is not an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ) (rule "r")']],
    ['rollout 1.5', { rules: [rule({ rollout: 1.5 })] }, ['rules[0].rollout: must be a number from 0 to 1 (rule "r")']],
    ['rollout -0.1', { rules: [rule({ rollout: -0.1 })] }, ['rules[0].rollout: must be a number from 0 to 1 (rule "r")']],
    ['rollout as a string', { rules: [rule({ rollout: '0.5' })] }, ['rules[0].rollout: must be a number from 0 to 1 (rule "r")']],

    // Offers
    ['offer not an object', { rules: [rule({ offer: 'banner' })] }, ['rules[0].offer: must be an object (rule "r")']],
    ['an offer without kind', withOffer({ title: 'Hi' }), ['rules[0].offer.kind: must be one of banner, toast, modal, inline, headless (rule "r")']],
    ['an unknown kind', withOffer({ kind: 'popup' }), ['rules[0].offer.kind: must be one of banner, toast, modal, inline, headless (rule "r")']],
    [
      'texts of wrong types',
      withOffer({ kind: 'toast', title: 1, body: null, code: ['C'] }),
      [
        'rules[0].offer.title: must be a string, or one string per language tag (rule "r")',
        'rules[0].offer.body: must be a string, or one string per language tag (rule "r")',
        'rules[0].offer.code: must be a string (rule "r")',
      ],
    ],
    // Texts per language
    ['an empty language map', withOffer({ kind: 'toast', title: {} }), ['rules[0].offer.title: must be a string, or one string per language tag (rule "r")']],
    ['a language map as an array', withOffer({ kind: 'toast', body: ['Hi'] }), ['rules[0].offer.body: must be a string, or one string per language tag (rule "r")']],
    [
      'keys that are not language tags',
      withOffer({ kind: 'toast', title: { en: 'Hi', EN_us: 'Hi', english: 'Hi', e: 'Hi', 'ru-': 'Привет', '': 'x' } }),
      [
        'rules[0].offer.title.EN_us: not a language tag (rule "r")',
        'rules[0].offer.title.english: not a language tag (rule "r")',
        'rules[0].offer.title.e: not a language tag (rule "r")',
        'rules[0].offer.title.ru-: not a language tag (rule "r")',
        'rules[0].offer.title.: not a language tag (rule "r")',
      ],
    ],
    [
      'a text per language that is not a string',
      withOffer({ kind: 'toast', body: { en: 'Hi', ru: 5 }, cta: { label: { ru: null } } }),
      ['rules[0].offer.body.ru: must be a string (rule "r")', 'rules[0].offer.cta.label.ru: must be a string (rule "r")'],
    ],
    ['an unknown offer key', withOffer({ kind: 'toast', colour: 'red' }), ['rules[0].offer.colour: unknown key (rule "r")']],
    ['inline without placement', withOffer({ kind: 'inline', title: 'Hi' }), ['rules[0].offer.placement: required for inline offers (rule "r")']],
    ['inline with an empty placement', withOffer({ kind: 'inline', placement: '' }), ['rules[0].offer.placement: required for inline offers (rule "r")']],
    ['a numeric placement', withOffer({ kind: 'inline', placement: 3 }), ['rules[0].offer.placement: must be a string (rule "r")']],
    ['a banner placed left', withOffer({ kind: 'banner', placement: 'left' }), ['rules[0].offer.placement: must be "top" or "bottom" (rule "r")']],
    ['cta not an object', withOffer({ kind: 'toast', cta: 'Go' }), ['rules[0].offer.cta: must be an object (rule "r")']],
    ['cta without label', withOffer({ kind: 'toast', cta: { href: '/x' } }), ['rules[0].offer.cta.label: must be a string, or one string per language tag (rule "r")']],
    ['an unknown cta key', withOffer({ kind: 'toast', cta: { label: 'Go', target: '_blank' } }), ['rules[0].offer.cta.target: unknown key (rule "r")']],
    ['a numeric href', withHref(5), ['rules[0].offer.cta.href: must be a string (rule "r")']],

    // Texts and groups
    ['texts not an object', { texts: [] }, ['texts: must be an object']],
    ['a locale that is not an object', { texts: { ru: 'Привет' } }, ['texts.ru: must be an object']],
    ['a text that is not a string', { texts: { en: { a: 'A', b: 2 } } }, ['texts.en.b: must be a string']],
    ['groups not an object', { groups: 'vip' }, ['groups: must be an object']],
    ['a group that is not an array', { groups: { vip: 'u-1' } }, ['groups.vip: must be an array']],
  ])('rejects %s', (_, doc, errors) => {
    expect(validatePlaybook(doc)).toEqual({ ok: false, errors })
  })

  it('names a rule by its id after the message, only when the id is a readable string', () => {
    const bad = { if: { 'event.total': { $gtt: 5 } } }
    expect(errorsOf({ rules: [rule({ id: 'free-shipping-nudge', ...bad })] })).toEqual(['rules[0].if.event.total: unknown operator "$gtt" (rule "free-shipping-nudge")'])
    expect(errorsOf({ rules: [rule({ id: 'say "hi"', ...bad })] })).toEqual(['rules[0].if.event.total: unknown operator "$gtt" (rule "say \\"hi\\"")'])
    expect(errorsOf({ rules: [rule({ id: 5, ...bad })] })).toEqual(['rules[0].id: must be a non-empty string', 'rules[0].if.event.total: unknown operator "$gtt"'])
    expect(errorsOf({ rules: [rule({ id: '', ...bad })] })).toEqual(['rules[0].id: must be a non-empty string', 'rules[0].if.event.total: unknown operator "$gtt"'])
    // stages keep their messages as they were
    expect(errorsOf({ stages: [{ id: 'a', on: ['x'], loop: 1 }] })).toEqual(['stages[0].loop: must be a boolean'])
  })

  it('reports every problem, in document order', () => {
    const doc = {
      rules: [
        { offer: { kind: 'inline', cta: { label: 1, href: 'javascript:alert(1)' } }, id: 'a', on: 'x', rollout: 2 },
        rule({ id: 'a', if: { 'event.total': { $gtt: 5 } }, cap: { session: -1, day: 1.5 } }),
      ],
      stages: [{ id: '', on: ['x'] }],
      colour: 1,
      texts: { en: { a: 1 } },
    }
    expect(errorsOf(doc)).toEqual([
      'rules[0].offer.cta.label: must be a string, or one string per language tag (rule "a")',
      'rules[0].offer.cta.href: must be an http(s) or relative URL, got "javascript:alert(1)" (rule "a")',
      'rules[0].offer.placement: required for inline offers (rule "a")',
      'rules[0].on: must be an array of event names (rule "a")',
      'rules[0].rollout: must be a number from 0 to 1 (rule "a")',
      'rules[1].id: duplicate rule id "a"',
      'rules[1].if.event.total: unknown operator "$gtt" (rule "a")',
      'rules[1].cap.session: must be a non-negative integer (rule "a")',
      'rules[1].cap.day: must be a non-negative integer (rule "a")',
      'stages[0].id: must be a non-empty string',
      'colour: unknown key',
      'texts.en.a: must be a string',
    ])
  })
})

describe('validatePlaybook: dates', () => {
  const FORMAT = '(YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)'
  const errorsAt = (key: string, value: unknown) =>
    errorsOf(key == 'expires' ? { expires: value } : { rules: [rule({ id: 'a' }), rule({ id: 'b' }), rule({ [key]: value })] })

  it.each([
    ['December 31, 2026', 'a date in words (Date.parse takes it)'],
    ['2026-11-31', 'a day that does not exist (Date.parse rolls it to 1 December)'],
    ['2026-11-31T23:59:59Z', 'a date-time on a day that does not exist'],
    ['2027-02-29', '29 February outside a leap year'],
    ['2026-13-01', 'month 13'],
    ['2026-00-10', 'month 0'],
    ['2026-01-00', 'day 0'],
    ['2026-12-31T24:00:00Z', 'hour 24'],
    ['2026-12-31T23:60:00Z', 'minute 60'],
    ['2026-12-31T23:59:60Z', 'a leap second'],
    ['2026-12-31T23:59:59', 'a date-time without Z or an offset (each device would read it in its own zone)'],
    ['2026-12-31T23:59:59+24:00', 'an offset of 24 hours'],
    ['2026-12-31 23:59:59Z', 'a space for T'],
    ['2026-12-31T23:59:59.5Z', 'a fraction of one digit (ECMAScript\'s format has three)'],
    ['2026-12-31T23:59:59.123456+03:00', 'microseconds'],
    ['2026-1-5', 'a month and day without leading zeros'],
    ['20261231', 'the basic format'],
    ['2026-12-31T23:59:59z', 'a lower-case z'],
    [' 2026-12-31', 'a leading space'],
    ['', 'an empty string'],
  ])('refuses %j (%s) in from, until and expires, naming the path, the rule and the format', (value) => {
    expect(errorsAt('until', value)).toEqual([`rules[2].until: ${JSON.stringify(value)} is not an ISO 8601 date ${FORMAT} (rule "r")`])
    expect(errorsAt('from', value)).toEqual([`rules[2].from: ${JSON.stringify(value)} is not an ISO 8601 date ${FORMAT} (rule "r")`])
    expect(errorsAt('expires', value)).toEqual([`expires: ${JSON.stringify(value)} is not an ISO 8601 date ${FORMAT}`])
  })

  it.each([
    '2026-12-31',
    '2024-02-29',
    '2026-12-31T23:59Z',
    '2026-12-31T23:59:59Z',
    '2026-12-31T23:59:59.999Z',
    '2026-12-31T23:59:59.123+03:00',
    '2026-12-31T00:00:00-05:30',
    '0099-01-01',
  ])('accepts %j', (value) => {
    expect([...errorsAt('from', value), ...errorsAt('until', value), ...errorsAt('expires', value)]).toEqual([])
  })

  it('takes a date alone as a whole day: from and until on the same date is one day, not an empty range', () => {
    expect(errorsOf({ rules: [rule({ from: '2026-12-31', until: '2026-12-31' })] })).toEqual([])
    expect(errorsOf({ rules: [rule({ from: '2026-12-31T12:00:00Z', until: '2026-12-31' })] })).toEqual([])
    expect(errorsOf({ rules: [rule({ from: '2027-01-01', until: '2026-12-31' })] })).toEqual(['rules[0].until: must be after from (rule "r")'])
    // an offset moves the instant: 2026-12-31T01:00+03:00 is 2026-12-30T22:00Z, before the day starts in UTC
    expect(errorsOf({ rules: [rule({ from: '2026-12-31', until: '2026-12-31T01:00:00+03:00' })] })).toEqual(['rules[0].until: must be after from (rule "r")'])
  })
})

describe('validatePlaybook: offer links', () => {
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    '\t\n javascript:alert(1)',
    '\u0001javascript:alert(1)',
    'java\tscript:alert(1)',
    'java\nscript:alert(1)',
    'jav\r\nascript:alert(1)',
    'javascript://%0Aalert(1)',
    'data:text/html,<script>alert(1)</script>',
    'DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://shop.example/x',
    'mailto:anna@example.com',
    'blob:https://shop.example/0b6c',
    'http://',
    'https://[::1',
    // Off-site, though they look relative (issue 14).
    '//evil.example/x',
    '/\\evil.example/x',
    '\\\\evil.example/x',
    '\\/evil.example/x',
    ' //evil.example/x',
    '/\t/evil.example/x',
    'https:evil.example',
    'HTTP:/evil.example',
    'https:\\\\evil.example',
  ])('rejects %j', (href) => {
    expect(errorsOf(withHref(href))).toEqual([`rules[0].offer.cta.href: must be an http(s) or relative URL, got ${JSON.stringify(href)} (rule "r")`])
  })

  it.each([
    '/catalog',
    'catalog?x=1',
    'https://shop.example/x',
    'HTTP://shop.example/x',
    'https://cdn.example/x',
    '#reviews',
    '?page=2',
    '../up',
    ' /catalog ',
    'javascript\u0000:alert(1)', // no scheme: a relative path, harmless
  ])('accepts %j', (href) => {
    expect(errorsOf(withHref(href))).toEqual([])
  })
})

describe('validatePlaybook: stages', () => {
  it('names the JSON path of each problem', () => {
    expect(errorsOf({ stages: [{ id: 'a', on: ['x'] }, { id: 'a', on: 'x', loop: 1, extra: true }, 7] })).toEqual([
      'stages[1].id: duplicate stage "a"',
      'stages[1].on: must be an array of event names',
      'stages[1].loop: must be a boolean',
      'stages[1].extra: unknown key',
      'stages[2]: must be an object',
    ])
    expect(errorsOf({ stages: {} })).toEqual(['stages: must be an array'])
  })

  it.each<[string, unknown, string[]]>([
    ['a stage without id', [{ on: ['x'] }], ['stages[0].id: must be a non-empty string']],
    ['an empty id', [{ id: '', on: ['x'] }], ['stages[0].id: must be a non-empty string']],
    ['a stage without on', [{ id: 'a' }], ['stages[0].on: must be an array of event names']],
    ['an empty on', [{ id: 'a', on: [] }], ['stages[0].on: must be an array of event names']],
    ['an empty event name', [{ id: 'a', on: [''] }], ['stages[0].on: must be an array of event names']],
    ['if as a string', [{ id: 'a', on: ['x'], if: 'yes' }], ['stages[0].if: must be a condition object']],
    ['if with an unknown operator', [{ id: 'a', on: ['x'], if: { 'visit.count': { $gtt: 1 } } }], ['stages[0].if.visit.count: unknown operator "$gtt"']],
    ['loop as a string', [{ id: 'a', on: ['x'], loop: 'true' }], ['stages[0].loop: must be a boolean']],
    ['an object', {}, ['stages: must be an array']],
    ['null', null, ['stages: must be an array']],
  ])('rejects %s', (_, stages, errors) => {
    expect(errorsOf({ stages })).toEqual(errors)
  })
})

describe('validatePlaybook: hostile input', () => {
  it('reports a throwing getter at its path and goes on', () => {
    const r = rule()
    Object.defineProperty(r, 'priority', { enumerable: true, get: () => { throw new Error('boom') } })
    const doc = { rules: [r, rule()] }
    expect(errorsOf(doc)).toEqual(['rules[0].priority: could not be read (rule "r")', 'rules[1].id: duplicate rule id "r"'])
  })

  it('reports a revoked proxy', () => {
    const { proxy, revoke } = Proxy.revocable({}, {})
    revoke()
    expect(errorsOf(proxy)).toEqual(['playbook: could not be read'])
    expect(errorsOf({ rules: [proxy] })).toEqual(['rules[0]: could not be read'])
  })

  it('survives cycles', () => {
    const doc: Record<string, unknown> = { rules: [] }
    doc.self = doc
    const r: Record<string, unknown> = rule()
    r.offer = r // checked once as an offer: the walk never follows the cycle further than the schema
    const cond: Record<string, unknown> = {}
    cond.$and = [cond]
    ;(doc.rules as unknown[]).push(r, rule({ id: 's', if: cond }))
    expect(errorsOf(doc)).toEqual([
      'rules[0].offer.id: unknown key (rule "r")',
      'rules[0].offer.on: unknown key (rule "r")',
      'rules[0].offer.offer: unknown key (rule "r")',
      'rules[0].offer.kind: must be one of banner, toast, modal, inline, headless (rule "r")',
      'rules[1].if: nested deeper than 100 levels (rule "s")', // a cycle is endlessly deep
      'self: unknown key',
    ])
  })

  it('does not look up prototype keys as checks', () => {
    const doc = JSON.parse('{"toString": 1, "__proto__": {}, "rules": [{"id": "r", "on": ["x"], "offer": {"kind": "toast", "constructor": 1}}]}')
    expect(errorsOf(doc)).toEqual(['toString: unknown key', '__proto__: unknown key', 'rules[0].offer.constructor: unknown key (rule "r")'])
  })

  it('rejects a condition nested 10,000 levels deep without throwing', () => {
    let deep: Record<string, unknown> = { a: 1 }
    for (let i = 0; i < 10_000; i++) deep = { $and: [deep] }
    expect(errorsOf({ rules: [rule({ if: deep })] })).toEqual(['rules[0].if: nested deeper than 100 levels (rule "r")'])
    let field: unknown = 1
    for (let i = 0; i < 10_000; i++) field = { $not: field }
    expect(validatePlaybook({ stages: [{ id: 'a', on: ['x'], if: { a: field } }] }).ok).toBe(false)
  })

  it('accepts data, groups and conditions nested 100 levels deep, and refuses 101 with their paths', () => {
    const nest = (levels: number, inner: unknown = 1): unknown => {
      for (let i = 0; i < levels; i++) inner = i % 2 ? { a: inner } : [inner]
      return inner
    }
    // A condition's own object is its first level, `{ $and: [c] }` adds two.
    const and = (levels: number) => {
      let c: unknown = levels % 2 ? { a: 1 } : { a: { b: 1 } }
      for (let i = 2 - (levels % 2); i < levels; i += 2) c = { $and: [c] }
      return c
    }
    const doc = (n: number) => ({
      stages: [{ id: 's', on: ['x'], if: { a: nest(n - 1) } }],
      rules: [rule({ offer: { kind: 'headless', data: nest(n) }, if: and(n) })],
      groups: { g: [nest(n - 1, 'm')] },
    })
    expect(errorsOf(doc(99))).toEqual([])
    expect(errorsOf(doc(100))).toEqual([])
    expect(errorsOf(doc(101))).toEqual([
      'stages[0].if: nested deeper than 100 levels',
      'rules[0].offer.data: nested deeper than 100 levels (rule "r")',
      'rules[0].if: nested deeper than 100 levels (rule "r")',
      'groups.g: nested deeper than 100 levels',
    ])
    // 100,000 levels, a literal inside a condition, and a cycle: measured without recursion.
    expect(errorsOf({ rules: [rule({ offer: { kind: 'headless', data: nest(100_000) }, if: { a: { $in: [nest(101)] } } })] })).toEqual([
      'rules[0].offer.data: nested deeper than 100 levels (rule "r")',
      'rules[0].if: nested deeper than 100 levels (rule "r")',
    ])
    const cycle: Record<string, unknown> = {}
    cycle.self = cycle
    expect(errorsOf({ rules: [rule({ offer: { kind: 'headless', data: cycle } })] })).toEqual(['rules[0].offer.data: nested deeper than 100 levels (rule "r")'])
  })

  it('validates a playbook with 10,000 rules', () => {
    const rules = Array.from({ length: 10_000 }, (_, i) => ({ ...DESIGN_EXAMPLE.rules[0], id: `r${i}` }))
    const doc = { ...DESIGN_EXAMPLE, rules }
    const result = validatePlaybook(doc)
    expect(result.ok && result.playbook).toBe(doc)
    rules.push({ ...rules[42] })
    expect(errorsOf({ rules })).toEqual(['rules[10000].id: duplicate rule id "r42"'])
  })
})

describe('validatePlaybook: properties', () => {
  it('never throws and always answers in shape, for any value', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withNullPrototype: true, withSparseArray: true }), (doc) =>
        wellFormed(validatePlaybook(doc), doc),
      ),
      { numRuns: 500 },
    )
  })

  it('never throws and always answers in shape, for any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue(), (doc) => wellFormed(validatePlaybook(doc), doc)), { numRuns: 500 })
  })

  // Every path of the DESIGN example, plus a new key in every object.
  const paths: (string | number)[][] = []
  const walk = (x: unknown, path: (string | number)[]) => {
    paths.push(path)
    if (Array.isArray(x)) x.forEach((v, i) => walk(v, [...path, i]))
    else if (x && typeof x == 'object') {
      for (const [k, v] of Object.entries(x)) walk(v, [...path, k])
      paths.push([...path, 'extra'])
    }
  }
  walk(DESIGN_EXAMPLE, [])
  const keys = ['id', 'on', 'if', 'offer', 'kind', 'placement', 'cta', 'href', 'cap', 'from', 'until', 'rollout', 'stages', 'rules', 'texts', 'groups', '__proto__', 'toString']

  /** Puts `value` at `path` of `doc` when the parent exists; the root itself for `[]`. */
  const put = (doc: unknown, path: (string | number)[], value: unknown): unknown => {
    if (!path.length) return value
    let at = doc
    for (const k of path.slice(0, -1)) at = at && typeof at == 'object' ? (at as Record<string | number, unknown>)[k] : undefined
    // defineProperty, so that `__proto__` becomes an own key as JSON.parse makes it.
    if (at && typeof at == 'object') Object.defineProperty(at, path[path.length - 1], { value, enumerable: true, writable: true, configurable: true })
    return doc
  }
  const mutate = (path: (string | number)[], value: unknown) => put(structuredClone(DESIGN_EXAMPLE), path, value)

  it('never throws for the DESIGN example with random values at random paths', () => {
    const value = fc.oneof(fc.anything(), fc.jsonValue(), fc.constantFrom(undefined, null, '', [], {}, -1, 1.5, 'javascript:alert(1)'))
    const where = fc.oneof(
      fc.constantFrom(...paths),
      fc.tuple(fc.constantFrom(...paths), fc.constantFrom(...keys)).map(([p, k]) => [...p, k]),
    )
    fc.assert(
      fc.property(fc.array(fc.tuple(where, value), { minLength: 1, maxLength: 4 }), (mutations) => {
        const doc = mutations.reduce((d, [path, v]) => put(d, path, v), structuredClone(DESIGN_EXAMPLE) as unknown)
        return wellFormed(validatePlaybook(doc), doc)
      }),
      { numRuns: 1000 },
    )
  })

  it('rejects the example with one field of a wrong type, naming that field', () => {
    const wrong: [(string | number)[], unknown, string][] = [
      [['version'], 1, 'version: must be a string'],
      [['stages', 3, 'loop'], 'yes', 'stages[3].loop: must be a boolean'],
      [['rules', 0, 'priority'], '10', 'rules[0].priority: must be a finite number (rule "free-shipping-nudge")'],
      [['rules', 0, 'offer', 'cta', 'href'], 'javascript:alert(1)', 'rules[0].offer.cta.href: must be an http(s) or relative URL, got "javascript:alert(1)" (rule "free-shipping-nudge")'],
      [['texts', 'ru', 'greeting.returning'], null, 'texts.ru.greeting.returning: must be a string'],
    ]
    for (const [path, value, error] of wrong) expect(errorsOf(mutate(path, value))).toEqual([error])
  })
})
