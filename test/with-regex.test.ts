/**
 * The `$regex` matcher as an instance gets it: loaded only for a playbook that has a regex,
 * once, before that playbook goes in force. Each test imports the modules afresh, since the
 * matcher, once given, is the page's.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest'
import type { Playbook } from '../src/types'

const fresh = async () => {
  vi.resetModules()
  return {
    ...(await import('../src/rules/condition')),
    ...(await import('../src/rules/with-regex')),
    ...(await import('../src/rules/regex')),
  }
}
const rule = (condition: object) => ({ id: 'r', on: ['page'], if: condition, offer: { kind: 'banner', title: 't' } })
const withRe = { rules: [rule({ 'page.path': { $regex: '^/cart' } })] } as unknown as Playbook
const withRei = { stages: [{ id: 'consider', if: { 'page.path': { $regexi: 'SHOP' } } }] } as unknown as Playbook
const plain = { rules: [rule({ 'page.path': '/cart', title: 'About $regex' })] } as unknown as Playbook

describe('$regex in an instance', () => {
  beforeEach(() => vi.resetModules())

  it('fails closed until the matcher is given, and matches from then on, in conditions compiled before', async () => {
    const { compileCondition, useRegex, hasRegex, compileRegex } = await fresh()
    const cart = compileCondition({ path: { $regex: '^/cart' } })
    expect(hasRegex()).toBe(false)
    expect(cart({ path: '/cart/2' })).toBe(false)
    useRegex(compileRegex)
    expect(hasRegex()).toBe(true)
    expect(cart({ path: '/cart/2' })).toBe(true)
    expect(cart({ path: '/shop' })).toBe(false)
  })

  it('the root compileCondition always has it', async () => {
    vi.resetModules()
    const { compileCondition } = await import('../src/index')
    expect(compileCondition({ path: { $regexi: '^/CART' } })({ path: '/cart/2' })).toBe(true)
  })

  it('puts a playbook without a regex in force at once, loading nothing', async () => {
    const { withRegex } = await fresh()
    const load = vi.fn()
    const then = vi.fn()
    expect(withRegex(plain, load, vi.fn(), then)).toBeUndefined()
    expect(then).toHaveBeenCalledTimes(1)
    expect(load).not.toHaveBeenCalled()
  })

  it('loads the matcher once for playbooks with $regex or $regexi, and puts them in force in order, after it', async () => {
    const { withRegex, hasRegex, compileRegex } = await fresh()
    let resolve!: (m: { compileRegex: typeof compileRegex }) => void
    const load = vi.fn(() => new Promise<{ compileRegex: typeof compileRegex }>((r) => (resolve = r)))
    const order: string[] = []
    const a = withRegex(withRe, load, vi.fn(), () => order.push('a'))
    const b = withRegex(withRei, load, vi.fn(), () => order.push('b'))
    expect(order).toEqual([]) // nothing decides while a regex would fail for want of code
    expect(load).toHaveBeenCalledTimes(1)
    resolve({ compileRegex })
    await Promise.all([a, b])
    expect(order).toEqual(['a', 'b'])
    expect(hasRegex()).toBe(true)
    const then = vi.fn()
    expect(withRegex(withRe, load, vi.fn(), then)).toBeUndefined() // in place: at once
    expect(then).toHaveBeenCalledTimes(1)
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('a matcher that cannot load is reported, the playbook still goes in force, and the next one tries again', async () => {
    const { withRegex, hasRegex, compileRegex } = await fresh()
    const fail = vi.fn()
    const then = vi.fn()
    await withRegex(withRe, () => Promise.reject(new Error('offline')), fail, then)
    expect(fail).toHaveBeenCalledWith('$regex conditions fail closed: the matcher did not load (offline)')
    expect(then).toHaveBeenCalledTimes(1)
    expect(hasRegex()).toBe(false)
    await withRegex(withRe, async () => ({ compileRegex }), fail, then)
    expect(hasRegex()).toBe(true)
    expect(fail).toHaveBeenCalledTimes(1)
  })
})
