/** Issue 14, item 5: secrets in URLs (query values, the #fragment) are never recorded. */
import { describe, expect, it } from 'vitest'
import { REDACT, redactQuery, redactUrl } from '../src/redact'
import type { WaymarkEvent, WaymarkOptions } from '../src/types'
import { make } from './helpers'

describe('redactUrl', () => {
  const cases: Array<[string, string, string[]?]> = [
    ['https://shop.example/p?q=shoes&token=abc#access_token=xyz', 'https://shop.example/p?q=shoes&token=REDACTED'],
    ['/cb?code=1&state=2&id_token=3&session=4&password=5', '/cb?code=REDACTED&state=2&id_token=REDACTED&session=REDACTED&password=REDACTED'],
    ['/p?EMAIL=anna%40example.com&Key=k&SECRET=s&auth=a', '/p?EMAIL=REDACTED&Key=REDACTED&SECRET=REDACTED&auth=REDACTED'],
    ['/p?acc%65ss_token=1&token', '/p?acc%65ss_token=REDACTED&token=REDACTED'], // names as the page means them
    ['/p?tokens=1&my_token=2&tok=3', '/p?tokens=1&my_token=2&tok=3'], // names match whole
    ['/p?token=a&token=b', '/p?token=REDACTED&token=REDACTED'],
    ['/p?%E0%A4%A=1&q=%zz', '/p?%E0%A4%A=1&q=%zz'], // malformed escapes: kept as written
    ['/p#/route?token=1', '/p'],
    ['/p?', '/p?'],
    ['', ''],
    ['/p?sid=1&token=2', '/p?sid=REDACTED&token=2', ['SID']], // the option replaces the list
    ['/p?token=2#x', '/p?token=2', []], // an empty list still drops the fragment
  ]
  it.each(cases)('%s → %s', (url, expected, names = REDACT) => expect(redactUrl(url, names)).toBe(expected))

  it('redacts the query object too, and keeps own keys only', () => {
    const q = redactQuery('?q=shoes&token=abc&__proto__=x', REDACT)
    expect(q).toEqual({ q: 'shoes', token: 'REDACTED', ['__proto__']: 'x' })
    expect(Object.getPrototypeOf(q)).toBe(Object.prototype)
  })
})

describe('the redact option on recorded pages and in conditions', () => {
  const start = async (options: WaymarkOptions = {}) => {
    history.replaceState(null, '', '/login/callback?token=t0ps3cret&email=anna%40example.com&utm_source=mail#access_token=ya29.abc')
    const wm = make({
      autoPage: true,
      playbook: { rules: [{ id: 'seen', on: ['probe'], if: { 'page.query.token': 'REDACTED', 'page.url': { $regex: 'token=REDACTED' } }, offer: { kind: 'headless' } }] },
      ...options,
    })
    const seen: WaymarkEvent[] = []
    wm.on('event', (e) => seen.push(e))
    await wm.ready
    return { wm, seen }
  }

  it('page events, SPA referrers and page.* conditions never see the secrets', async () => {
    const { wm, seen } = await start()
    wm.track('probe')
    expect(wm.explain('seen')).toMatchObject({ fires: true })
    history.pushState(null, '', '/account?tab=orders#section')
    const text = JSON.stringify(seen)
    for (const secret of ['t0ps3cret', 'anna%40example.com', 'ya29', 'access_token', '#section']) expect(text).not.toContain(secret)
    const pages = seen.filter((e) => e.type === 'page').map((e) => [e.props.url, e.props.referrer])
    expect(pages[0][0]).toBe('http://localhost:3000/login/callback?token=REDACTED&email=REDACTED&utm_source=mail')
    expect(pages[1]).toEqual(['http://localhost:3000/account?tab=orders', pages[0][0]])
    expect(seen.some((e) => e.name === 'offer_shown')).toBe(true)
  })

  it('data-redact / redact replaces the list', async () => {
    const { seen } = await start({ redact: ['utm_source'] })
    const url = seen.find((e) => e.type === 'page')!.props.url
    expect(url).toBe('http://localhost:3000/login/callback?token=t0ps3cret&email=anna%40example.com&utm_source=REDACTED')
  })

  it('refuses a redact option that is not a string array', () => {
    expect(() => make({ redact: 'token' as never })).toThrow('redact')
  })
})
