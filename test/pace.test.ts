import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { BACKOFF_MS, MAX_BACKOFF_MS, createPace } from '../src/delivery/pace'
import { MAX_EVENTS } from '../src/delivery/queue'

describe('delivery pace', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['performance'] })
    vi.spyOn(Math, 'random').mockReturnValue(0.999999) // no jitter: the whole backoff
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('backs off doubling from 1 s up to 5 min, says only the first failure of a row is new, and a delivery ends the row', () => {
    const pace = createPace()
    const waits = Array.from({ length: 11 }, () => pace.failed())
    expect(waits.map(([w]) => w)).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300].map((s) => s * BACKOFF_MS))
    expect(waits.map(([, first]) => first)).toEqual([true, ...Array(10).fill(false)])
    expect(MAX_BACKOFF_MS).toBe(300 * BACKOFF_MS)
    pace.delivered()
    expect(pace.failed()).toEqual([BACKOFF_MS, true])
  })

  it('waits for the longer of the backoff and Retry-After; back online, only Retry-After holds', () => {
    const pace = createPace()
    const start = performance.now()
    expect(pace.earliest()).toBe(0)
    pace.failed()
    expect(pace.failed(60_000)).toEqual([60_000, false]) // backoff 2 s, Retry-After 60 s
    expect(pace.earliest()).toBe(start + 60_000)
    pace.online()
    expect(pace.earliest()).toBe(start + 60_000)
    pace.failed()
    vi.advanceTimersByTime(60_000)
    pace.online()
    expect(pace.earliest()).toBeLessThanOrEqual(performance.now())
  })

  it('a 413 halves the batch; each delivery doubles it back, to no limit past the queue bound', () => {
    const pace = createPace()
    expect(pace.maxBatch()).toBe(Infinity)
    pace.tooLarge(400)
    expect(pace.maxBatch()).toBe(200)
    pace.tooLarge(200)
    pace.delivered()
    expect(pace.maxBatch()).toBe(200)
    pace.delivered()
    pace.delivered()
    expect(pace.maxBatch()).toBe(800)
    expect(MAX_EVENTS).toBeLessThan(1600)
    pace.delivered()
    expect(pace.maxBatch()).toBe(Infinity)
  })
})
