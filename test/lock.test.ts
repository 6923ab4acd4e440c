import { afterEach, describe, expect, it, vi } from 'vitest'
import { withLock } from '../src/lock'
import { fakeWebLocks } from './helpers'

afterEach(() => vi.unstubAllGlobals())

describe('withLock', () => {
  it('lets one job run at a time: a second one with ifAvailable is skipped', async () => {
    fakeWebLocks()
    let release!: () => void
    const first = withLock('x', true, () => new Promise<string>((r) => (release = () => r('first'))))
    const second = await withLock('x', true, async () => 'second')
    expect(second).toBeUndefined()
    release()
    expect(await first).toBe('first')
  })

  it('makes a job without ifAvailable wait for the lock, then run', async () => {
    fakeWebLocks()
    const order: string[] = []
    let release!: () => void
    const first = withLock('x', false, () => new Promise<void>((r) => (release = () => (order.push('first'), r()))))
    const second = withLock('x', false, async () => void order.push('second'))
    await Promise.resolve()
    release()
    await Promise.all([first, second])
    expect(order).toEqual(['first', 'second'])
  })

  it('runs the job anyway where Web Locks are missing or refused', async () => {
    vi.stubGlobal('navigator', { ...navigator, locks: undefined })
    expect(await withLock('x', true, async () => 1)).toBe(1)
    vi.stubGlobal('navigator', { ...navigator, locks: { request: () => Promise.reject(new DOMException('denied', 'SecurityError')) } })
    expect(await withLock('x', true, async () => 2)).toBe(2)
  })
})
