// @vitest-environment node
import { afterEach, describe, expect, it } from 'vitest'

const GLOBALS = ['HTMLElement', 'customElements', 'document', 'window', 'CSSStyleSheet', 'ShadowRoot']

describe('waymark/elements under Node', () => {
  afterEach(() => {
    for (const name of GLOBALS) delete (globalThis as Record<string, unknown>)[name]
  })

  it('imports without touching a DOM global, and defineElements is a no-op there', async () => {
    const touched: string[] = []
    for (const name of GLOBALS)
      Object.defineProperty(globalThis, name, { configurable: true, get: () => void touched.push(name) })
    const mod = await import('../src/elements/index')
    expect(Object.keys(mod)).toEqual(['defineElements'])
    expect(touched).toEqual([])
    for (const name of GLOBALS) delete (globalThis as Record<string, unknown>)[name]
    expect(() => mod.defineElements({} as never)).not.toThrow()
  })
})
