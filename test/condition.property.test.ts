import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileCondition } from '../src/rules/compile-condition'
import { conditionErrors } from '../src/rules/condition-check'
import { compileRegex } from '../src/rules/regex'

const OPERATORS = [
  '$eq', '$ne', '$lt', '$lte', '$gt', '$gte', '$in', '$nin', '$ini', '$nini', '$all', '$alli',
  '$elemMatch', '$size', '$exists', '$type', '$regex', '$regexi', '$not', '$and', '$or', '$nor',
  '$inGroup', '$notInGroup', '$veq', '$vne', '$vgt', '$vgte', '$vlt', '$vlte',
]

// Keys that look like operators, near misses, dot paths and prototype names.
const key = fc.oneof(
  fc.constantFrom(...OPERATORS),
  fc.constantFrom('$gtt', '$', '$groups', 'a', 'a.b', 'b.c.d', '__proto__', 'constructor', 'toString', ''),
  fc.string({ maxLength: 6 }),
)

// Values that stress operand handling: regex-ish strings, versions, scalars, arrays.
const leaf = fc.oneof(
  fc.jsonValue({ maxDepth: 1 }),
  fc.constantFrom('(', '[a-', '(a+)+', '^a', '1.2.3', 'v1.0.0-beta+x', 'array', 'null', 'g1'),
)

// Conditions built from operator names and random keys, nested through logical arrays.
const { condition } = fc.letrec((tie) => ({
  condition: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('condition'),
    fc.array(tie('condition'), { maxLength: 3 }),
    fc.array(leaf, { maxLength: 3 }),
  ),
}))

const groups = fc.option(fc.dictionary(fc.constantFrom('g1', 'g2', 'x'), fc.array(fc.jsonValue({ maxDepth: 1 }))), {
  nil: undefined,
})

const context = fc.oneof(fc.jsonValue(), fc.dictionary(key, fc.jsonValue({ maxDepth: 3 })))

describe('condition properties', () => {
  it('never throws and always answers a boolean, for any JSON condition and context', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.array(context, { minLength: 1, maxLength: 3 }), (c, contexts) => {
        const f = compileCondition(c)
        for (const ctx of contexts) expect(typeof f(ctx)).toBe('boolean')
        expect(Array.isArray(conditionErrors(c, 'p'))).toBe(true)
      }),
      { numRuns: 500 },
    )
  })

  it('never throws and always answers a boolean, for operator-shaped conditions', () => {
    fc.assert(
      fc.property(condition, groups, fc.array(context, { minLength: 1, maxLength: 3 }), (c, g, contexts) => {
        const f = compileCondition(c, g)
        for (const ctx of contexts) expect(typeof f(ctx)).toBe('boolean')
        const errors = conditionErrors(c, 'rules[0].if')
        expect(errors.every((m) => typeof m == 'string' && m.startsWith('rules[0].if'))).toBe(true)
      }),
      { numRuns: 2000 },
    )
  })

  it('gives the same answer when a compiled condition is reused', () => {
    fc.assert(
      fc.property(condition, context, (c, ctx) => {
        const f = compileCondition(c)
        expect(f(ctx)).toBe(f(ctx))
        expect(compileCondition(c)(ctx)).toBe(f(ctx))
      }),
      { numRuns: 500 },
    )
  })

  it('$not of a well-formed condition is its negation', () => {
    fc.assert(
      fc.property(condition, context, (c, ctx) => {
        fc.pre(conditionErrors(c, '').length == 0 && Object.keys(c).length > 0)
        expect(compileCondition({ $not: c })(ctx)).toBe(!compileCondition(c)(ctx))
      }),
      { numRuns: 500 },
    )
  })

  // What the matcher promises: RegExp's answer, in time linear in the input, for any pattern it
  // accepts; the shapes that backtrack exponentially in RegExp included. Those are compared
  // with RegExp only on short values (where RegExp still ends), and timed on 1,000-character
  // near misses, where RegExp would not.
  it('the regex matcher answers for any pattern, agrees with RegExp, and stays linear on near misses', () => {
    // Repeated groups of alternatives, anchored, the shape that backtracks; plus random noise.
    const atom = fc.constantFrom('a', 'aa', 'ab', 'b', 'x', '\\w', '[ab]', 'a?', 'a+', '.', '')
    const group = fc
      .tuple(fc.constantFrom('(', '(?:'), fc.array(atom, { minLength: 1, maxLength: 3 }), fc.constantFrom('*', '+', '{2,}', '?', ''))
      .map(([open, alts, q]) => `${open}${alts.join('|')})${q}`)
    const shaped = fc
      .tuple(fc.constantFrom('^', ''), fc.array(fc.oneof(group, atom), { minLength: 1, maxLength: 3 }), fc.constantFrom('$', 'b$', '!', ''))
      .map(([a, parts, z]) => a + parts.join('') + z)
    const piece = fc.constantFrom('a', 'b', 'ab', '|', '(', ')', '(?:', '*', '+', '?', '{2,}', '.', '\\w', '\\', '[ab]', '^', '$', 'x')
    const noise = fc.array(piece, { maxLength: 12 }).map((p) => p.join(''))
    let accepted = 0
    let slowest = 0
    for (const pattern of fc.sample(fc.oneof(shaped, noise), { numRuns: 3000, seed: 20261125 })) {
      const m = compileRegex(pattern)
      let re: RegExp
      try {
        re = new RegExp(pattern)
      } catch {
        expect([pattern, m]).toEqual([pattern, 'invalid'])
        continue
      }
      if (typeof m != 'function') throw new Error(`refused ${pattern}: ${m}`) // nothing here is refused
      accepted++
      for (const s of ['', 'a', 'ab', 'aab', 'abab!', 'xaxb', 'aaaaaab', 'ba!']) expect([pattern, s, m(s)]).toEqual([pattern, s, re.test(s)])
      for (const s of ['a'.repeat(999) + '!', 'ab'.repeat(499) + '!', 'x'.repeat(999) + '!']) {
        const t = performance.now()
        m(s)
        slowest = Math.max(slowest, performance.now() - t)
      }
    }
    expect(accepted).toBeGreaterThan(500)
    expect(slowest).toBeLessThan(50) // a guard: `node test/bench/regex.mjs` measures the worst case
  }, 30_000)
})
