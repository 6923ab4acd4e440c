import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileCondition } from '../src/rules/condition'
import { conditionErrors } from '../src/rules/condition-check'

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
})
