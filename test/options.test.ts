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
