// @vitest-environment node
import { describe, expect, it, vi } from 'vitest'

describe('server-side rendering', () => {
  it('imports under plain Node without a DOM and without side effects', async () => {
    expect(typeof window).toBe('undefined')
    const mod = await import('../src/index')
    expect(Object.keys(mod).sort()).toEqual(['WaymarkOptionError', 'compileCondition', 'createWaymark', 'validatePlaybook'])
  })

  it('lets an instance run in memory on the server without throwing', async () => {
    const { createWaymark } = await import('../src/index')
    const wm = createWaymark({ namespace: 'ssr' })
    const errors: string[] = []
    wm.on('error', (e) => errors.push(e.message))
    await wm.ready
    wm.track('product_viewed')
    expect(wm.journey().stage).toBe('evaluate')
    expect(errors).toEqual([expect.stringContaining('storage unavailable')])
    wm.destroy()
  })
})
