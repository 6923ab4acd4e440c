import { describe, expect, it } from 'vitest'
import type { WaymarkEvent } from '../src/types'
import { make } from './helpers'

const tick = () => new Promise((r) => setTimeout(r, 0))

const pages = async (navigate: () => void | Promise<void>) => {
  history.replaceState(null, '', '/start')
  const wm = make({ autoPage: true })
  await wm.ready
  const seen: WaymarkEvent[] = []
  wm.on('event', (e) => e.type === 'page' && seen.push(e))
  await navigate()
  await tick()
  return { wm, seen }
}

describe('automatic page views', () => {
  it('records a page view on start', async () => {
    const wm = make({ autoPage: true })
    await wm.ready
    expect(wm.journey().counts.page).toBe(1)
  })

  it('records SPA navigations by pushState, with the previous URL as referrer', async () => {
    const { seen } = await pages(() => history.pushState(null, '', '/product/1?ref=mail'))
    expect(seen).toHaveLength(1)
    expect(seen[0].props).toMatchObject({ path: '/product/1', referrer: 'http://localhost:3000/start' })
  })

  it('records replaceState only when the path or query changes', async () => {
    const { seen } = await pages(() => {
      history.replaceState({ scroll: 1 }, '')
      history.replaceState(null, '', '/start?page=2')
    })
    expect(seen.map((e) => e.props.url)).toEqual(['http://localhost:3000/start?page=2'])
  })

  it('records back and forward navigation', async () => {
    const { seen } = await pages(async () => {
      history.pushState(null, '', '/a')
      await tick()
      history.replaceState(null, '', '/b') // as if the browser went back to another entry
      dispatchEvent(new PopStateEvent('popstate'))
    })
    expect(seen.map((e) => e.props.path)).toEqual(['/a', '/b'])
  })

  it('records the page view before a track made right after pushState', async () => {
    const wm = make({ autoPage: true })
    await wm.ready
    const names: string[] = []
    wm.on('event', (e) => names.push(e.name))
    history.pushState(null, '', '/product/2')
    wm.track('product_viewed')
    expect(names).toEqual(['page', 'product_viewed', 'stage:evaluate'])
  })

  it('ignores hash-only changes', async () => {
    const { seen } = await pages(() => history.pushState(null, '', '/start#reviews'))
    expect(seen).toHaveLength(0)
  })

  it('stops after destroy and is off with autoPage: false', async () => {
    const { wm, seen } = await pages(() => {})
    wm.destroy()
    const off = make({ namespace: 'manual' })
    await off.ready
    history.pushState(null, '', '/elsewhere')
    await tick()
    expect(seen).toHaveLength(0)
    expect(off.journey().counts.page).toBeUndefined()
  })
})
