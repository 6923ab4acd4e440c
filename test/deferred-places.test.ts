import { describe, expect, it, vi } from 'vitest'
import { deferPlaces } from '../src/deferred-places'
import type { Places, PlacesDeps } from '../src/places'
import type { Place } from '../src/types'

const SHOP: Place = { id: 'shop', lat: 55.75, lng: 37.61, radius: 80 }

/** A places part the test settles, and what its places were asked. */
function part() {
  const calls: string[] = []
  const places: Places = {
    use: (list) => void calls.push(`use ${(list || []).map((p) => p.id).join(',')}`),
    locate: vi.fn(async () => (calls.push('locate'), 'shop')),
    current: () => 'shop',
    stop: () => void calls.push('stop'),
  }
  let settle!: (fail?: Error) => void
  const load = vi.fn(() => new Promise<{ createPlaces(d: PlacesDeps): Places }>((resolve, reject) => {
    settle = (fail) => (fail ? reject(fail) : resolve({ createPlaces: () => places }))
  }))
  return { calls, load, settle: (fail?: Error) => settle(fail) }
}
const deps = (): PlacesDeps => ({ allowed: () => true, seen: () => ({}), inside: vi.fn(), fail: vi.fn(), log: () => {} })
const tick = () => new Promise((r) => setTimeout(r))

describe('deferPlaces', () => {
  it('a playbook without places loads nothing; locate() then answers null at once', async () => {
    const p = part()
    const places = deferPlaces(p.load, deps())
    places.use(undefined)
    places.use([])
    expect(await places.locate()).toBeNull()
    expect(places.current()).toBeNull()
    expect(p.load).not.toHaveBeenCalled()
  })

  it('loads with the first playbook that has places, and hands over the newest list once loaded', async () => {
    const p = part()
    const places = deferPlaces(p.load, deps())
    places.use([SHOP])
    places.use([SHOP, { ...SHOP, id: 'kiosk' }])
    expect(places.current()).toBeNull() // at no place until the code has come
    p.settle()
    await tick()
    expect(p.load).toHaveBeenCalledTimes(1)
    expect(p.calls).toEqual(['use shop,kiosk'])
    expect(places.current()).toBe('shop')
    places.use([])
    expect(p.calls).toEqual(['use shop,kiosk', 'use '])
  })

  it('locate() waits for the code and asks it', async () => {
    const p = part()
    const places = deferPlaces(p.load, deps())
    places.use([SHOP])
    const at = places.locate()
    p.settle()
    expect(await at).toBe('shop')
    expect(p.calls).toEqual(['use shop', 'locate'])
  })

  it('stopped while loading, the places are stopped as they are made, never used', async () => {
    const p = part()
    const places = deferPlaces(p.load, deps())
    places.use([SHOP])
    places.stop()
    p.settle()
    await tick()
    expect(p.calls).toEqual(['stop'])
  })

  it('a load failure is reported; locate() answers null, and the next playbook tries again', async () => {
    const p = part()
    const d = deps()
    const places = deferPlaces(p.load, d)
    places.use([SHOP])
    const at = places.locate()
    p.settle(new Error('part "places" unavailable: offline'))
    expect(await at).toBeNull()
    expect(d.fail).toHaveBeenCalledExactlyOnceWith('places unavailable: part "places" unavailable: offline')
    places.use([SHOP])
    expect(p.load).toHaveBeenCalledTimes(2)
  })
})
