/**
 * What the split script tag's parts module notes for its elements' part: whether the playbook
 * an instance puts in force draws offers (any rule's offer not `headless`), as each playbook
 * goes into the offers' `use`, which still gets every call.
 */
import { describe, expect, it } from 'vitest'
import { createOffers, type OfferDeps } from '../src/offers'
import { drawsOf, withDraws } from '../src/script-parts'
import type { Rule } from '../src/types'

const rule = (id: string, kind: string): Rule => ({ id, on: ['page'], offer: { kind } }) as Rule

describe('withDraws', () => {
  it('tells whether the playbook in force draws offers, playbook after playbook', () => {
    const offers = createOffers({} as OfferDeps)
    const wm = withDraws(offers, {})
    expect(drawsOf(wm)).toBe(false) // no playbook yet
    offers.use([rule('own-ui', 'headless')], undefined)
    expect(drawsOf(wm)).toBe(false)
    offers.use([rule('own-ui', 'headless'), rule('nudge', 'banner')], undefined)
    expect(drawsOf(wm)).toBe(true)
    offers.use([rule('slot', 'inline')], undefined)
    expect(drawsOf(wm)).toBe(true)
    offers.use([], undefined)
    expect(drawsOf(wm)).toBe(false)
    expect(drawsOf({})).toBe(false) // an object it never saw
  })

  it('leaves the offers working: each playbook is still indexed', () => {
    const deps = {
      state: () => ({ anonymousId: 'a', sessionId: 's', impressions: {} }),
      context: () => ({ event: {}, user: {}, visit: {}, device: {}, page: {} }),
    } as unknown as OfferDeps
    const offers = createOffers(deps)
    withDraws(offers, {})
    offers.use([rule('nudge', 'banner')], undefined)
    expect(offers.explain('nudge')).toMatchObject({ rule: 'nudge', fires: true })
    expect(offers.explain('other').reason).toBe('no such rule')
  })
})
