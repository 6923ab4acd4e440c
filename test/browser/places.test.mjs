// @vitest-environment node
// Places (issue 18) in real browsers, the position and the permission set through each
// engine's own geolocation emulation (t.context.setGeolocation, setGeolocationPermission):
// entering the shop shows its offer with no call and delivers place_entered; leaving and coming
// back within 30 minutes is no second entry, after them it is; a fix coarser than the radius
// says nothing; the permission states; consent denied; and a search of everything delivered,
// stored, shown and logged for the visitor's coordinates.
// WebKitWebDriver has no geolocation emulation (geolocationMissing in driver/webkit.mjs): in
// WebKit only the tests that need no position run (the prompt and consent ones).
import { readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { beforeEach, expect, test } from 'vitest'
import { collector, forEachEngine, geolocationMissing, reload } from './harness.mjs'

const SHOP = { id: 'store-tverskaya', lat: 55.7652, lng: 37.6056, radius: 150 }
const TITLE = 'Вы в магазине на Тверской: кофе в подарок к заказу'
const PLAYBOOK = {
  version: 'places-1',
  places: [SHOP],
  rules: [
    { id: 'coffee', on: ['place:store-tverskaya'], if: { 'place.id': 'store-tverskaya' }, offer: { kind: 'toast', title: TITLE } },
    // place.id in the decision context, read through explain('where')
    { id: 'where', on: ['where'], if: { 'place.id': 'store-tverskaya' }, offer: { kind: 'headless', title: 'here' } },
  ],
}
const ATTRS = { playbook: '/playbook.json', collect: '/collect', 'auto-page': 'false', namespace: 'places' }
const TOAST = { role: 'status', text: TITLE }
const MINUTE = 60_000
/** A position `m` metres north of the shop's centre (1° of latitude ≈ 111.2 km). */
const north = (m, accuracy = 20) => ({ latitude: SHOP.lat + m / 111_195, longitude: SHOP.lng, accuracy })

// Before the SDK's script: counts its position reads (each call goes on to the browser's own
// geolocation, untouched), and records its events, offers, errors and console lines.
const RECORDER = `<script>
  window.__geo = { reads: 0, watches: 0 };
  (function (G) {
    var read = G.prototype.getCurrentPosition, watch = G.prototype.watchPosition;
    G.prototype.getCurrentPosition = function () { window.__geo.reads++; return read.apply(this, arguments) };
    G.prototype.watchPosition = function () { window.__geo.watches++; return watch.apply(this, arguments) };
  })(window.Geolocation);
  window.__seen = { events: [], offers: [], errors: [], logs: [] };
  ['log', 'debug', 'info', 'warn', 'error'].forEach(function (level) {
    var original = console[level];
    console[level] = function () {
      window.__seen.logs.push(Array.prototype.map.call(arguments, function (a) {
        try { return a instanceof Error ? String(a) : typeof a === 'string' ? a : JSON.stringify(a) } catch (e) { return String(a) }
      }).join(' '));
      return original.apply(console, arguments);
    };
  });
  waymark('on', 'event', function (e) { window.__seen.events.push(e) });
  waymark('on', 'offer', function (o) { window.__seen.offers.push(o) });
  waymark('on', 'error', function (e) { window.__seen.errors.push(String(e && e.message || e)) });
</script>`

/** Every IndexedDB database of the origin, as [database, store, key, value] rows. */
const databases = (page) => page.evaluate(async () => {
  const rows = []
  for (const { name } of await indexedDB.databases()) {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open(name)
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error)
    })
    for (const store of db.objectStoreNames) {
      const os = db.transaction(store).objectStore(store)
      const [keys, values] = await Promise.all([os.getAllKeys(), os.getAll()].map((r) => new Promise((resolve) => { r.onsuccess = () => resolve(r.result) })))
      keys.forEach((key, i) => rows.push([name, store, key, values[i]]))
    }
    db.close()
  }
  return rows
})

forEachEngine('places', { timeout: 60_000 }, (t, engine) => {
  const { storedEvents } = collector(t)
  const noGeo = geolocationMissing(engine)
  // Written reasons for the tests that do not run in every engine.
  if (noGeo) console.log(`[places, ${engine}] the tests that need an emulated position are skipped: ${noGeo}`)
  const withPosition = test.skipIf(!!noGeo)
  // locate() asks for a fresh fix (maximumAge 0): Chromium, which answers a read within
  // maximumAge with the previous fix, sees a move within one page at once too.
  const withMovesInPage = withPosition

  const control = async (playbook) => (await fetch(t.server.url + '/__playbook', { method: 'POST', body: JSON.stringify({ mode: 'ok', playbook, resetStats: true }) })).json()
  const open = (attrs = ATTRS) => t.context.openTestPage({ attrs, head: RECORDER })
  /** Reads, watches, places entered, errors, as this page's recorder saw them. */
  const seen = (page) => page.evaluate(() => ({
    reads: window.__geo.reads,
    watches: window.__geo.watches,
    entered: window.__seen.events.filter((e) => e.name === 'place_entered').map((e) => e.props.place),
    errors: window.__seen.errors,
  }))
  const reads = (page) => page.evaluate(() => window.__geo.reads)
  const locate = (page) => page.evaluate(() => window.waymark.locate())
  const here = (page) => page.evaluate(() => window.waymark.explain('where').fires) // place.id is the shop
  // Entries over the visitor's life, kept on the device: a place_entered counts under its trigger.
  const entries = (page) => page.evaluate(() => window.waymark.journey().counts['place:store-tverskaya'] || 0)
  const applied = (page) => page.waitFor(() => window.waymark.explain('coffee').reason !== 'no such rule')
  const showTab = (page) => page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')))
  const permission = (page) => page.evaluate(async () => (await navigator.permissions.query({ name: 'geolocation' })).state)
  /** The page after its start: playbook applied, and time for a read to have begun had there been one. */
  const quiet = async (page) => {
    await applied(page)
    await page.sleep(400)
  }
  /** Until the visitor's record on the device knows the shop (before a reload needs it). */
  const remembered = (page) => expect.poll(async () => JSON.stringify(await databases(page)), { timeout: 5000 }).toMatch(/placesSeen.{0,8}store-tverskaya/)
  const enter = async (at = north(20), attrs = ATTRS) => {
    await t.context.setGeolocation(at)
    await t.context.setGeolocationPermission('granted')
    const page = await open(attrs)
    await expect.poll(() => page.visible(TOAST), { timeout: 10_000 }).toBe(true)
    return page
  }

  beforeEach(() => control(PLAYBOOK))

  withPosition('entering: permission granted before the page opens, the offer shows with no call and place_entered reaches the collector', async () => {
    const page = await enter()
    const first = await seen(page)
    expect(first).toMatchObject({ watches: 0, entered: ['store-tverskaya'], errors: [] })
    expect(first.reads).toBeGreaterThanOrEqual(1)
    expect(await page.evaluate(() => window.__seen.events.find((e) => e.name === 'place_entered'))).toMatchObject({ type: 'track', props: { place: 'store-tverskaya' } })
    expect(await here(page)).toBe(true)
    expect(await locate(page)).toBe('store-tverskaya')
    expect(await entries(page)).toBe(1) // still inside: no second entry
    await page.evaluate(() => window.waymark.flush())
    const id = await page.evaluate(() => window.waymark.profile().anonymousId)
    const delivered = () => storedEvents('place_entered').filter((e) => e.anonymousId === id)
    await expect.poll(delivered, { timeout: 10_000 }).toHaveLength(1)
    expect(delivered()[0]).toMatchObject({ type: 'track', props: { place: 'store-tverskaya' } })
    expect(Object.keys(delivered()[0].props)).toEqual(['place'])
    expect(await t.context.errors()).toEqual([])
  })

  withPosition('leaving, and coming back within 30 minutes: no second entry; after 30 minutes: entered again', async () => {
    const page = await enter()
    await remembered(page)
    await t.context.setGeolocation(north(400)) // out
    await reload(page)
    expect(await locate(page)).toBeNull()
    expect(await here(page)).toBe(false)
    await t.context.setGeolocation(north(20)) // back, well within 30 minutes
    await reload(page)
    expect(await locate(page)).toBe('store-tverskaya')
    expect(await here(page)).toBe(true)
    expect((await seen(page)).entered).toEqual([])
    expect(await entries(page)).toBe(1)
    expect(await page.count(TOAST)).toBe(0)
    t.context.shiftClock(31 * MINUTE)
    await reload(page)
    await expect.poll(() => page.visible(TOAST), { timeout: 10_000 }).toBe(true)
    expect((await seen(page)).entered).toEqual(['store-tverskaya'])
    expect(await entries(page)).toBe(2)
    expect(await t.context.errors()).toEqual([])
  })

  withMovesInPage('within one page: the margin keeps the visitor in, a coarse fix says nothing, out and back in is no second entry', async () => {
    const page = await enter()
    await t.context.setGeolocation(north(160)) // 10 m beyond the radius: within the 30 m margin
    expect(await locate(page)).toBe('store-tverskaya')
    await t.context.setGeolocation(north(2000, 800)) // far, but coarser than the radius
    expect(await locate(page)).toBe('store-tverskaya')
    await t.context.setGeolocation(north(300))
    expect(await locate(page)).toBeNull()
    expect(await here(page)).toBe(false)
    await t.context.setGeolocation(north(20))
    expect(await locate(page)).toBe('store-tverskaya')
    expect(await here(page)).toBe(true)
    expect(await seen(page)).toMatchObject({ entered: ['store-tverskaya'], watches: 0, errors: [] })
    expect(await entries(page)).toBe(1)
  })

  withPosition('a fix coarser than the place\'s radius is ignored', async () => {
    await t.context.setGeolocation(north(20, 400)) // in the shop, ± 400 m: could be anywhere around it
    await t.context.setGeolocationPermission('granted')
    const page = await open()
    await applied(page)
    await expect.poll(() => reads(page)).toBeGreaterThanOrEqual(1)
    expect(await locate(page)).toBeNull()
    expect(await here(page)).toBe(false)
    expect(await page.count(TOAST)).toBe(0)
    expect((await seen(page)).entered).toEqual([])
    await t.context.setGeolocation(north(20, 30))
    await reload(page)
    await expect.poll(() => page.visible(TOAST), { timeout: 10_000 }).toBe(true)
    expect((await seen(page)).entered).toEqual(['store-tverskaya'])
  })

  // Runs in every engine: none of it needs a position, and every engine starts at 'prompt'.
  test('permission prompt: nothing is read on load or when the tab is shown; locate() asks', async () => {
    if (!noGeo) {
      await t.context.setGeolocation(north(20))
      await t.context.setGeolocationPermission('prompt')
    }
    const page = await open()
    await quiet(page)
    expect(await permission(page)).toBe('prompt')
    await showTab(page)
    await page.sleep(300)
    expect(await seen(page)).toEqual({ reads: 0, watches: 0, entered: [], errors: [] })
    expect(await page.count(TOAST)).toBe(0)
    await page.evaluate(() => {
      window.__located = 'pending'
      window.waymark.locate().then((v) => { window.__located = v })
    })
    await expect.poll(() => reads(page)).toBe(1) // the prompt
    // What the prompt answers is the headless browser's: Chromium refuses it at once, Firefox
    // leaves it open, WebKitGTK never calls back. Not the SDK's: logged, not asserted.
    await page.sleep(500)
    const [located, errors] = await page.evaluate(() => [window.__located, window.__seen.errors])
    console.log(`[places, ${engine}] locate() at 'prompt', 0.5 s later: ${JSON.stringify(located)}, errors ${JSON.stringify(errors)}`)
    if (noGeo) return
    await t.context.setGeolocationPermission('granted') // the visitor allows it
    expect(await locate(page)).toBe('store-tverskaya')
    await expect.poll(() => page.visible(TOAST), { timeout: 10_000 }).toBe(true)
    expect((await seen(page)).entered).toEqual(['store-tverskaya'])
  })

  withPosition('permission denied: nothing is read on its own; locate() resolves null, reported once', async () => {
    await t.context.setGeolocation(north(20))
    await t.context.setGeolocationPermission('denied')
    const page = await open()
    await quiet(page)
    expect(await permission(page)).toBe('denied')
    await showTab(page)
    await page.sleep(300)
    expect(await reads(page)).toBe(0)
    expect(await locate(page)).toBeNull()
    expect(await locate(page)).toBeNull()
    await showTab(page)
    await page.sleep(300)
    expect(await seen(page)).toEqual({ reads: 2, watches: 0, entered: [], errors: ['waymark: position: permission denied'] })
    expect(await page.count(TOAST)).toBe(0)
    expect(await t.context.errors()).toEqual([])
  })

  // Runs in every engine: with consent denied nothing may be read, emulated position or not.
  test('consent denied: no position is read at all, and locate() resolves null', async () => {
    if (!noGeo) {
      await t.context.setGeolocation(north(20))
      await t.context.setGeolocationPermission('granted')
    }
    const page = await open({ ...ATTRS, consent: 'denied' })
    await quiet(page)
    await showTab(page)
    expect(await locate(page)).toBeNull()
    await page.sleep(300)
    expect(await seen(page)).toEqual({ reads: 0, watches: 0, entered: [], errors: [] })
    expect(await here(page)).toBe(false)
    expect(await page.count(TOAST)).toBe(0)
  })

  withPosition('the coordinates are nowhere: not delivered, stored, put in an event or a template, shown or logged', async () => {
    // Every place a template could take a coordinate from, echoed by a headless offer.
    const echo = '{place.id}|{place.lat|-}|{place.lng|-}|{place.latitude|-}|{place.accuracy|-}|{event.lat|-}|{event.lng|-}|{event.latitude|-}|{event.coords|-}|{event.accuracy|-}'
    await control({ ...PLAYBOOK, version: 'places-echo', rules: [...PLAYBOOK.rules, { id: 'echo', on: ['place:store-tverskaya'], offer: { kind: 'headless', title: echo, body: echo } }] })
    // 86 m from the shop's centre, digits of its own: 55.7646…, 37.6064…, ± 17.25 m.
    const visitor = { latitude: 55.76468, longitude: 37.60643, accuracy: 17.25 }
    const page = await enter(visitor, { ...ATTRS, debug: 'true' })
    await page.evaluate(() => window.waymark.identify('u-geo', { firstName: 'Анна' }))
    expect(await locate(page)).toBe('store-tverskaya')
    await page.evaluate(() => window.waymark.flush())
    const id = await page.evaluate(() => window.waymark.profile().anonymousId)
    await expect.poll(() => storedEvents('place_entered').filter((e) => e.anonymousId === id), { timeout: 10_000 }).toHaveLength(1)
    await remembered(page)
    const offers = await page.evaluate(() => JSON.parse(JSON.stringify(window.__seen.offers)))
    expect(offers.find((o) => o.rule === 'echo')).toMatchObject({ title: 'store-tverskaya|-|-|-|-|-|-|-|-|-', body: 'store-tverskaya|-|-|-|-|-|-|-|-|-' })

    const file = join(t.server.dataDir, 'events.jsonl')
    const delivered = [existsSync(file) ? readFileSync(file, 'utf8') : '', JSON.stringify(await (await fetch(t.server.url + '/__collect')).json())].join('\n')
    const rows = await databases(page)
    const pageTraces = (butPlaybook) => JSON.stringify({
      seen: window.__seen,
      // The start's copy of the cached playbook (storage-copy.ts) is that row again, in localStorage.
      local: Object.fromEntries(Object.entries(localStorage).filter(([k]) => !butPlaybook || !k.endsWith(':copy:playbook'))),
      session: { ...sessionStorage },
      cookie: document.cookie,
      text: [document.body.innerText, ...window.__t.all('*').filter((el) => el.shadowRoot).map((el) => el.shadowRoot.textContent)],
    })
    const inPage = await page.evaluate(pageTraces, false)
    const inPageButPlaybook = await page.evaluate(pageTraces, true)
    const reports = JSON.stringify(await t.context.reports())
    const stored = JSON.stringify(rows)
    // The cached playbook carries the shop's own, published, coordinates: only that row (and its
    // copy in localStorage) may.
    const storedButPlaybook = JSON.stringify(rows.filter(([, , key]) => key !== 'playbook'))
    expect(stored).toContain('store-tverskaya')
    expect(delivered).toContain('"place":"store-tverskaya"')
    expect(inPage).toContain('place_entered')
    expect(inPage).toMatch(/\[waymark\] place/) // debug logging was on: the check logged its place id
    const everything = [delivered, stored, inPage, reports].join('\n')
    for (const trace of ['55.7646', '37.6064', '55.764', '37.606', '17.25']) expect(everything, trace).not.toContain(trace)
    const butPlaybook = [delivered, storedButPlaybook, inPageButPlaybook, reports].join('\n')
    for (const trace of ['55.76', '37.60', '55,76', '37,60']) expect(butPlaybook, trace).not.toContain(trace)
    console.log(`[places, ${engine}] coordinate search: ${everything.length} characters delivered, stored (${rows.length} IndexedDB rows), shown and logged, no trace of the visitor's position`)
  })
})
