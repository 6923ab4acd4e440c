// @vitest-environment node
// The fault matrix in Chromium, Firefox and WebKit: a delivering tab closed mid-send, tabs
// without BroadcastChannel or Web Locks, an IndexedDB that never opens, and what a reset or a
// denial leaves in IndexedDB.
import { beforeEach, expect, test } from 'vitest'
import { collector, forEachEngine, until } from './harness.mjs'

const ATTRS = { collect: '/collect', 'auto-page': 'false', namespace: 'faults' }

/** Everything in the namespace's IndexedDB store, as JSON text (read in the page). */
const disk = (page, namespace) => page.evaluate((ns) => new Promise((resolve, reject) => {
  const open = indexedDB.open(ns)
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const db = open.result
    if (!db.objectStoreNames.contains('state')) return resolve('')
    const os = db.transaction('state').objectStore('state')
    const keys = os.getAllKeys()
    const values = os.getAll()
    values.onsuccess = () => { resolve(JSON.stringify([keys.result, values.result])); db.close() }
  }
}), namespace)

forEachEngine('faults', { timeout: 90_000 }, (t, engine) => {
  const { control, stats, storedEvents, track } = collector(t)
  const open = (opts = {}) => t.context.openTestPage({ attrs: ATTRS, ...opts })

  beforeEach(() => control({ fail: 0, status: 500, delay: 0, resetStats: true }))

  test('a tab closed while it delivers: its batch arrives once, and the other tab delivers the rest', async () => {
    const a = await open()
    const b = await open()
    await control({ delay: 3000 })
    await track(a, 'mid_send', 25) // 20 waiting: tab A sends at once, and waits for the answer
    await until(async () => (await stats()).requests > 0, 5000)
    await a.close() // mid-send: its lock goes with it
    await control({ delay: 0 })
    await track(b, 'from_b', 1) // tab B's own next batch finds A's events still queued
    await until(() => storedEvents('mid_send').length >= 25 && storedEvents('from_b').length >= 1, 20_000)
    const s = await stats()
    expect(storedEvents('mid_send').map((e) => e.props.i).sort((x, y) => x - y)).toEqual([...Array(25).keys()])
    expect(s.duplicates).toBe(0) // the closed tab's batch went with keepalive: the browser carried it, and no other tab sent it again
    console.log(`[faults, ${engine}] tab closed mid-send: ${storedEvents('mid_send').length} of 25 stored once, ${s.duplicates} duplicates received, ${s.requests} requests`)
  })

  test('without BroadcastChannel and Web Locks, two tabs deliver everything once (the IndexedDB lease)', async () => {
    t.context.addInitScript(() => {
      delete window.BroadcastChannel
      Object.defineProperty(Navigator.prototype, 'locks', { get: () => undefined })
    })
    const tabs = [await open(), await open()]
    expect(await tabs[0].evaluate(() => [typeof BroadcastChannel, typeof navigator.locks])).toEqual(['undefined', 'undefined'])
    await Promise.all(tabs.map((page, k) => track(page, `lease_${k}`, 120)))
    await until(() => storedEvents('lease_0').length >= 120 && storedEvents('lease_1').length >= 120, 30_000)
    const s = await stats()
    expect(s.duplicates).toBe(0)
    expect(await t.context.errors()).toEqual([])
    console.log(`[faults, ${engine}] no BroadcastChannel, no Web Locks: 240 events from 2 tabs, ${s.stored} stored, ${s.duplicates} duplicates, ${s.requests} requests`)
  })

  test('an IndexedDB that never opens (Safari 14) does not hold up start: ready within 2 s, in memory', async () => {
    t.context.addInitScript(() => {
      indexedDB.open = () => ({}) // a request whose events never fire
    })
    const started = Date.now()
    const page = await open()
    const took = Date.now() - started
    expect(took).toBeLessThan(4000) // page load + the 1.5 s storage timeout
    expect(await page.evaluate(() => performance.now())).toBeLessThan(4000)
    await page.evaluate(() => window.waymark.track('product_viewed'))
    expect(await page.evaluate(() => window.waymark.journey().stage)).toBe('evaluate')
    expect(await t.context.reports('pageerror')).toEqual([])
  })

  test('after reset() and after consent("denied"), IndexedDB holds no user id, traits or their events', async () => {
    await control({ fail: 100, status: 503 }) // nothing gets delivered: the events wait on the device
    const page = await open({ calls: [['identify', 'u-42', { firstName: 'Анна', email: 'anna@example.com' }]] })
    await track(page, 'private_step', 3)
    await page.evaluate(() => window.waymark.flush())
    await page.sleep(300)
    expect(await disk(page, 'faults')).toContain('u-42')
    expect(await disk(page, 'faults')).not.toContain('anna@example.com') // not in storeTraits: never on the device (issue 14, item 4)
    await page.evaluate(() => window.waymark.reset())
    await page.sleep(500)
    const afterReset = await disk(page, 'faults')
    for (const trace of ['u-42', 'Анна', 'private_step']) expect(afterReset).not.toContain(trace)
    await page.evaluate(() => window.waymark.identify('u-7', { firstName: 'Ivan' }))
    await page.sleep(300)
    expect(await disk(page, 'faults')).toContain('u-7')
    await page.evaluate(() => window.waymark.consent('denied'))
    await page.sleep(300)
    expect(await disk(page, 'faults')).toBe('[[],[]]')
    expect(await page.evaluate(() => localStorage.getItem('faults:handed'))).toBeNull()
  })
  test('a page with consent denied or pending leaves no IndexedDB database behind (issue 14, item 6)', async () => {
    // Whether the database exists, without creating it: a new one is met by an upgrade, aborted here.
    const exists = (page, ns) => page.evaluate((ns) => new Promise((resolve) => {
      const req = indexedDB.open(ns)
      let fresh = false
      req.onupgradeneeded = () => ((fresh = true), req.transaction.abort())
      req.onsuccess = () => (req.result.close(), resolve(true))
      req.onerror = () => resolve(!fresh)
    }), ns)
    for (const consent of ['denied', 'pending']) {
      const namespace = `nodb-${consent}`
      const page = await open({ attrs: { ...ATTRS, namespace, consent }, calls: [['identify', 'u-1', { firstName: 'Anna' }], ['track', 'cart_viewed']] })
      await page.evaluate(() => window.waymark.flush())
      await page.sleep(500)
      expect(await exists(page, namespace), consent).toBe(false)
      await page.evaluate(() => window.waymark.consent('granted'))
      await page.sleep(500)
      expect(await exists(page, namespace), `${consent}, then granted`).toBe(true)
      await page.close()
    }
    expect(await t.context.errors()).toEqual([])
  })
})
