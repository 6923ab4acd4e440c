import { describe, expect, it, vi } from 'vitest'
import { WaymarkOptionError } from '../src/errors'
import { resolveOptions } from '../src/options'

describe('options', () => {
  it('applies the documented defaults', () => {
    expect(resolveOptions(undefined)).toMatchObject({
      refreshSeconds: 300, consent: 'granted', storeTraits: ['firstName', 'name', 'locale'],
      namespace: 'waymark', autoPage: true, debug: false, locale: navigator.language,
    })
  })

  it.each([
    ['refreshSeconds', '60', 'must be a positive number, got string'],
    ['refreshSeconds', -1, 'must be a positive number'],
    ['playbook', 42, 'must be a non-empty string or a function or a playbook object, got number'],
    ['consent', 'maybe', 'must be "granted", "pending" or "denied"'],
    ['storeTraits', ['firstName', 1], 'must be an array of strings, got array'],
    ['namespace', '', 'must be a non-empty string'],
    ['autoPage', 'false', 'must be a boolean'],
    ['collect', {}, 'must be a non-empty string or a function, got object'],
  ])('throws a WaymarkOptionError naming %s when it has the wrong type', (option, value, message) => {
    const attempt = () => resolveOptions({ [option]: value })
    expect(attempt).toThrow(WaymarkOptionError)
    expect(attempt).toThrow(`option "${option}" ${message}`)
  })

  it('throws when the options are not an object', () => {
    expect(() => resolveOptions('waymark')).toThrow('option "options" must be an object, got string')
  })

  it('warns about an unknown option without throwing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(resolveOptions({ autopage: false }).autoPage).toBe(true)
    expect(warn).toHaveBeenCalledWith('waymark: unknown option "autopage" ignored')
  })

  it('accepts an inline playbook, a URL or a loader function', () => {
    for (const playbook of [{ rules: [] }, '/playbook.json', async () => ({})])
      expect(resolveOptions({ playbook }).playbook).toBe(playbook)
  })
})

describe('options added by issue 16', () => {
  it('sessionMinutes: 30 by default, a positive number otherwise', () => {
    expect(resolveOptions({}).sessionMinutes).toBe(30)
    expect(resolveOptions({ sessionMinutes: 0.5 }).sessionMinutes).toBe(0.5)
    for (const bad of [0, -1, '5', Infinity]) expect(() => resolveOptions({ sessionMinutes: bad })).toThrow('option "sessionMinutes" must be a positive number')
  })

  it('orderStatuses: a map onto Waymark statuses, named in the error otherwise', () => {
    expect(resolveOptions({ orderStatuses: { in_transit: 'shipped' } }).orderStatuses).toEqual({ in_transit: 'shipped' })
    for (const bad of [{ in_transit: 'moving' }, ['shipped'], 'in_transit:shipped', { x: undefined }])
      expect(() => resolveOptions({ orderStatuses: bad })).toThrow('option "orderStatuses" must be an object mapping status names to placed, paid, packed, shipped, out_for_delivery, delivered, cancelled, returned')
  })

  it('an unknown locale is warned about and English used; known tags pass as given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {})
    expect(resolveOptions({ locale: 'english' }).locale).toBe('en')
    expect(resolveOptions({ locale: 'en_US' }).locale).toBe('en')
    expect(warn.mock.calls).toEqual([['waymark: unknown locale "english"; using "en"'], ['waymark: unknown locale "en_US"; using "en"']])
    for (const locale of ['ru', 'ru-RU', 'en-GB', 'zh-Hant-TW']) expect(resolveOptions({ locale }).locale).toBe(locale)
    expect(warn).toHaveBeenCalledTimes(2)
    const options = { locale: 'english' }
    resolveOptions(options)
    expect(options.locale).toBe('english') // the caller's object is left alone
  })
})
