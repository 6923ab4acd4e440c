// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'

describe('server-side rendering', () => {
  it('imports under plain Node without a DOM and without side effects', async () => {
    expect(typeof window).toBe('undefined')
    const mod = await import('../src/index')
    expect(Object.keys(mod).sort()).toEqual(['OrderError', 'WaymarkOptionError', 'compileCondition', 'createWaymark', 'validatePlaybook'])
  })

  it('lets an instance run in memory on the server: nothing fetched, stored or sent, and nothing printed (issue 16)', async () => {
    const printed: unknown[] = []
    for (const level of ['log', 'info', 'debug', 'warn', 'error'] as const) vi.spyOn(console, level).mockImplementation((...a) => void printed.push(a))
    const fetch = vi.fn()
    vi.stubGlobal('fetch', fetch)
    const { createWaymark } = await import('../src/index')
    // Every option that would reach for the network or the device in a browser.
    const wm = createWaymark({ namespace: 'ssr', playbook: '/playbook.json', collect: '/collect', identity: '/identity', orders: '/api/orders/{id}' })
    const errors: string[] = []
    wm.on('error', (e) => errors.push(e.message))
    await wm.ready
    wm.track('product_viewed')
    wm.identify('u-1', { firstName: 'Anna' })
    expect(wm.journey().stage).toBe('evaluate')
    expect(wm.greeting()).toBeNull()
    await wm.flush()
    await wm.refresh()
    await new Promise((r) => setTimeout(r, 50))
    wm.destroy()
    expect(fetch).not.toHaveBeenCalled()
    expect(errors).toEqual([])
    expect(printed).toEqual([])
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })
})
