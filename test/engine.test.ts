import { beforeAll, describe, expect, it } from 'vitest'
import { useRegex } from '../src/rules/condition'
import { compileRegex } from '../src/rules/regex'
import { blocker, bucket, countImpression, dayOf, decide, type DecisionEnv, hash, indexRules } from '../src/rules/engine'
import type { Rule } from '../src/types'
import { compileCondition } from '../src/rules/compile-condition'
import cases from './growthbook-conditions.json'

// An instance gives its conditions the $regex matcher before a playbook with a regex is in
// force (with-regex.test.ts); the engine alone is tested here, with the matcher given.
beforeAll(() => useRegex(compileRegex))

const NOW = Date.parse('2026-11-23T12:00:00Z')
const env = (over: Partial<DecisionEnv> = {}): DecisionEnv => ({
  now: NOW, anonymousId: 'anon-1', sessionId: 's-1', day: dayOf(NOW), impressions: {}, overlay: null, ...over,
})
const rule = (id: string, over: Partial<Rule> = {}): Rule => ({ id, on: ['cart_viewed'], offer: { kind: 'banner', title: id }, ...over })
const fired = (rules: Rule[], context: unknown = {}, e = env(), trigger = 'cart_viewed') =>
  decide(indexRules(rules), trigger, context, e)

describe('rule index', () => {
  it('lets an event touch only the rules that listen to it', () => {
    let reads = 0
    const context = { get event() { reads++; return { total: 45 } } }
    const rules = Array.from({ length: 100 }, (_, i) =>
      rule(`r${i}`, { on: [i === 7 ? 'cart_viewed' : `other_${i}`], if: { 'event.total': { $gte: 40 } } }))
    const d = fired(rules, context)
    expect(d.fire.map((r) => r.id)).toEqual(['r7'])
    expect(reads).toBe(1)
  })

  it('indexes disabled rules for explain but never evaluates them', () => {
    const index = indexRules([rule('off', { enabled: false })])
    expect(index.byTrigger.has('cart_viewed')).toBe(false)
    expect(blocker(index.byId.get('off')!, {}, env())).toBe('disabled')
  })

  it('lists a rule once per trigger even if the trigger is repeated', () => {
    expect(indexRules([rule('a', { on: ['x', 'x'] })]).byTrigger.get('x')).toHaveLength(1)
  })
})

describe('priority and slots', () => {
  it('shows only the highest-priority overlay', () => {
    const d = fired([rule('low', { priority: 1 }), rule('high', { priority: 5, offer: { kind: 'modal' } }), rule('mid', { priority: 3, offer: { kind: 'toast' } })])
    expect(d.fire.map((r) => r.id)).toEqual(['high'])
    expect(d.blocked).toEqual([['low', 'outranked by "high"'], ['mid', 'outranked by "high"']])
  })

  it('breaks a priority tie in favour of the rule listed first', () => {
    expect(fired([rule('first'), rule('second')]).fire.map((r) => r.id)).toEqual(['first'])
    expect(fired([rule('second'), rule('first')]).fire.map((r) => r.id)).toEqual(['second'])
  })

  it('gives each inline placement its own winner, beside the overlay', () => {
    const inline = (id: string, placement: string, priority = 0): Rule =>
      rule(id, { priority, offer: { kind: 'inline', placement } })
    const d = fired([rule('banner'), inline('a', 'cart'), inline('b', 'cart', 2), inline('c', 'footer')])
    expect(d.fire.map((r) => r.id).sort()).toEqual(['b', 'banner', 'c'])
  })

  it('keeps overlays off while another overlay is on screen, but not inline offers', () => {
    const d = fired([rule('banner'), rule('slot', { offer: { kind: 'inline', placement: 'x' } })], {}, env({ overlay: 'other' }))
    expect(d.fire.map((r) => r.id)).toEqual(['slot'])
    expect(d.blocked).toEqual([['banner', 'overlay "other" is on screen']])
  })
})

describe('schedule', () => {
  const scheduled = rule('s', { from: '2026-11-23T12:00:00Z', until: '2026-11-23T13:00:00Z' })
  it.each([
    ['a millisecond before from', NOW - 1, 'scheduled from 2026-11-23T12:00:00Z'],
    ['exactly at from', NOW, null],
    ['exactly at until', NOW + 3600_000, null],
    ['a millisecond after until', NOW + 3600_001, 'ended 2026-11-23T13:00:00Z'],
  ])('%s', (_, now, reason) => {
    expect(blocker(indexRules([scheduled]).byId.get('s')!, {}, env({ now }))).toBe(reason)
  })
})

describe('caps', () => {
  const capped = (cap: Rule['cap']) => indexRules([rule('c', { cap })]).byId.get('c')!

  it('counts impressions per session, per day and in total', () => {
    const e = env()
    countImpression(e.impressions, 'c', e)
    expect(blocker(capped({ session: 1 }), {}, e)).toBe('cap: 1 of 1 per session')
    expect(blocker(capped({ day: 2 }), {}, e)).toBeNull()
    countImpression(e.impressions, 'c', e)
    expect(blocker(capped({ day: 2 }), {}, e)).toBe('cap: 2 of 2 per day')
    expect(blocker(capped({ total: 3 }), {}, e)).toBeNull()
    expect(e.impressions.c).toMatchObject({ total: 2, dayCount: 2, sessionCount: 2 })
  })

  it('starts the session count again in a new session', () => {
    const e = env()
    countImpression(e.impressions, 'c', e)
    expect(blocker(capped({ session: 1 }), {}, { ...e, sessionId: 's-2' })).toBeNull()
  })

  it('rolls the day count over at the visitor\'s local midnight, keeping the total', () => {
    const evening = new Date(2026, 10, 23, 23, 59).getTime()
    const morning = new Date(2026, 10, 24, 0, 1).getTime()
    const e = env({ now: evening, day: dayOf(evening) })
    countImpression(e.impressions, 'c', e)
    const next = { ...e, now: morning, day: dayOf(morning) }
    expect(blocker(capped({ day: 1 }), {}, e)).toBe('cap: 1 of 1 per day')
    expect(blocker(capped({ day: 1 }), {}, next)).toBeNull()
    expect(blocker(capped({ day: 1, total: 1 }), {}, next)).toBe('cap: 1 of 1 per total')
    countImpression(next.impressions, 'c', next)
    expect(next.impressions.c).toMatchObject({ total: 2, dayCount: 1 })
  })
})

describe('conditions', () => {
  it('names the first top-level condition path that fails', () => {
    const r = indexRules([rule('c', { if: { 'event.total': { $gte: 40, $lt: 50 }, 'visit.returning': true } })]).byId.get('c')!
    expect(blocker(r, { event: { total: 45 }, visit: { returning: false } }, env())).toBe('condition not met: visit.returning')
    expect(blocker(r, { event: { total: 55 }, visit: { returning: true } }, env())).toBe('condition not met: event.total')
    expect(blocker(r, { event: { total: 45 }, visit: { returning: true } }, env())).toBeNull()
  })
})

describe('rollout', () => {
  it('hashes with FNV-1a', () => {
    expect(hash('a').toString(16)).toBe('e40c292c')
  })

  it('puts a visitor in the same bucket every time, independently per rule', () => {
    expect(bucket('anon-1', 'r')).toBe(bucket('anon-1', 'r'))
    const ids = Array.from({ length: 2000 }, (_, i) => `visitor-${i}`)
    const same = ids.filter((id) => bucket(id, 'r1') < 0.5 === bucket(id, 'r2') < 0.5).length
    expect(same / ids.length).toBeGreaterThan(0.45)
    expect(same / ids.length).toBeLessThan(0.55)
  })

  it('holds out about the share of visitors outside the rollout, and the held-out winner keeps its slot', () => {
    const rules = [rule('nudge', { rollout: 0.9, priority: 2 }), rule('fallback')]
    let held = 0
    for (let i = 0; i < 5000; i++) {
      const d = fired(rules, {}, env({ anonymousId: `v${i}` }))
      if (d.heldOut.length) {
        held++
        expect(d.fire).toEqual([])
      }
    }
    expect(held / 5000).toBeGreaterThan(0.08)
    expect(held / 5000).toBeLessThan(0.12)
  })

  it('never holds out at rollout 1 and always at rollout 0', () => {
    expect(fired([rule('all', { rollout: 1 })]).fire).toHaveLength(1)
    expect(fired([rule('none', { rollout: 0 })]).heldOut).toHaveLength(1)
  })
})

describe('lazy compilation (issue 17)', () => {
  // Each rule's parts are compiled on their first evaluation, not when the playbook is applied:
  // the answers, the explain reasons and failing closed must be exactly those of compiling first.
  it('gives every GrowthBook case the same answer on the first and later evaluations', () => {
    for (const [name, condition, attributes, expected, groups] of cases.evalCondition as Array<[string, Record<string, unknown>, unknown, boolean, Record<string, unknown[]>?]>) {
      const r = indexRules([rule('r', { if: condition })], groups).byId.get('r')!
      const first = blocker(r, attributes, env())
      const again = blocker(r, attributes, env())
      expect([name, first === null], name).toEqual([name, expected])
      expect(again, name).toBe(first)
      expect(first === null, name).toBe(compileCondition(condition, groups)(attributes))
    }
  })

  it('compiles a part once, on first use, and only the parts that are reached', () => {
    const r = indexRules([rule('r', { if: { 'visit.count': { $gte: 2 }, 'page.path': { $regex: '^/cart' } } })]).byId.get('r')!
    const [stubA, stubB] = r.parts.map(([, test]) => test)
    expect(blocker(r, { visit: { count: 1 }, page: { path: '/cart' } }, env())).toBe('condition not met: visit.count')
    expect(r.parts[0][1]).not.toBe(stubA) // compiled, in place
    expect(r.parts[1][1]).toBe(stubB) // never reached: its regex never built
    const compiled = r.parts[0][1]
    expect(blocker(r, { visit: { count: 3 }, page: { path: '/checkout' } }, env())).toBe('condition not met: page.path')
    expect(r.parts[0][1]).toBe(compiled) // once
    expect(blocker(r, { visit: { count: 3 }, page: { path: '/cart/2' } }, env())).toBeNull()
  })

  it('still fails closed: a bad regex, a refused pattern or an unknown operator never fires, every time', () => {
    const rules = [
      rule('bad', { if: { 'page.path': { $regex: '(' } } }),
      rule('backref', { if: { 'page.path': { $regex: '(a)\\1' } } }),
      rule('unknown', { if: { 'event.total': { $gtt: 1 } } }),
      rule('deep', { if: { $or: 'nope' } as never }),
    ]
    const index = indexRules(rules)
    for (let i = 0; i < 2; i++) {
      const d = decide(index, 'cart_viewed', { page: { path: 'aa(' }, event: { total: 5 } }, env())
      expect(d.fire).toEqual([])
      expect(d.blocked).toEqual([
        ['bad', 'condition not met: page.path'],
        ['backref', 'condition not met: page.path'],
        ['unknown', 'condition not met: event.total'],
        ['deep', 'condition not met: $or'],
      ])
    }
  })
})
