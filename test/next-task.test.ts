import { afterEach, describe, expect, it, vi } from 'vitest'
import { nextTask } from '../src/next-task'

afterEach(() => void vi.useRealTimers())

describe('nextTask', () => {
  it('resolves after the microtasks queued with it, in a task of its own', async () => {
    const order: string[] = []
    const done = nextTask().then(() => order.push('task'))
    void Promise.resolve().then(() => order.push('microtask'))
    await done
    expect(order).toEqual(['microtask', 'task'])
  })

  it('does not wait on timers, which a hidden tab throttles to one a second', async () => {
    vi.useFakeTimers() // no timer ever fires unless the test advances the clock
    await expect(nextTask()).resolves.toBeUndefined()
  })
})
