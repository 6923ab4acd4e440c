import { describe, expect, it } from 'vitest'
import { compileStages, DEFAULT_STAGES, emptyJourney, MAX_STAGE_HISTORY, step } from '../src/journey'
import { compileCondition } from '../src/rules/compile-condition'

const stages = compileStages(DEFAULT_STAGES, compileCondition)
const run = (names: string[], j = emptyJourney()) => {
  const entered = names.map((n) => step(j, stages, n, () => ({ journey: j }), 1))
  return { j, entered }
}

describe('journey steps', () => {
  it('counts every event, whether or not it moves the stage', () => {
    const { j } = run(['page', 'page', 'newsletter'])
    expect(j.counts).toEqual({ page: 2, newsletter: 1 })
  })

  it('moves forward through the stages in playbook order', () => {
    const { j, entered } = run(['page', 'product_viewed', 'cart_viewed'])
    expect(entered).toEqual(['consider', 'evaluate', 'buy'])
    expect(j.stages.map((s) => s.id)).toEqual(['consider', 'evaluate', 'buy'])
  })

  it('never moves back before the loop: a page view does not send a buyer to consider', () => {
    const { j, entered } = run(['cart_viewed', 'page', 'product_viewed'])
    expect(entered).toEqual(['buy', null, null])
    expect(j.stage).toBe('buy')
  })

  it('may skip stages forward without inventing the ones in between', () => {
    const { j } = run(['checkout_started'])
    expect(j.stages.map((s) => s.id)).toEqual(['buy'])
  })

  it('starts a new cycle when an earlier stage triggers after a loop stage was reached', () => {
    const { j, entered } = run(['cart_viewed', 'order:delivered', 'product_viewed'])
    expect(entered).toEqual(['buy', 'enjoy', 'evaluate'])
    expect(j.cycle).toBe(1)
  })

  it('moves forward inside the post-purchase part without a new cycle', () => {
    const { j } = run(['order:delivered', 'review_written', 'order:delivered'])
    expect(j.stage).toBe('advocate')
    expect(j.cycle).toBe(0)
  })

  it('enters bond only from the second completed order (its condition sees this event counted)', () => {
    const { j, entered } = run(['order:delivered', 'order_completed', 'order_completed'])
    expect(entered).toEqual(['enjoy', null, 'bond'])
    expect(j.counts.order_completed).toBe(2)
  })

  it('builds the context only when a stage condition needs it', () => {
    const j = emptyJourney()
    let built = 0
    step(j, stages, 'page', () => (built++, {}), 1)
    expect(built).toBe(0)
  })

  it('keeps a bounded stage history', () => {
    const j = emptyJourney()
    for (let i = 0; i < 200; i++) run(['cart_viewed', 'order:delivered', 'product_viewed'], j)
    expect(j.stages.length).toBe(MAX_STAGE_HISTORY)
  })
})

describe('the loyalty loop', () => {
  it('opens only after the loop stage itself was reached, not when a later stage was entered before it', () => {
    const stages = compileStages(DEFAULT_STAGES, compileCondition)
    const j = emptyJourney()
    step(j, stages, 'product_viewed', () => ({}), 1)
    expect(step(j, stages, 'review_written', () => ({}), 2)).toBe('advocate') // before any purchase
    expect(step(j, stages, 'cart_viewed', () => ({}), 3)).toBeNull() // no new cycle: nothing was bought
    expect(j.cycle).toBe(0)
    expect(step(j, stages, 'order:delivered', () => ({}), 4)).toBeNull() // and enjoy is behind
  })
})
