/**
 * The split script tag's loader of parts. jsdom neither fetches nor runs a script's src, so
 * the tests play the part's side: its `define` through the page's registry (as a part file
 * does as it runs), or the element's `load` / `error` events.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { loadPart, PART_TIMEOUT_MS, partsFrom } from '../src/part-loader'
import { definePart, PARTS, type PartRegistry } from '../src/part-define'

const FOLDER = 'https://cdn.example.test/waymark/2.0/'
const w = window as unknown as { [PARTS]?: PartRegistry; trustedTypes?: unknown }

/** The first file's script element, as the page has it. */
function firstScript(src: string | null = `${FOLDER}waymark.js`, nonce = 'n0nce'): HTMLScriptElement {
  const s = document.createElement('script')
  if (src) s.src = src
  s.nonce = nonce
  document.body.append(s)
  return s
}

/** The part scripts the loader has put in the page, in order. */
let appended: HTMLScriptElement[] = []
const partScripts = () => [...document.head.querySelectorAll<HTMLScriptElement>('script')]
const define = (name: string, build: string, exports: object) => w[PARTS]!.define(name, build, exports)
const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('resolved') }, (e: Error) => e.message)

beforeEach(() => {
  delete w[PARTS]
  appended = []
  const append = document.head.append.bind(document.head)
  vi.spyOn(document.head, 'append').mockImplementation((...nodes) => {
    appended.push(...(nodes as HTMLScriptElement[]))
    append(...nodes)
  })
})
afterEach(() => {
  delete w[PARTS]
  delete w.trustedTypes
  document.head.innerHTML = ''
  document.body.innerHTML = ''
  vi.useRealTimers()
  vi.restoreAllMocks()
})

describe('loadPart', () => {
  it('appends one async script from the first file\'s folder, with its nonce, and resolves with what the part defines', async () => {
    partsFrom(firstScript(`${FOLDER}waymark.js?x=1`, 'abc123'))
    const loading = loadPart<{ createSync(): string }>('sync')
    expect(appended).toHaveLength(1)
    const [script] = appended
    expect(script.tagName).toBe('SCRIPT')
    expect(script.src).toBe(`${FOLDER}waymark-sync.js?v=dev`)
    expect(script.async).toBe(true)
    expect(script.nonce).toBe('abc123')
    expect(script.parentNode).toBe(document.head)
    const exports = { createSync: () => 'sync' }
    definePart('sync', exports) // the part file runs
    script.dispatchEvent(new Event('load')) // then its load event: already settled
    await expect(loading).resolves.toBe(exports)
    expect(script.isConnected).toBe(false)
  })

  it('loads each part once per page, whatever the callers (and copies of the loader)', async () => {
    partsFrom(firstScript())
    const a = loadPart('orders')
    const b = loadPart('orders')
    vi.resetModules()
    const copy = await import('../src/part-loader')
    const c = copy.loadPart('orders')
    expect(b).toBe(a)
    expect(c).toBe(a)
    expect(appended).toHaveLength(1)
    const exports = { createOrders() {} }
    define('orders', 'dev', exports)
    await expect(Promise.all([a, b, c])).resolves.toEqual([exports, exports, exports])
    await expect(loadPart('orders')).resolves.toBe(exports)
    expect(appended).toHaveLength(1)
  })

  it('a part defined for no waiting load changes nothing', async () => {
    partsFrom(firstScript())
    define('elements', 'dev', {}) // nothing asked for it
    const loading = loadPart('elements')
    const exports = { defineElements() {} }
    define('elements', 'dev', exports)
    await expect(loading).resolves.toBe(exports)
  })

  it('rejects when the script fails to load, removes it, and a later call tries again', async () => {
    partsFrom(firstScript())
    const first = loadPart('delivery')
    appended[0].dispatchEvent(new Event('error'))
    expect(await fail(first)).toBe(`part "delivery" unavailable: ${FOLDER}waymark-delivery.js?v=dev did not load`)
    expect(partScripts()).toEqual([])
    const second = loadPart('delivery')
    expect(second).not.toBe(first)
    expect(appended).toHaveLength(2)
    const exports = { createDelivery() {} }
    define('delivery', 'dev', exports)
    await expect(second).resolves.toBe(exports)
    expect(partScripts()).toEqual([])
  })

  it('rejects a script that runs without defining the part', async () => {
    partsFrom(firstScript())
    const loading = loadPart('sync')
    appended[0].dispatchEvent(new Event('load'))
    expect(await fail(loading)).toBe(`part "sync" unavailable: ${FOLDER}waymark-sync.js?v=dev is not a Waymark part`)
    expect(partScripts()).toEqual([])
  })

  it('refuses a part from another build', async () => {
    partsFrom(firstScript())
    const loading = loadPart('sync')
    define('sync', 'b-2024', { createSync() {} })
    const message = await fail(loading)
    expect(message).toContain('another build')
    expect(message).toContain('b-2024')
    expect(message).toMatch(/^part "sync" unavailable: /)
    expect(partScripts()).toEqual([])
  })

  it('rejects, saying so, when the first script has no src', async () => {
    partsFrom(firstScript(null))
    expect(await fail(loadPart('sync'))).toBe('part "sync" unavailable: the script tag has no src to load it beside')
    expect(appended).toEqual([])
  })

  it('rejects without any first script; a later partsFrom lets a retry load', async () => {
    partsFrom(null)
    expect(await fail(loadPart('sync'))).toContain('no src')
    partsFrom(firstScript())
    const loading = loadPart('sync')
    expect(appended[0].src).toBe(`${FOLDER}waymark-sync.js?v=dev`)
    define('sync', 'dev', {})
    await expect(loading).resolves.toEqual({})
  })

  it('keeps the folder of the first script it was given', () => {
    partsFrom(firstScript())
    partsFrom(firstScript('https://other.example.test/x/waymark.js'))
    void loadPart('sync').catch(() => {})
    expect(appended[0].src).toBe(`${FOLDER}waymark-sync.js?v=dev`)
  })

  it(`gives up after ${PART_TIMEOUT_MS / 1000} s`, async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    partsFrom(firstScript())
    const loading = fail(loadPart('sync'))
    await vi.advanceTimersByTimeAsync(PART_TIMEOUT_MS - 1)
    let settled = false
    void loading.then(() => (settled = true))
    await vi.advanceTimersByTimeAsync(0)
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)
    expect(await loading).toBe(`part "sync" unavailable: no answer within ${PART_TIMEOUT_MS / 1000} s`)
    expect(appended[0].isConnected, 'the timed-out script element is removed').toBe(false)
    // A late definition of the timed-out load is ignored; a new call loads again.
    define('sync', 'dev', {})
    const again = loadPart('sync')
    expect(appended).toHaveLength(2)
    define('sync', 'dev', { n: 2 })
    await expect(again).resolves.toEqual({ n: 2 })
  })
})

describe('loadPart under Trusted Types', () => {
  const stubTrustedTypes = () => {
    const createScriptURL = vi.fn()
    const createPolicy = vi.fn((_name: string, rules: { createScriptURL(u: string): string }) => ({
      createScriptURL: createScriptURL.mockImplementation((u: string) => rules.createScriptURL(u)),
    }))
    w.trustedTypes = { createPolicy }
    return { createPolicy, createScriptURL }
  }

  it('creates one policy named waymark, and the script URL passes through it', async () => {
    const tt = stubTrustedTypes()
    partsFrom(firstScript())
    const sync = loadPart('sync')
    const orders = loadPart('orders')
    expect(tt.createPolicy).toHaveBeenCalledTimes(1)
    expect(tt.createPolicy.mock.calls[0][0]).toBe('waymark')
    expect(tt.createScriptURL.mock.calls).toEqual([[`${FOLDER}waymark-sync.js?v=dev`], [`${FOLDER}waymark-orders.js?v=dev`]])
    expect(appended.map((s) => s.src)).toEqual([`${FOLDER}waymark-sync.js?v=dev`, `${FOLDER}waymark-orders.js?v=dev`])
    define('sync', 'dev', {})
    define('orders', 'dev', {})
    await Promise.all([sync, orders])
  })

  it('the policy refuses any URL that is not a part in the folder', () => {
    const tt = stubTrustedTypes()
    partsFrom(firstScript())
    void loadPart('sync').catch(() => {})
    const policy = tt.createPolicy.mock.results[0].value as { createScriptURL(u: string): unknown }
    expect(policy.createScriptURL(`${FOLDER}waymark-elements.js?v=dev`)).toBe(`${FOLDER}waymark-elements.js?v=dev`)
    for (const foreign of [
      'https://evil.example.test/waymark-sync.js?v=dev',
      `${FOLDER}evil.js`,
      `${FOLDER}waymark-sync.js`,
      `${FOLDER}sub/waymark-sync.js?v=dev`,
      `${FOLDER}waymark-sync.js?v=dev&x=1`,
      'javascript:alert(1)',
    ]) expect(() => policy.createScriptURL(foreign), foreign).toThrow(TypeError)
  })

  it('uses no policy where the browser has no Trusted Types', async () => {
    partsFrom(firstScript())
    const loading = loadPart('sync')
    expect(appended[0].src).toBe(`${FOLDER}waymark-sync.js?v=dev`)
    define('sync', 'dev', {})
    await loading
  })
})
