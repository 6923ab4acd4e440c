import { describe, expect, it } from 'vitest'
import { validatePlaybook } from '../src/playbook/validate'
import { validateSliced } from '../src/playbook/validate-sliced'

const rule = (i: number) => ({ id: `r${i}`, on: ['page'], if: { 'page.path': { $regex: `^/p${i % 7}` } }, offer: { kind: 'headless', data: { i } } })
const rules = (n: number) => Array.from({ length: n }, (_, i) => rule(i))
const parsed = (doc: unknown) => JSON.parse(JSON.stringify(doc))

describe('validateSliced: the sync validates a fetched playbook in slices, deciding as validatePlaybook does', () => {
  it.each([
    ['a valid playbook of 120 rules', { version: '1', rules: rules(120), texts: { greeting: { en: 'Hi' } } }],
    ['a valid playbook of 5 rules (one slice)', { version: '1', rules: rules(5) }],
    ['an id repeated across slices', { rules: [...rules(40), rule(3)] }],
    ['an id repeated within a slice', { rules: [...rules(40), rule(39)] }],
    ['a bad rule in a late slice', { rules: rules(60).map((r, i) => (i == 57 ? { ...r, if: { x: { $gtt: 1 } } } : r)) }],
    ['a rule that is not an object', { rules: [...rules(30), 'oops'] }],
    ['a bad key outside the rules', { rules: rules(30), texts: 'no' }],
    ['an unknown key before the rules', { nope: 1, rules: rules(30) }],
    ['problems everywhere, in document order', { stages: [{ id: 'a' }], rules: [...rules(25), { id: 'r1' }], places: [{}] }],
    ['rules not an array', { rules: { r: rule(1) } }],
    ['not an object', [1, 2]],
    ['a missing id in a late slice', { rules: [...rules(30), { on: ['page'], offer: { kind: 'headless' } }] }],
  ])('%s', async (_, doc) => {
    const d = parsed(doc)
    expect(await validateSliced(d)).toEqual(validatePlaybook(d))
  })
})
