// @vitest-environment node
// Delivery to the example server's /collect in Chromium, Firefox and WebKit: offline, across a
// closed tab, three tabs at once, a navigation right after track, and a failing collector (also
// across a navigation).
import { beforeEach, expect, test } from 'vitest'
import { collector, forEachEngine, until } from './harness.mjs'

const ATTRS = { collect: '/collect', 'auto-page': 'false', namespace: 'delivery' }

forEachEngine('delivery', { timeout: 90_000 }, (t, engine) => {
  const { control, stats, storedEvents, track } = collector(t)
  const open = (opts = {}) => t.context.openTestPage({ attrs: ATTRS, ...opts })

  beforeEach(() => control({ fail: 0, status: 500, resetStats: true }))

  test('30 events tracked offline survive the tab closing and arrive once when back online', async () => {
    const page = await open()
    await t.context.setOffline(true)
    await track(page, 'offline_step', 30)
    await page.sleep(6000) // a batch is tried, and fails
    await page.close()
    expect(storedEvents('offline_step')).toHaveLength(0)
    await t.context.setOffline(false)
    await open()
    await until(() => storedEvents('offline_step').length >= 30)
    const events = storedEvents('offline_step')
    expect(events.map((e) => e.props.i)).toEqual([...Array(30).keys()])
    expect((await stats()).duplicates).toBe(0)
    expect(await t.context.errors()).toEqual([])
  })

  test('three tabs × 300 events queued offline: 900 delivered, each once', async () => {
    const tabs = []
    for (let k = 0; k < 3; k++) tabs.push(await open())
    await t.context.setOffline(true)
    await Promise.all(tabs.map((page, k) => track(page, `bulk_${k}`, 300)))
    await tabs[0].sleep(1500) // every tab tries, and fails
    await control({ resetStats: true })
    const started = Date.now()
    await t.context.setOffline(false) // 'online' fires in all three
    await until(() => [0, 1, 2].every((k) => storedEvents(`bulk_${k}`).length >= 300))
    const took = Date.now() - started
    const s = await stats()
    for (const k of [0, 1, 2]) expect(new Set(storedEvents(`bulk_${k}`).map((e) => e.id)).size).toBe(300)
    expect(s.duplicates).toBe(0)
    console.log(`[delivery three tabs, ${engine}] 900 events queued offline in 3 tabs: ${s.stored} stored, ${s.duplicates} duplicates, ` +
      `${s.requests} requests after going online, all there ${took} ms after it`)
    expect(await t.context.errors()).toEqual([])
  })

  // Such a browser has no keepalive member, and its fetch outlives no page: a beacon carries it.
  const noKeepalive = () => {
    delete Request.prototype.keepalive
    const original = window.fetch
    window.fetch = (url, init) => original(url, init && { ...init, keepalive: false })
  }
  test.each([
    ['', null, 'leaving'],
    [' without fetch keepalive (Firefox before 133), by beacon', noKeepalive, 'leaving_by_beacon'],
  ])('a navigation right after track still delivers%s', async (_, shim, name) => {
    if (shim) t.context.addInitScript(shim)
    const page = await open()
    expect(await page.evaluate(() => 'keepalive' in new Request('/'))).toBe(!shim)
    await page.evaluate((n) => {
      window.waymark.track(n, { to: 'elsewhere' })
      location.href = '/shop.css' // a page without Waymark: only the page-hide request can carry it
    }, name)
    await until(() => storedEvents(name).length > 0, 5000)
    await page.sleep(300) // a second copy would be there by now
    expect(storedEvents(name)).toHaveLength(1)
  })

  test('navigating between pages with Waymark sends each event once', async () => {
    const runs = 5
    for (let r = 0; r < runs; r++) {
      const page = await open({ path: `/__test/nav/from-${r}`, prefix: '/__test/nav/' })
      await page.navigating(() => page.evaluate((r) => {
        window.waymark.track('hop', { r })
        location.href = `/__test/nav/to-${r}` // the next page has Waymark too, and the same queue
      }, r))
      await page.waitFor(() => typeof window.waymark?.flush === 'function')
      await page.evaluate(() => window.waymark.ready.then(() => window.waymark.flush()))
      await page.close()
    }
    await until(() => storedEvents('hop').length >= runs)
    const s = await stats()
    expect(storedEvents('hop')).toHaveLength(runs)
    console.log(`[delivery navigation, ${engine}] ${runs} navigations right after track: ${s.stored} stored, ${s.duplicates} duplicates`)
    expect(s.duplicates).toBe(0)
  })

  test('a collector that answers 500 three times, then 200, loses nothing', async () => {
    await control({ fail: 3, status: 500 })
    const page = await open()
    await track(page, 'flaky', 25)
    await until(() => storedEvents('flaky').length >= 25)
    const s = await stats()
    expect(storedEvents('flaky').map((e) => e.props.i)).toEqual([...Array(25).keys()])
    expect(s.failed).toBe(3)
    expect(s.duplicates).toBe(0)
  })

  test('a navigation while the collector is down loses nothing: the next page delivers every event once it is back', async () => {
    await control({ fail: 1000, status: 503 })
    const page = await open({ path: '/__test/nav/outage-from', prefix: '/__test/nav/' })
    await track(page, 'outage', 5)
    await page.evaluate(() => window.waymark.flush()) // fails: the events wait for a retry
    await page.navigating(() => page.evaluate(() => void (location.href = '/__test/nav/outage-to')))
    await page.waitFor(() => typeof window.waymark?.flush === 'function')
    await control({ fail: 0 })
    await page.evaluate(() => window.waymark.ready.then(() => window.waymark.flush()))
    await until(() => storedEvents('outage').length >= 5)
    expect(storedEvents('outage').map((e) => e.props.i)).toEqual([...Array(5).keys()])
    expect((await stats()).duplicates).toBe(0)
  })

  test('1,000 events in a burst cost a handful of IndexedDB transactions', async () => {
    const page = await open()
    await page.evaluate(() => window.waymark.flush())
    const counts = await page.evaluate(async () => {
      const counts = { readonly: 0, readwrite: 0 }
      const original = IDBDatabase.prototype.transaction
      IDBDatabase.prototype.transaction = function (stores, mode, ...rest) {
        counts[mode || 'readonly']++
        return original.call(this, stores, mode, ...rest)
      }
      for (let i = 0; i < 1000; i++) window.waymark.track('burst', { i })
      await window.waymark.flush()
      await new Promise((r) => setTimeout(r, 500))
      IDBDatabase.prototype.transaction = original
      return counts
    })
    await until(() => storedEvents('burst').length >= 1000)
    console.log(`[delivery IndexedDB, ${engine}] 1,000 tracked events, delivered: ${counts.readwrite} readwrite + ${counts.readonly} readonly transactions`)
    expect(counts.readwrite + counts.readonly).toBeLessThanOrEqual(10)
  })
})
