// simulatePlaybook: the decision part of `waymark simulate`, run on a playbook object (as the
// studio runs it in the browser), with the engine's own reasons.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { simulatePlaybook } from '../src/cli/simulate-core'
import type { Playbook } from '../src/types'

const playbook: Playbook = {
  rules: [
    { id: 'nudge', on: ['cart_viewed'], if: { 'event.total': { $gte: 40 } }, offer: { kind: 'banner', title: '{user.firstName|Friend}, free shipping', code: 'SHIP' } },
    { id: 'off', enabled: false, on: ['cart_viewed'], offer: { kind: 'toast', title: 'x' } },
    { id: 'back', on: ['cart_viewed'], if: { 'visit.returning': true }, offer: { kind: 'inline', placement: 'cart', body: 'b' } },
    { id: 'half', on: ['cart_viewed'], rollout: 0.5, offer: { kind: 'inline', placement: 'side', title: 'h' } },
    { id: 'other', on: ['page'], offer: { kind: 'toast', title: 't' } },
  ],
}

describe('simulatePlaybook', () => {
  it('fires, blocks with the engine reasons and lists the rules not listening', () => {
    const now = Date.UTC(2026, 10, 30, 12)
    const s = simulatePlaybook(playbook, { event: 'cart_viewed', props: { total: 45 }, context: { user: { firstName: 'Анна' } }, now })
    expect(s.rules.map((r) => [r.rule, r.fires, r.reason])).toEqual([
      ['nudge', true, 'fires'],
      ['off', false, 'disabled'],
      ['back', false, 'condition not met: visit.returning'],
      ['half', true, 'fires'],
    ])
    expect(s.rules[0].offer).toEqual({ kind: 'banner', title: 'Анна, free shipping', code: 'SHIP' })
    expect(s.rules[2]).toMatchObject({ path: 'visit.returning', value: false })
    expect(s.rules[3]).toMatchObject({ rollout: 0.5, bucket: undefined })
    expect(s.notListening).toEqual(['other'])
    expect(s.at).toBe('2026-11-30T12:00:00.000Z')
    expect(s.anonymousId).toBeNull()
    expect(s.context).toMatchObject({ event: { total: 45 }, journey: { counts: { cart_viewed: 1 } } })
  })

  it('steps the journey as a device does before deciding: the event counted on top of the context, the stage moved', () => {
    const journeyRules: Playbook = {
      rules: [
        { id: 'in-buy', on: ['cart_viewed'], if: { 'journey.stage': 'buy', 'journey.stages': 'buy' }, offer: { kind: 'toast', title: 't' } },
        { id: 'third', on: ['compare'], if: { 'journey.counts.compare': { $gte: 3 } }, offer: { kind: 'toast', title: 't' } },
        { id: 'bonded', on: ['order_completed'], if: { 'journey.stage': 'bond' }, offer: { kind: 'toast', title: 't' } },
        { id: 'entered', on: ['stage:buy'], if: { 'journey.counts.stage:buy': { $exists: false } }, offer: { kind: 'toast', title: 't' } },
      ],
    }
    const fires = (event: string, context?: Record<string, unknown>) => simulatePlaybook(journeyRules, { event, context }).rules.map((r) => r.fires)
    expect(fires('cart_viewed')).toEqual([true])
    expect(simulatePlaybook(journeyRules, { event: 'cart_viewed' }).context).toMatchObject({ journey: { stage: 'buy', stages: ['buy'], counts: { cart_viewed: 1 } } })
    expect(fires('compare', { journey: { counts: { compare: 2 } } })).toEqual([true])
    expect(fires('compare', { journey: { counts: { compare: 1 } } })).toEqual([false])
    // bond's own condition reads the counts with this event in them (the default stages)
    expect(fires('order_completed', { journey: { stage: 'enjoy', stages: ['enjoy'], counts: { order_completed: 1 } } })).toEqual([true])
    expect(fires('order_completed', { journey: { stage: 'enjoy', stages: ['enjoy'] } })).toEqual([false])
    expect(fires('stage:buy')).toEqual([true]) // a stage's trigger is not counted, as on a device
    // the playbook's own stages, not the defaults
    const own = simulatePlaybook({ ...journeyRules, stages: [{ id: 'buy', on: ['compare'] }] }, { event: 'cart_viewed' })
    expect(own.context).toMatchObject({ journey: { stage: null, counts: { cart_viewed: 1 } } })
  })

  it('decides rollouts for one visitor with an id, and defaults the time to now', () => {
    const s = simulatePlaybook(playbook, { event: 'cart_viewed', id: 'v-1' })
    expect(s.anonymousId).toBe('v-1')
    expect(typeof s.rules[3].bucket).toBe('number')
    expect(Math.abs(Date.parse(s.at) - Date.now())).toBeLessThan(5000)
  })

  it('shows the texts the locale gets, and what every listed language gets', () => {
    const polyglot: Playbook = { rules: [{ id: 'p', on: ['page'], offer: { kind: 'toast', title: { en: 'Hello', ru: 'Привет' }, body: 'x' } }] }
    expect(simulatePlaybook(polyglot, { event: 'page', locale: 'ru-RU' }).rules[0]).toMatchObject({
      offer: { title: 'Привет', body: 'x' },
      languages: [{ locale: 'en', title: 'Hello', body: 'x' }, { locale: 'ru', title: 'Привет', body: 'x' }],
    })
    expect(simulatePlaybook(polyglot, { event: 'page' }).rules[0].offer!.title).toBe('Hello')
    // The context's own device.locale wins, as on a device; a broken one falls back to en.
    expect(simulatePlaybook(polyglot, { event: 'page', locale: 'en', context: { device: { locale: 'ru' } } }).rules[0].offer!.title).toBe('Привет')
    expect(simulatePlaybook(polyglot, { event: 'page', context: { device: 5 } }).rules[0].offer!.title).toBe('Hello')
  })

  it('imports nothing from Node, so it runs in a browser', () => {
    for (const file of ['simulate-core.ts', 'simulate-context.ts', 'json-position.ts', 'lint.ts'])
      expect([file, readFileSync(resolve('src/cli', file), 'utf8').match(/from ['"](node:|\.\/shared|\.\/load)/)]).toEqual([file, null])
  })
})
