// @vitest-environment node
// Identity restore in Chromium, Firefox and WebKit, WebKit being where it matters: Safari
// deletes everything a script stored after 7 days without a visit, but not the cookies the
// site's own server set. The example server's /identity answers from its HttpOnly cookie.
import { expect, test } from 'vitest'
import { forEachEngine, waitForSdk } from './harness.mjs'

const ATTRS = { identity: '/identity', collect: '/collect', namespace: 'who', locale: 'ru', 'auto-page': 'false' }
const BODY = '<waymark-greeting></waymark-greeting>'

forEachEngine('identity restore', { timeout: 90_000 }, (t) => {
  test('after every script-written store is wiped (cookies kept), the next visit greets by name', async () => {
    const first = await t.context.openTestPage({ attrs: ATTRS, body: BODY, calls: [['identify', 'u-42', { firstName: 'Анна', email: 'anna@example.com' }]] })
    const before = await first.evaluate(() => window.waymark.profile())
    await first.evaluate(() => window.waymark.flush()) // the server learns from what it collects
    expect(await first.evaluate(() => fetch('/identity').then((r) => r.json()))).toMatchObject({ userId: 'u-42', traits: { firstName: 'Анна' } })
    await first.close()

    // What Safari's 7-day cap does: IndexedDB, localStorage, sessionStorage and script cookies go.
    const wipe = await t.context.newPage()
    await wipe.goto('/__t/blank')
    const left = await wipe.evaluate(async () => {
      localStorage.clear()
      sessionStorage.clear()
      for (const c of document.cookie.split(';')) if (c.trim()) document.cookie = `${c.split('=')[0].trim()}=; max-age=0; path=/`
      const names = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : ['who']
      await Promise.all(names.map((name) => new Promise((resolve, reject) => {
        const req = indexedDB.deleteDatabase(name)
        req.onsuccess = resolve
        req.onerror = () => reject(req.error)
        req.onblocked = () => reject(new Error(`${name} is still open`))
      })))
      return { cookies: document.cookie, storage: localStorage.length, databases: indexedDB.databases ? (await indexedDB.databases()).length : 0 }
    })
    expect(left).toEqual({ cookies: '', storage: 0, databases: 0 }) // the visitor cookie is HttpOnly: no script sees it
    await wipe.close()

    const next = await t.context.openTestPage({ attrs: ATTRS, body: BODY })
    await next.waitFor(() => window.waymark.profile().userId === 'u-42')
    const after = await next.evaluate(() => window.waymark.profile())
    expect(after).toMatchObject({ anonymousId: before.anonymousId, userId: 'u-42', traits: { firstName: 'Анна' }, returning: true })
    expect(after.traits.email).toBeUndefined() // the server keeps only storeTraits
    await expect.poll(() => next.text('waymark-greeting', { shadow: true })).toBe('С возвращением, Анна!')
    expect(await t.context.errors()).toEqual([])
  })

  test('with consent pending nothing is asked; the endpoint is asked once consent is granted', async () => {
    const page = await t.context.openTestPage({ attrs: { ...ATTRS, consent: 'pending' } })
    await page.evaluate(() => {
      window.__asked = 0
      const original = window.fetch
      window.fetch = (url, init) => { if (String(url).includes('/identity')) window.__asked++; return original(url, init) }
    })
    await page.sleep(300)
    expect(await page.evaluate(() => window.__asked)).toBe(0)
    await page.evaluate(() => window.waymark.consent('granted'))
    await page.waitFor(() => window.__asked === 1)
    await waitForSdk(page)
    expect(await t.context.errors()).toEqual([])
  })
})
