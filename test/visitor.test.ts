import { describe, expect, it } from 'vitest'
import { MAX_COUNTED } from '../src/journey'
import { freshVisitor, MAX_IMPRESSIONS, persistable, profileOf, restore, SESSION_IDLE_MS, touch } from '../src/visitor'
import { make, settle, stored } from './helpers'

describe('visits and sessions', () => {
  it('starts a first visit with a random anonymous id', () => {
    const a = freshVisitor(1000)
    expect(a.anonymousId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(freshVisitor(1000).anonymousId).not.toBe(a.anonymousId)
    expect(profileOf(a)).toMatchObject({ visits: 1, firstSeen: 1000, lastSeen: 1000, returning: false, userId: null })
  })

  it('continues the visit within 30 minutes of activity (a reload is not a return)', () => {
    const s = freshVisitor(0)
    const session = s.sessionId
    expect(touch(s, SESSION_IDLE_MS)).toBe(false)
    expect(touch(s, 2 * SESSION_IDLE_MS)).toBe(false)
    expect(s).toMatchObject({ visits: 1, sessionId: session, lastSeen: 2 * SESSION_IDLE_MS })
  })

  it('starts a new visit after 30 minutes without activity', () => {
    const s = freshVisitor(0)
    const session = s.sessionId
    expect(touch(s, SESSION_IDLE_MS + 1)).toBe(true)
    expect(s.visits).toBe(2)
    expect(s.sessionId).not.toBe(session)
    expect(s.previousSeen).toBe(0)
    expect(profileOf(s).returning).toBe(true)
  })

  it('keeps the visit and lastSeen when the clock is corrected back by seconds', () => {
    const s = freshVisitor(10_000)
    expect(touch(s, 5_000)).toBe(false)
    expect(s.lastSeen).toBe(10_000)
  })

  const DAY = 864e5
  it('starts a new visit on the new clock when the clock goes back 2 days, not one that lasts 2 days', () => {
    const now = 100 * DAY
    const s = freshVisitor(now)
    const session = s.sessionId
    expect(touch(s, now - 2 * DAY)).toBe(true)
    expect(s).toMatchObject({ visits: 2, lastSeen: now - 2 * DAY, firstSeen: now - 2 * DAY, previousSeen: now - 2 * DAY })
    expect(s.sessionId).not.toBe(session)
    expect(touch(s, now - 2 * DAY + 60_000)).toBe(false) // and that visit goes on normally
    expect(profileOf(s).firstSeen).toBeLessThanOrEqual(profileOf(s).lastSeen)
  })

  it('starts a new visit when the clock jumps 2 days ahead', () => {
    const s = freshVisitor(0)
    expect(touch(s, 2 * DAY)).toBe(true)
    expect(s).toMatchObject({ visits: 2, lastSeen: 2 * DAY, previousSeen: 0 })
  })

  it('persists only the traits listed in storeTraits', () => {
    const s = freshVisitor(0)
    s.traits = { firstName: 'Анна', email: 'a@example.com' }
    expect(persistable(s, ['firstName']).traits).toEqual({ firstName: 'Анна' })
    expect(s.traits.email).toBe('a@example.com')
  })
})

describe('restoring stored state', () => {
  it('accepts what it wrote', () => {
    const s = freshVisitor(0)
    expect(restore(JSON.parse(JSON.stringify(s)))).toEqual(s)
  })

  it.each([
    ['undefined', undefined],
    ['a string', 'hello'],
    ['a foreign object', { foo: 1 }],
    ['a negative visit count', { ...freshVisitor(0), visits: -1 }],
    ['a non-numeric count', { ...freshVisitor(0), journey: { stage: null, stages: [], counts: { a: 'x' }, cycle: 0 } }],
    ['a broken stage entry', { ...freshVisitor(0), journey: { stage: 'buy', stages: [{ id: 3 }], counts: {}, cycle: 0 } }],
  ])('rejects %s', (_, raw) => {
    expect(restore(raw)).toBeNull()
  })
})

describe('the visitor record is bounded (issue 14, item 16)', () => {
  it('5,000 distinct event names keep 500 counts, the most counted, and a small stored record', async () => {
    const wm = make({ playbook: { rules: Array.from({ length: 600 }, (_, i) => ({ id: `r${i}`, on: [`e${i}`], offer: { kind: 'headless' as const } })) } })
    await wm.ready
    for (let k = 0; k < 3; k++) wm.track('order_completed')
    for (let i = 0; i < 5000; i++) wm.track(`e${i}`)
    const counts = wm.journey().counts
    expect(Object.keys(counts).length).toBeLessThanOrEqual(MAX_COUNTED)
    expect(counts.order_completed).toBe(3) // counted more often than the flood: kept
    expect(counts.e4999).toBe(1) // the one just counted: kept
    await settle(300)
    const record = (await stored()).visitor as { impressions: object }
    expect(Object.keys(record.impressions).length).toBeLessThanOrEqual(MAX_IMPRESSIONS)
    expect(JSON.stringify(record).length).toBeLessThan(120_000)
  })

  it('a stored record from before the bounds is brought within them when read', () => {
    const raw = freshVisitor(0)
    for (let i = 0; i < 2000; i++) raw.journey.counts[`n${i}`] = i % 7 + 1
    for (let i = 0; i < 900; i++) raw.impressions[`r${i}`] = { total: 1, day: new Date(i * 864e5).toDateString(), dayCount: 1, session: 's', sessionCount: 1 }
    const s = restore(JSON.parse(JSON.stringify(raw)))!
    expect(Object.keys(s.journey.counts).length).toBeLessThanOrEqual(MAX_COUNTED)
    expect(Math.min(...Object.values(s.journey.counts))).toBeGreaterThanOrEqual(6) // the least counted went first
    expect(Object.keys(s.impressions).length).toBeLessThanOrEqual(MAX_IMPRESSIONS)
    expect(s.impressions.r899).toBeDefined() // shown most recently: kept
    expect(s.impressions.r0).toBeUndefined()
  })
})

