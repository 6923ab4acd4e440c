import { describe, expect, it } from 'vitest'
import { compileCondition } from '../src/rules/compile-condition'
import { conditionErrors } from '../src/rules/condition-check'
import cases from './growthbook-conditions.json'

type Case = [string, unknown, unknown, boolean, Record<string, unknown[]>?]

describe('GrowthBook conformance (evalCondition cases)', () => {
  const table = cases.evalCondition as unknown as Case[]

  it('carries all 248 cases', () => {
    expect(table).toHaveLength(248)
  })

  it.each(table)('%s', (_name, condition, attributes, expected, savedGroups) => {
    expect(compileCondition(condition, savedGroups)(attributes)).toBe(expected)
  })
})

describe('compileCondition', () => {
  it('fails closed on an unknown operator without throwing', () => {
    const f = compileCondition({ 'event.total': { $gtt: 5 } })
    expect(f({ event: { total: 10 } })).toBe(false)
    expect(f({})).toBe(false)
  })

  it('fails closed on an invalid regex without throwing', () => {
    expect(() => compileCondition({ name: { $regex: '(' } })).not.toThrow()
    expect(compileCondition({ name: { $regex: '(' } })({ name: '(' })).toBe(false)
    expect(compileCondition({ name: { $regexi: '[a-' } })({ name: 'a' })).toBe(false)
    expect(compileCondition({ name: { $regex: 42 } })({ name: '42' })).toBe(false)
  })

  it('fails closed on non-object conditions and malformed logical operands', () => {
    for (const c of [null, undefined, 1, 'a', true, [], [{ a: 1 }]]) {
      expect(compileCondition(c)({ a: 1 })).toBe(false)
    }
    expect(compileCondition({ $or: { a: 1 } })({ a: 1 })).toBe(false)
    expect(compileCondition({ $and: [{ a: 1 }, 5] })({ a: 1 })).toBe(false)
    expect(compileCondition({ $nor: [5] })({ a: 1 })).toBe(false)
    expect(compileCondition({ $not: 5 })({ a: 1 })).toBe(false)
  })

  it('never throws on exotic operands or contexts', () => {
    expect(compileCondition({ a: { $eq: 1n } })({ a: 1n })).toBe(true)
    expect(compileCondition({ a: [1n] })({ a: 1 })).toBe(false)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(compileCondition({ a: { b: 1 } })({ a: cyclic })).toBe(false)
    const throwing = Object.defineProperty({}, 'a', {
      enumerable: true,
      get() {
        throw new Error('boom')
      },
    })
    expect(compileCondition({ a: 1 })(throwing)).toBe(false)
    expect(compileCondition({ a: 'x' })({ a: Object.create(null) })).toBe(false)
  })

  it('compiles once and gives independent answers for many contexts', () => {
    const f = compileCondition({ 'event.total': { $gte: 40, $lt: 50 }, 'visit.returning': true })
    const results = [45, 39, 50, 40, 49.99].map((total) => f({ event: { total }, visit: { returning: true } }))
    expect(results).toEqual([true, false, false, true, true])
    expect(f({ event: { total: 45 }, visit: { returning: false } })).toBe(false)
    expect(f({ event: { total: 45 }, visit: { returning: true } })).toBe(true)
  })

  it('reuses a compiled regex across calls (no global lastIndex state)', () => {
    const f = compileCondition({ 'page.path': { $regex: '^/cart' } })
    for (let i = 0; i < 5; i++) expect(f({ page: { path: '/cart/1' } })).toBe(true)
    expect(f({ page: { path: '/home' } })).toBe(false)
  })

  it('evaluates deeply nested conditions', () => {
    let c: Record<string, unknown> = { 'a.b.c.d.e': { $elemMatch: { x: { $in: [1, 2] } } } }
    for (let i = 0; i < 200; i++) c = i % 2 ? { $and: [c, { ok: true }] } : { $or: [{ never: 1 }, c] }
    const f = compileCondition(c)
    expect(f({ ok: true, a: { b: { c: { d: { e: [{ x: 3 }, { x: 2 }] } } } } })).toBe(true)
    expect(f({ ok: true, a: { b: { c: { d: { e: [{ x: 3 }] } } } } })).toBe(false)
    expect(f({ ok: false, a: { b: { c: { d: { e: [{ x: 2 }] } } } } })).toBe(false)
  })

  it('fails closed instead of overflowing the stack on absurd nesting', () => {
    let c: unknown = { a: 1 }
    for (let i = 0; i < 100_000; i++) c = { $not: c }
    expect(compileCondition(c)({ a: 1 })).toBe(false)
  })

  it('shows a regex at most the first 1,000 characters of a value', () => {
    const f = compileCondition({ s: { $regex: 'x$' } })
    expect(f({ s: 'a'.repeat(999) + 'x' })).toBe(true)
    expect(f({ s: 'a'.repeat(1000) + 'x' })).toBe(false)
    const anchored = compileCondition({ s: { $regex: '^a+$' } })
    expect(anchored({ s: 'a'.repeat(100_000) + 'b' })).toBe(true) // sees only the 'a's
  })

  it('reads saved groups for $inGroup and $notInGroup', () => {
    const groups = { vip: ['u-1', 'u-2'], broken: 'u-1' as unknown as unknown[] }
    expect(compileCondition({ 'user.id': { $inGroup: 'vip' } }, groups)({ user: { id: 'u-2' } })).toBe(true)
    expect(compileCondition({ 'user.id': { $inGroup: 'broken' } }, groups)({ user: { id: 'u-1' } })).toBe(false)
    expect(compileCondition({ 'user.id': { $notInGroup: 'vip' } }, groups)({ user: { id: 'u-3' } })).toBe(true)
    expect(compileCondition({ 'user.id': { $inGroup: 'vip' } })({ user: { id: 'u-1' } })).toBe(false)
  })

  it('matches an array attribute when any element is in the list', () => {
    const f = compileCondition({ 'journey.stages': { $in: ['buy'] } })
    expect(f({ journey: { stages: ['consider', 'buy'] } })).toBe(true)
    expect(f({ journey: { stages: ['consider'] } })).toBe(false)
  })

  it('does not resolve paths through strings or the prototype of primitives', () => {
    expect(compileCondition({ 'name.length': 5 })({ name: 'hello' })).toBe(false)
    expect(compileCondition({ 'a.b': { $exists: false } })({ a: 'str' })).toBe(true)
  })
})

describe('conditionErrors', () => {
  it('names the path of an unknown operator', () => {
    expect(conditionErrors({ 'event.total': { $gtt: 5 } }, 'rules[3].if')).toEqual([
      'rules[3].if.event.total: unknown operator "$gtt"',
    ])
  })

  it('names paths through $and/$or/$nor arrays and $not', () => {
    expect(conditionErrors({ $or: [{ y: 1 }, { x: { $inn: [1] } }] }, 'rules[0].if')).toEqual([
      'rules[0].if.$or[1].x: unknown operator "$inn"',
    ])
    expect(
      conditionErrors({ $and: [{ $nor: [{ a: 1 }, { b: { $regex: '(' } }] }], $not: { c: { $lt: [] } } }, 'stages[5].if'),
    ).toEqual([
      'stages[5].if.$and[0].$nor[1].b: invalid regex "("',
      'stages[5].if.$not.c: "$lt" needs a string, number, boolean or null',
    ])
  })

  it('returns no message for valid conditions, including every conformance case', () => {
    expect(conditionErrors({ 'event.total': { $gte: 40, $lt: 50 }, 'visit.returning': true }, 'r')).toEqual([])
    const invalid = new Set(['unknown operator - pass', '$regex invalid - pass', '$regex invalid - fail', '$in - not array', '$nin - not array', '$ini - not array', '$nini - not array'])
    for (const [name, condition] of cases.evalCondition as unknown as Case[]) {
      expect([name, conditionErrors(condition, 'c').length > 0]).toEqual([name, invalid.has(name)])
    }
  })

  it('reports invalid, unsupported and too large regexes', () => {
    expect(conditionErrors({ ua: { $regex: '[a-' } }, 'p')).toEqual(['p.ua: invalid regex "[a-"'])
    expect(conditionErrors({ ua: { $regexi: '(a)\\1' } }, 'p')).toEqual(['p.ua: unsupported regex "(a)\\\\1" (backreference or octal escape)'])
    expect(conditionErrors({ ua: { $regex: '(?<!a)b' } }, 'p')).toEqual(['p.ua: unsupported regex "(?<!a)b" (lookaround)'])
    expect(conditionErrors({ ua: { $regex: '\\d{1000}' } }, 'p')).toEqual(['p.ua: regex too large "\\\\d{1000}" (over 500 steps per character)'])
    for (const pattern of ['(a+)+', '(a*)*$', '^(\\w+\\s?)*$', '((ab)+c){2,}', '(?:x+y)+', '(Mobile|Tablet)', '^a+b*$', '(ab)+', '(a+)?', '[(a+)]+', '\\(a+\\)+', '-12-25$']) {
      expect(conditionErrors({ ua: { $regexi: pattern } }, 'p')).toEqual([])
      expect(conditionErrors({ ua: { $regex: pattern } }, 'p')).toEqual([])
    }
  })

  // These were flagged "pathological" by the heuristic screen that preceded the linear-time
  // matcher: they backtrack exponentially or polynomially in RegExp (`^(a|aa)+$` on 999 'a's
  // and a 'b' would take about 10^208 steps). Now they are accepted, give RegExp's answer, and
  // take milliseconds on a crafted 1,000-character near miss.
  it.each([
    ['^(a|aa)+$', 'a'.repeat(999) + 'b'],
    ['^(a|a)*$', 'a'.repeat(999) + '!'],
    ['^(ab|a)*c', 'ab'.repeat(500)],
    ['(\\w|_)+$', '_'.repeat(999) + '!'],
    ['(x|[a-z])+$', 'x'.repeat(999) + '!'],
    ['^(?:foo|Foo){2,}$', 'foo'.repeat(333) + '!'],
    ['^(a?|b)+$', 'a'.repeat(999) + 'c'],
    ['(a?){2,}(a)*a$', 'a'.repeat(999) + 'b'],
    ['a+(a+|a+)?b$', 'a'.repeat(1000)],
    ['^((a|ab)c)+$', 'ac'.repeat(499) + 'x'],
    ['^(|a)*$', 'a'.repeat(999) + 'b'],
    ['^(.|\\n)*$', 'a'.repeat(999) + '\u2028'],
    ['.*a.*b.*c', 'ab'.repeat(500)],
    ['^.+/.*/.{2,}$', '/'.repeat(999) + '\n'],
    ['a+a+a+b', 'a'.repeat(1000)],
    ['^\\s*\\w+\\s*$', ' '.repeat(500) + 'x'.repeat(499) + '!'],
    ['[a-z]*(b)+c{2,}', 'b'.repeat(1000)],
  ])('accepts %s, once flagged as pathological, and evaluates it in linear time', (pattern, nearMiss) => {
    expect(conditionErrors({ ua: { $regex: pattern } }, 'p')).toEqual([])
    const check = compileCondition({ ua: { $regex: pattern } })
    const started = performance.now()
    expect(check({ ua: nearMiss })).toBe(false)
    expect(performance.now() - started).toBeLessThan(50) // a guard, not a benchmark: RegExp takes seconds to ages here
    for (const short of ['aa', 'abc', 'foofoo', 'acac', '//ab', 'aab', ' x ', 'bcc', '_', 'x\n'])
      expect([short, check({ ua: short })]).toEqual([short, new RegExp(pattern).test(short)])
  })

  it('reports wrong operand types', () => {
    expect(
      conditionErrors(
        {
          a: { $in: 1, $nin: 'x', $all: {}, $size: 'big', $exists: 1, $type: 'date', $inGroup: 3, $vgt: [] },
          b: { $elemMatch: 5, $regex: 1 },
          c: { $all: [{ $gtt: 1 }], $size: { $foo: 1 }, $elemMatch: { x: { $bad: 1 } } },
          d: { $gt: 1, plain: 2 },
        },
        'x',
      ),
    ).toEqual([
      'x.a: "$in" needs an array',
      'x.a: "$nin" needs an array',
      'x.a: "$all" needs an array',
      'x.a: "$size" needs a number or condition',
      'x.a: "$exists" needs true or false',
      'x.a: "$type" needs one of string, number, boolean, object, array, null, undefined',
      'x.a: "$inGroup" needs a group name',
      'x.a: "$vgt" needs a version string',
      'x.b: "$elemMatch" needs a condition',
      'x.b: "$regex" needs a pattern string',
      'x.c.$all[0]: unknown operator "$gtt"',
      'x.c.$size: unknown operator "$foo"',
      'x.c.$elemMatch.x: unknown operator "$bad"',
      'x.d: mixes operators with plain keys',
    ])
  })

  it('reports malformed logical operators and non-object conditions', () => {
    expect(conditionErrors({ $and: {}, $or: [1, { a: 1 }], $nor: 'x', $not: [] }, 'r')).toEqual([
      'r: "$and" needs an array of conditions',
      'r.$or[0]: condition must be an object',
      'r: "$nor" needs an array of conditions',
      'r.$not: condition must be an object',
    ])
    expect(conditionErrors('a', 'rules[1].if')).toEqual(['rules[1].if: condition must be an object'])
    expect(conditionErrors(null, 'r')).toEqual(['r: condition must be an object'])
    expect(conditionErrors({ $in: [1] }, 'r')).toEqual(['r: "$in" needs a field, e.g. { "path": { "$in": … } }'])
  })

  it('does not throw on cyclic or hostile input', () => {
    const cyclic: Record<string, unknown> = {}
    cyclic.$not = cyclic
    expect(conditionErrors(cyclic, 'r')).toEqual(['r: condition is not readable JSON'])
    const throwing = Object.defineProperty({}, 'a', {
      enumerable: true,
      get() {
        throw new Error('boom')
      },
    })
    expect(conditionErrors(throwing, 'r')).toEqual(['r: condition is not readable JSON'])
  })
})

describe('regexes that backtrack in RegExp', () => {
  it('(a+)+$ is accepted and never backtracks on page input: the matcher is linear', () => {
    const check = compileCondition({ 'event.q': { $regex: '(a+)+$' } })
    const started = performance.now()
    expect(check({ event: { q: 'a'.repeat(999) + '!' } })).toBe(false)
    expect(check({ event: { q: 'aaa' } })).toBe(true)
    expect(check({ event: { q: 'a'.repeat(5000) + '!' } })).toBe(true) // it sees the first 1,000 characters
    expect(performance.now() - started).toBeLessThan(50) // a guard, not a benchmark: RegExp never ends here
    expect(compileCondition({ 'event.q': { $regex: '^a+$' } })({ event: { q: 'aaa' } })).toBe(true)
  })

  it('unbounded wildcards cost one pass: .*a.*b.*c answers at once on a crafted value', () => {
    const check = compileCondition({ 'event.q': { $regex: '.*foo.*bar' } })
    const started = performance.now()
    expect(check({ event: { q: 'foo'.repeat(333) } })).toBe(false)
    expect(compileCondition({ 'event.q': { $regex: '.*a.*b.*c' } })({ event: { q: 'ab'.repeat(500) } })).toBe(false)
    expect(performance.now() - started).toBeLessThan(50) // a guard: RegExp took 0.3 s and 11 s here
    expect(compileCondition({ 'event.q': { $regex: '.*a.*b.*c' } })({ event: { q: 'abc' } })).toBe(true)
  })

  it('^(a|aa)+$ answers a near miss within the 1,000-character cap at once, and matches where it should', () => {
    const check = compileCondition({ 'event.q': { $regex: '^(a|aa)+$' } })
    const started = performance.now()
    expect(check({ event: { q: 'a'.repeat(999) + 'b' } })).toBe(false)
    expect(performance.now() - started).toBeLessThan(50) // a guard: RegExp never ends here
    expect(check({ event: { q: 'aa' } })).toBe(true)
  })
})
