import { describe, expect, it } from 'vitest'
import { baseLocale, displayName, fill, greetingFor, localized, lookupText, offerTexts, partOfDay } from '../src/texts'

const at = (hour: number) => new Date(2026, 10, 23, hour).getTime()

describe('greeting', () => {
  it('is null on a first visit', () => {
    expect(greetingFor(false, { firstName: 'Anna' }, 'en', undefined, at(10))).toBeNull()
  })

  it('welcomes a returning visitor back by name in English and Russian', () => {
    expect(greetingFor(true, { firstName: 'Anna' }, 'en-GB', undefined, at(10))?.text).toBe('Welcome back, Anna!')
    expect(greetingFor(true, { firstName: 'Анна' }, 'ru-RU', undefined, at(10))).toEqual({
      text: 'С возвращением, Анна!', name: 'Анна', returning: true, partOfDay: 'morning',
    })
  })

  it('has a graceful text when the name is unknown', () => {
    expect(greetingFor(true, {}, 'ru', undefined, at(10))?.text).toBe('С возвращением!')
    expect(greetingFor(true, { firstName: '  ' }, 'en', undefined, at(10))?.text).toBe('Welcome back!')
  })

  it('greets by part of day when the playbook texts say so', () => {
    const texts = { ru: { 'greeting.morning': 'Доброе утро, {name}!', 'greeting.evening.noname': 'Добрый вечер!' } }
    expect(greetingFor(true, { firstName: 'Анна' }, 'ru', texts, at(8))?.text).toBe('Доброе утро, Анна!')
    expect(greetingFor(true, {}, 'ru', texts, at(19))?.text).toBe('Добрый вечер!')
    // No text for the afternoon: the returning greeting stands in.
    expect(greetingFor(true, { firstName: 'Анна' }, 'ru', texts, at(14))?.text).toBe('С возвращением, Анна!')
  })

  it('falls back to name, then to English for unknown locales', () => {
    expect(greetingFor(true, { name: 'Anna Petrova' }, 'fr', undefined, at(10))?.text).toBe('Welcome back, Anna Petrova!')
  })

  it('bounds a very long name', () => {
    expect(displayName({ firstName: 'x'.repeat(500) })).toHaveLength(40)
  })
})

describe('texts', () => {
  it('maps tags to the built-in languages', () => {
    expect(baseLocale('ru-RU')).toBe('ru')
    expect(baseLocale('RU')).toBe('ru')
    expect(baseLocale('de')).toBe('en')
  })

  it('prefers the exact tag, then the language, then built-ins', () => {
    const texts = { 'en-US': { k: 'us' }, en: { k: 'en', j: 'en-j' } }
    expect(lookupText('k', 'en-US', texts)).toBe('us')
    expect(lookupText('j', 'en-US', texts)).toBe('en-j')
    expect(lookupText('greeting.returning', 'en-US', texts)).toBe('Welcome back, {name}!')
    expect(lookupText('missing', 'en', texts)).toBeUndefined()
  })

  it('fills placeholders with fallbacks and leaves markup as plain text', () => {
    const values: Record<string, unknown> = { 'user.firstName': '<b>Ann</b>', zero: 0 }
    expect(fill('{user.firstName|Friend}, {user.lastName|}{zero}', (p) => values[p])).toBe('<b>Ann</b>, 0')
    expect(fill('{missing|Friend}!', () => undefined)).toBe('Friend!')
  })

  it('splits the day into four parts', () => {
    expect([4, 5, 11, 12, 16, 17, 22, 23].map(partOfDay)).toEqual([
      'night', 'morning', 'morning', 'afternoon', 'afternoon', 'evening', 'evening', 'night',
    ])
  })
})

describe('localized: the text a locale gets from an offer text', () => {
  const texts = { en: 'Free from €50', 'en-GB': 'Free from £45', ru: 'Бесплатно от 50 €', 'pt-BR': 'Grátis' }
  it.each([
    ['a plain string, whatever the locale', 'Hi', 'ru-RU', 'Hi'],
    ['undefined stays undefined', undefined, 'en', undefined],
    ['the exact tag', texts, 'en-GB', 'Free from £45'],
    ['the exact tag, in any case', texts, 'EN-gb', 'Free from £45'],
    ['an underscore read as a hyphen', texts, 'en_GB', 'Free from £45'],
    ['the language of a tag', texts, 'ru-RU', 'Бесплатно от 50 €'],
    ['the language alone', texts, 'ru', 'Бесплатно от 50 €'],
    ['en for a language not listed', texts, 'de-DE', 'Free from €50'],
    ['en for a region not listed', texts, 'en-US', 'Free from €50'],
    ['a language whose only tag has a region is not matched by the language: en, then', texts, 'pt', 'Free from €50'],
    ['the first listed when there is no en', { ru: 'Привет', de: 'Hallo' }, 'fr', 'Привет'],
    ['keys in any case', { RU: 'Привет', EN: 'Hello' }, 'ru-RU', 'Привет'],
    ['nothing from an empty map', {}, 'en', undefined],
  ])('%s', (_, text, locale, expected) => {
    expect(localized(text, locale)).toBe(expected)
  })
})

describe('offerTexts', () => {
  const spec = {
    kind: 'banner' as const,
    title: { en: '{user.firstName|Friend}, shipping is free', ru: '{user.firstName|Друг}, доставка бесплатна' },
    body: 'Code {event.code|none}',
    cta: { label: { en: 'Keep shopping', ru: 'Продолжить' }, href: '/catalog?x={user.firstName}' },
  }
  it('picks each text for the locale, then fills it; href is never filled', () => {
    const context = { user: { firstName: 'Анна' }, event: {} }
    expect(offerTexts(spec, 'ru-RU', context)).toEqual({
      title: 'Анна, доставка бесплатна', body: 'Code none', cta: { label: 'Продолжить', href: '/catalog?x={user.firstName}' },
    })
    expect(offerTexts(spec, 'de', {})).toEqual({ title: 'Friend, shipping is free', body: 'Code none', cta: { label: 'Keep shopping', href: '/catalog?x={user.firstName}' } })
    expect(offerTexts({ kind: 'toast' }, 'en', {})).toEqual({ title: undefined, body: undefined, cta: undefined })
  })
})
