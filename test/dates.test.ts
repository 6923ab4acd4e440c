// The playbook's dates (src/playbook/dates.ts): the instants they name, and the rules engine
// reading `from` and `until` the way the validator does.
import { describe, expect, it } from 'vitest'
import { parseDate } from '../src/playbook/dates'
import { blocker, indexRules, type DecisionEnv } from '../src/rules/engine'
import type { Rule } from '../src/types'

const at = (iso: string) => new Date(iso).getTime()

describe('parseDate', () => {
  it.each([
    ['2026-12-31', '2026-12-31T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
    ['2024-02-29', '2024-02-29T00:00:00.000Z', '2024-02-29T23:59:59.999Z'],
    ['2026-12-31T23:59Z', '2026-12-31T23:59:00.000Z', '2026-12-31T23:59:00.000Z'],
    ['2026-12-31T23:59:59.500Z', '2026-12-31T23:59:59.500Z', '2026-12-31T23:59:59.500Z'],
    ['2026-12-31T02:00:00+03:00', '2026-12-30T23:00:00.000Z', '2026-12-30T23:00:00.000Z'],
    ['2026-12-31T00:00:00-00:30', '2026-12-31T00:30:00.000Z', '2026-12-31T00:30:00.000Z'],
  ])('reads %j as %s (and as an end, %s)', (text, start, end) => {
    expect(new Date(parseDate(text)).toISOString()).toBe(start)
    expect(new Date(parseDate(text, true)).toISOString()).toBe(end)
  })

  it('reads years below 100 as written (Date.UTC would add 1900)', () => {
    expect(new Date(parseDate('0099-01-01')).getUTCFullYear()).toBe(99)
  })

  it.each(['2026-11-31', '2026-11-31T23:59:59Z', '2027-02-29', '2026-02-30', 'December 31, 2026', '2026-12-31T23:59:59', '2026-12-31T24:00Z', undefined, 20261231])(
    'is NaN for %j (Date.parse takes most of them)',
    (value) => {
      expect(parseDate(value)).toBeNaN()
    },
  )
})

describe('from and until on the device', () => {
  const env = (iso: string): DecisionEnv => ({ now: at(iso), anonymousId: 'a', sessionId: 's', day: 'd', impressions: {}, overlay: null })
  const rule = (extra: Partial<Rule>): Rule => ({ id: 'r', on: ['x'], offer: { kind: 'headless' }, ...extra })
  const reason = (r: Rule, iso: string) => blocker(indexRules([r]).byId.get('r')!, {}, env(iso))

  it('includes the whole day of a date-only until, in UTC (it ended at its start before)', () => {
    const r = rule({ until: '2026-12-31' })
    expect(reason(r, '2026-12-31T00:00:00Z')).toBeNull()
    expect(reason(r, '2026-12-31T23:59:59.999Z')).toBeNull()
    expect(reason(r, '2027-01-01T00:00:00Z')).toBe('ended 2026-12-31')
  })

  it('starts a date-only from at the start of its day, in UTC', () => {
    const r = rule({ from: '2026-12-01' })
    expect(reason(r, '2026-11-30T23:59:59.999Z')).toBe('scheduled from 2026-12-01')
    expect(reason(r, '2026-12-01T00:00:00Z')).toBeNull()
  })

  it('one date as both from and until is that whole day', () => {
    const r = rule({ from: '2026-12-24', until: '2026-12-24' })
    expect(reason(r, '2026-12-23T23:59:59Z')).toBe('scheduled from 2026-12-24')
    expect(reason(r, '2026-12-24T12:00:00Z')).toBeNull()
    expect(reason(r, '2026-12-25T00:00:00Z')).toBe('ended 2026-12-24')
  })

  it('reads a date-time with its offset', () => {
    const r = rule({ until: '2026-12-31T23:59:59+03:00' })
    expect(reason(r, '2026-12-31T20:59:59Z')).toBeNull()
    expect(reason(r, '2026-12-31T21:00:00Z')).toBe('ended 2026-12-31T23:59:59+03:00')
  })
})
