/** Issue 18: places, read on the device only with permission; only place ids leave the check. */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { distance, READ_MS, REENTRY_MS } from '../src/places'
import { validatePlaybook } from '../src/playbook/validate'
import type { Playbook, WaymarkEvent, WaymarkOptions } from '../src/types'
import { make, settle, stored } from './helpers'

const SHOP = { id: 'store-tverskaya', lat: 55.7652, lng: 37.6056, radius: 150 }
const PLAYBOOK: Playbook = {
  places: [SHOP, { id: 'cafe', lat: 55.7, lng: 37.5, radius: 50 }],
  rules: [
    { id: 'coffee', on: ['place:store-tverskaya'], if: { 'place.id': 'store-tverskaya' }, offer: { kind: 'toast', title: 'Кофе в подарок к заказу' } },
  ],
}
// Metres north of the shop, as a latitude (1° of latitude ≈ 111.2 km).
const north = (m: number) => SHOP.lat + m / 111_195

// jsdom's navigator has neither: own properties on it, removed after each test.
const stub = (name: string, value: unknown) => Object.defineProperty(navigator, name, { value, configurable: true })

/** A device whose position and permission the test sets; every read is counted. */
function device(permission: PermissionState | 'none' = 'granted') {
  const d = { permission, at: { lat: north(10), lng: SHOP.lng, accuracy: 20 }, reads: 0, error: 0 as 0 | 1 | 2 | 3, hang: false, late: [] as Array<() => void>, options: [] as PositionOptions[] }
  stub('geolocation', { getCurrentPosition: (ok: PositionCallback, fail: PositionErrorCallback, options: PositionOptions) => {
    d.reads++
    d.options.push(options)
    const answer = () => (d.error
      ? fail({ code: d.error, message: 'x', PERMISSION_DENIED: 1, POSITION_UNAVAILABLE: 2, TIMEOUT: 3 } as GeolocationPositionError)
      : ok({ coords: { latitude: d.at.lat, longitude: d.at.lng, accuracy: d.at.accuracy }, timestamp: Date.now() } as GeolocationPosition))
    if (d.hang) d.late.push(answer) // a prompt left open, or a browser that never answers
    else setTimeout(answer, 1)
  } })
  stub('permissions', d.permission == 'none' ? undefined : { query: async () => ({ state: d.permission }) })
  return d
}

async function start(options: WaymarkOptions = {}) {
  const wm = make({ playbook: PLAYBOOK, ...options })
  const events: WaymarkEvent[] = []
  const offers: string[] = []
  wm.on('event', (e) => events.push(e))
  wm.on('offer', (o) => offers.push(o.rule))
  await wm.ready
  await settle(50)
  const entered = () => events.filter((e) => e.name === 'place_entered').map((e) => e.props.place)
  return { wm, events, offers, entered }
}

const show = () => document.dispatchEvent(new Event('visibilitychange'))

afterEach(() => {
  vi.useRealTimers()
  for (const name of ['geolocation', 'permissions']) delete (navigator as unknown as Record<string, unknown>)[name]
})

describe('distance (haversine)', () => {
  it('measures great-circle metres', () => {
    expect(distance(0, 0, 1, 0)).toBeCloseTo(111_195, -1)
    expect(distance(55.7558, 37.6173, 59.9343, 30.3351)).toBeCloseTo(634_000, -4) // Moscow–St Petersburg
    expect(distance(SHOP.lat, SHOP.lng, SHOP.lat, SHOP.lng)).toBe(0)
  })
})

describe('places in the playbook', () => {
  const errors = (places: unknown) => {
    const r = validatePlaybook({ places })
    return r.ok ? [] : r.errors
  }
  it('accepts valid places, the limits included', () => {
    expect(errors([SHOP, { id: 'pole', lat: -90, lng: 180, radius: 10 }, { id: 'big', lat: 90, lng: -180, radius: 5000 }])).toEqual([])
  })
  it.each<[string, unknown, string]>([
    ['duplicate ids', [SHOP, SHOP], 'places[1].id: duplicate place "store-tverskaya"'],
    ['an empty id', [{ ...SHOP, id: '' }], 'places[0].id: must be a non-empty string'],
    ['a latitude out of range', [{ ...SHOP, lat: 91 }], 'places[0].lat: must be a number from -90 to 90'],
    ['a longitude out of range', [{ ...SHOP, lng: -180.5 }], 'places[0].lng: must be a number from -180 to 180'],
    ['a radius under 10 m', [{ ...SHOP, radius: 5 }], 'places[0].radius: must be a number from 10 to 5000 (metres)'],
    ['a radius over 5 km', [{ ...SHOP, radius: 6000 }], 'places[0].radius: must be a number from 10 to 5000 (metres)'],
    ['a radius as text', [{ ...SHOP, radius: '150' }], 'places[0].radius: must be a number from 10 to 5000 (metres)'],
    ['a missing radius', [{ id: 'x', lat: 1, lng: 1 }], 'places[0].radius: must be a number from 10 to 5000 (metres)'],
    ['an unknown key', [{ ...SHOP, address: 'Тверская 1' }], 'places[0].address: unknown key'],
    ['places that are not an array', { a: SHOP }, 'places: must be an array'],
  ])('refuses %s', (_, places, message) => expect(errors(places)).toContain(message))
})

describe('places', () => {
  it('with permission granted, entering a place fires place:<id>, records place_entered and sets place.id', async () => {
    const d = device('granted')
    const { wm, events, offers, entered } = await start()
    expect(d.reads).toBe(1) // read as the playbook with places was applied
    expect(entered()).toEqual(['store-tverskaya'])
    expect(events.find((e) => e.name === 'place_entered')).toMatchObject({ type: 'track', props: { place: 'store-tverskaya' } })
    expect(offers).toEqual(['coffee'])
    expect(await wm.locate()).toBe('store-tverskaya')
    expect(entered()).toHaveLength(1) // still inside: no second entry
  })

  it('leaving needs the margin; re-entering within 30 minutes does not fire, after them it does', async () => {
    const d = device('granted')
    const { wm, entered } = await start()
    d.at.lat = north(160) // 10 m beyond the radius: inside the margin, still there
    expect(await wm.locate()).toBe('store-tverskaya')
    d.at.lat = north(300)
    expect(await wm.locate()).toBeNull()
    d.at.lat = north(20)
    expect(await wm.locate()).toBe('store-tverskaya')
    expect(entered()).toHaveLength(1) // back within 30 minutes
    d.at.lat = north(300)
    await wm.locate()
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(Date.now() + REENTRY_MS + 1000)
    d.at.lat = north(20)
    await wm.locate()
    expect(entered()).toHaveLength(2)
  })

  it('a fix coarser than the radius is ignored', async () => {
    const d = device('granted')
    d.at.accuracy = 500
    const { wm, entered } = await start()
    expect(await wm.locate()).toBeNull()
    expect(entered()).toEqual([])
    d.at.accuracy = 30
    expect(await wm.locate()).toBe('store-tverskaya')
    d.at = { lat: north(2000), lng: SHOP.lng, accuracy: 800 } // far, but too coarse to say it left
    expect(await wm.locate()).toBe('store-tverskaya')
  })

  it('never prompts on its own: with permission not granted (or unknown) only locate() reads', async () => {
    for (const permission of ['prompt', 'none'] as const) {
      const d = device(permission)
      const { wm, entered } = await start({ namespace: permission })
      show()
      await settle(20)
      expect(d.reads).toBe(0)
      expect(await wm.locate()).toBe('store-tverskaya')
      expect(d.reads).toBe(1)
      expect(entered()).toEqual(['store-tverskaya'])
    }
  })

  it('reads again when the tab becomes visible, and not while it is hidden', async () => {
    const d = device('granted')
    await start()
    const state = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('visible')
    show()
    await settle(20)
    expect(d.reads).toBe(2)
    state.mockReturnValue('hidden')
    show()
    await settle(20)
    expect(d.reads).toBe(2)
  })

  it('permission denied, a timeout or no fix: null, reported once, no retry storm', async () => {
    const d = device('prompt')
    d.error = 1
    const { wm } = await start()
    expect(await wm.locate()).toBeNull()
    expect(await wm.locate()).toBeNull()
    expect(wm.errors).toEqual(['waymark: position: permission denied'])
    d.permission = 'granted'
    show()
    await settle(20)
    expect(d.reads).toBe(2) // automatic reads stop after a denial
  })

  it('locate() asks for a fresh fix; the automatic checks take one up to 15 s old', async () => {
    const d = device('granted')
    const { wm } = await start()
    await wm.locate()
    expect(d.options.map((o) => o.maximumAge)).toEqual([15_000, 0])
  })

  it('a read that never answers (a prompt left open) resolves null after 30 s, reported once; a late fix still counts', async () => {
    const d = device('prompt')
    d.hang = true
    const { wm, entered } = await start()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const answers = [wm.locate(), wm.locate()]
    await vi.advanceTimersByTimeAsync(READ_MS)
    expect(await Promise.all(answers)).toEqual([null, null])
    expect(wm.errors).toEqual(['waymark: position: timed out'])
    d.late.splice(0).forEach((answer) => answer()) // the visitor allows it at last
    expect(entered()).toEqual(['store-tverskaya'])
  })

  it('consent denied: no position is read at all', async () => {
    const d = device('granted')
    const { wm, entered } = await start({ consent: 'denied' })
    expect(await wm.locate()).toBeNull()
    expect(d.reads).toBe(0)
    expect(entered()).toEqual([])
  })

  it('no geolocation (old browsers, insecure origins): simply no place', async () => {
    stub('geolocation', undefined)
    const { wm } = await start()
    expect(await wm.locate()).toBeNull()
    expect(wm.errors).toEqual([])
  })

  it('the coordinates are never delivered, stored, put in an event or a template, or logged', async () => {
    const d = device('granted')
    d.at = { lat: 55.76531, lng: 37.60597, accuracy: 12.5 }
    const sent: unknown[] = []
    const logs: unknown[] = []
    for (const m of ['debug', 'log', 'info', 'warn', 'error'] as const) vi.spyOn(console, m).mockImplementation((...a) => void logs.push(a))
    const playbook = { ...PLAYBOOK, rules: [{ ...PLAYBOOK.rules![0], offer: { kind: 'toast' as const, title: '{place.id} {place.lat|-} {place.lng|-} {event.lat|-}' } }] }
    const { wm, events } = await start({ playbook, debug: true, collect: async (batch) => void sent.push(batch) })
    const offers: unknown[] = []
    wm.on('offer', (o) => offers.push(o))
    await wm.locate()
    await wm.flush()
    await settle(300)
    const everything = JSON.stringify([sent, events, offers, await stored(), { ...localStorage }, logs.map((a) => String(a))])
    expect(everything).toContain('store-tverskaya')
    for (const trace of ['55.76', '37.60', '12.5']) expect(everything).not.toContain(trace)
  })
})
