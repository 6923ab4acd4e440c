import { describe, expect, it } from 'vitest'
import { stepsFor } from '../src/elements/order-steps'
import { daysUntil, formatDay, language, toDate, tx } from '../src/elements/texts'
import { stubWaymark } from './elements-stub'

describe('element texts', () => {
  it('picks Russian plural forms one, few and many (and other for fractions)', () => {
    const ru = stubWaymark({ locale: 'ru-RU' })
    const arrives = (count: number) => tx(ru, 'order.arrives', { count })
    expect([1, 21, 2, 4, 22, 5, 11, 12, 25].map(arrives)).toEqual([
      'Приедет через 1 день', 'Приедет через 21 день',
      'Приедет через 2 дня', 'Приедет через 4 дня', 'Приедет через 22 дня',
      'Приедет через 5 дней', 'Приедет через 11 дней', 'Приедет через 12 дней', 'Приедет через 25 дней',
    ])
    expect(arrives(1.5)).toBe('Приедет через 1.5 дня')
  })

  it('picks English one and other', () => {
    const en = stubWaymark()
    expect(tx(en, 'order.arrives', { count: 1 })).toBe('Arrives in 1 day')
    expect(tx(en, 'order.arrives', { count: 2 })).toBe('Arrives in 2 days')
  })

  it('lets the playbook override a text through the instance, plural forms first', () => {
    const wm = stubWaymark({
      locale: 'ru',
      texts: { 'order.track': 'Где посылка?', 'order.arrives.few': 'Ещё {count} дня', 'order.unknown': 'Заказа {id} нет' },
    })
    expect(tx(wm, 'order.track')).toBe('Где посылка?')
    expect(tx(wm, 'order.arrives', { count: 3 })).toBe('Ещё 3 дня')
    expect(tx(wm, 'order.arrives', { count: 5 })).toBe('Приедет через 5 дней')
    expect(tx(wm, 'order.unknown', { id: 'A-1' })).toBe('Заказа A-1 нет')
    // A key without plural forms in the playbook still beats the built-in forms.
    expect(tx(stubWaymark({ texts: { 'order.arrives': 'Soon ({count})' } }), 'order.arrives', { count: 2 })).toBe('Soon (2)')
  })

  it('falls back to English for an unknown or malformed locale, without throwing', () => {
    expect(language('ru-RU')).toBe('ru')
    expect(language('de-DE')).toBe('en')
    for (const locale of ['de-DE', 'xx-$$$-invalid', '']) {
      const wm = stubWaymark({ locale })
      expect(tx(wm, 'order.status.out_for_delivery')).toBe('Out for delivery')
      expect(tx(wm, 'order.arrives', { count: 2 })).toBe('Arrives in 2 days')
      expect(formatDay(wm, new Date(2026, 10, 27))).toMatch(/Friday|Freitag/)
    }
  })

  it('uses English other for plural forms English lacks (Polish few and many)', () => {
    const pl = stubWaymark({ locale: 'pl-PL' })
    expect(tx(pl, 'order.arrives', { count: 3 })).toBe('Arrives in 3 days')
    expect(tx(pl, 'order.arrives', { count: 5 })).toBe('Arrives in 5 days')
    expect(tx(pl, 'order.arrives', { count: 1 })).toBe('Arrives in 1 day')
  })

  it('survives an instance whose text() throws', () => {
    const wm = stubWaymark()
    wm.text = () => {
      throw new Error('broken')
    }
    expect(tx(wm, 'offer.close')).toBe('Close')
  })

  it('reads ETAs: a plain date is a local day; invalid values are none', () => {
    expect(toDate('2026-11-27')!.getDate()).toBe(27)
    expect(toDate('2026-11-27T10:00:00Z')!.getTime()).toBe(Date.UTC(2026, 10, 27, 10))
    expect(toDate(Date.UTC(2026, 0, 1))!.getTime()).toBe(Date.UTC(2026, 0, 1))
    for (const bad of ['soon', '', null, undefined, {}, NaN]) expect(toDate(bad)).toBeNull()
    expect(daysUntil(new Date(2026, 10, 27, 1), new Date(2026, 10, 24, 23))).toBe(3)
  })

  it('lays out the steps of every status', () => {
    expect(stepsFor('placed').map(([, s]) => s)).toEqual(['current', 'upcoming', 'upcoming', 'upcoming', 'upcoming', 'upcoming'])
    expect(stepsFor('delivered').map(([, s]) => s)).toEqual(['done', 'done', 'done', 'done', 'done', 'current'])
    expect(stepsFor('lost').every(([, s]) => s === 'upcoming')).toBe(true)
  })
})
