// @vitest-environment node
// The back/forward cache in Chromium, Firefox and WebKit: five navigations forward and back,
// with the cache on. Every page keeps its storage, greets the returning visitor by name and
// fires its offers, whether it was loaded or restored, and every event arrives once.
import { beforeEach, expect, test } from 'vitest'
import { collector, forEachEngine, reload, settle, testPageHtml, until } from './harness.mjs'

const MINUTE = 60_000
const PLAYBOOK = {
  version: 'walk-1',
  rules: [{ id: 'hello', on: ['page'], offer: { kind: 'headless', title: 'Hello, {user.firstName|Friend}' } }],
  texts: { ru: { 'greeting.returning': 'С возвращением, {name}!' } },
}
const ATTRS = { playbook: '/playbook.json', collect: '/collect', namespace: 'walk', locale: 'ru' }
// Each document notes how it was shown, the offers it fired and the page views it recorded.
const HEAD = `<script>
  window.__shows = []
  window.__offers = []
  window.__pages = []
  addEventListener('pageshow', (e) => window.__shows.push(e.persisted))
  waymark('on', 'offer', (o) => window.__offers.push(o.title))
  waymark('on', 'event', (e) => { if (e.name === 'page') window.__pages.push(e.id) })
</script>`
const page = (next) => testPageHtml({ attrs: ATTRS, head: HEAD, body: `<waymark-greeting></waymark-greeting><a id="next" href="${next}">next</a>` })

forEachEngine('back/forward cache', { timeout: 120_000 }, (t, engine) => {
  const { control, stats, storedEvents } = collector(t)
  beforeEach(async () => {
    await control({ fail: 0, status: 500, delay: 0, resetStats: true })
    await fetch(t.server.url + '/__playbook', { method: 'POST', body: JSON.stringify({ mode: 'ok', playbook: PLAYBOOK, resetStats: true }) })
  })

  test('five navigations forward and back: every page has its storage, greets by name and fires its offers; every event arrives once', async () => {
    // Cacheable pages (no-store would keep them out of the cache in Chromium and Firefox).
    const headers = { 'cache-control': 'no-cache' }
    for (const name of ['a', 'b', 'c']) t.context.serve(`/__test/walk/${name}`, page({ a: 'b', b: 'c', c: 'a' }[name]), headers)
    const tab = await t.context.openTestPage({ path: '/__test/walk/a', prefix: '/__test/walk/a', html: page('b'), headers })
    await tab.evaluate(() => window.waymark.identify('u-42', { firstName: 'Анна' }))
    const pageIds = new Set(await tab.evaluate(() => window.__pages))
    await settle(tab)
    t.context.shiftClock(31 * MINUTE) // a returning visitor from now on
    await reload(tab)

    const seen = []
    /** What the page shows now: its path, how it came, storage, greeting, offers. */
    const check = async (step) => {
      await tab.waitFor(() => window.waymark?.ready && document.readyState === 'complete')
      await tab.evaluate(() => window.waymark.ready.then(() => {}))
      // The storage answers (a lock left by a cached page would hold this read).
      const storage = await tab.evaluate(() => new Promise((resolve) => {
        setTimeout(() => resolve('blocked'), 1000)
        const open = indexedDB.open('walk')
        open.onsuccess = () => {
          const get = open.result.transaction('state').objectStore('state').get('visitor')
          get.onsuccess = () => { resolve(get.result ? 'ok' : 'empty'); open.result.close() }
        }
      }))
      const offered = await tab.waitFor(() => window.__offers.length >= (window.__shows.length) && window.__offers, undefined, { timeout: 5000 }).catch(() => null)
      const state = await tab.evaluate(() => ({
        path: location.pathname,
        shows: window.__shows,
        greeting: document.querySelector('waymark-greeting').shadowRoot.textContent,
        pages: window.__pages,
        visits: window.waymark.profile().visits,
      }))
      state.pages.forEach((id) => pageIds.add(id))
      seen.push({ step, path: state.path, restored: state.shows.at(-1), storage, offers: offered ? offered.length : 0 })
      expect({ step, storage, greeting: state.greeting, offered: !!offered }).toEqual({ step, storage: 'ok', greeting: 'С возвращением, Анна!', offered: true })
      expect(state.visits).toBe(2)
      expect(offered.every((title) => title === 'Hello, Анна')).toBe(true)
      return state
    }
    const follow = () => tab.navigating(() => tab.click('#next'))

    await check('start')
    await follow() // 1: a → b
    expect((await check('link to b')).path).toBe('/__test/walk/b')
    await tab.back() // 2: back to a
    expect((await check('back to a')).path).toBe('/__test/walk/a')
    await tab.forward() // 3: forward to b
    expect((await check('forward to b')).path).toBe('/__test/walk/b')
    await follow() // 4: b → c
    expect((await check('link to c')).path).toBe('/__test/walk/c')
    await tab.back() // 5: back to b
    expect((await check('back to b')).path).toBe('/__test/walk/b')

    const restored = seen.filter((s) => s.restored).length
    console.log(`[page cache, ${engine}] ${seen.map((s) => `${s.step}: ${s.restored ? 'restored' : 'loaded'}, ${s.offers} offer(s)`).join('; ')}`)
    // The pages really were cached: Waymark keeps them eligible (a BroadcastChannel message to
    // a cached page made Chromium and Firefox evict it), and in WebKit a cached page's write
    // used to block the next page's storage.
    expect(restored).toBe(3)

    await tab.evaluate(() => window.waymark.flush())
    await until(() => storedEvents('page').length >= pageIds.size, 10_000)
    const s = await stats()
    expect(new Set(storedEvents('page').map((e) => e.id))).toEqual(pageIds)
    expect(s.duplicates).toBe(0)
    expect(await t.context.reports('console.warn')).toEqual([]) // no "storage unavailable", nothing
    expect(await t.context.errors()).toEqual([])
  })
})
