/**
 * How fast delivery may go: the backoff after failed attempts, the collector's Retry-After,
 * and the batch size a 413 asked for. Times are on a monotonic clock (`performance.now()`):
 * the device's clock being set back or forward must not stall delivery for days or rush it.
 */
import { backoff } from '../timeout'
import { MAX_EVENTS } from './queue'

/** First retry after a failure; doubles on each further failure, up to MAX_BACKOFF_MS. */
export const BACKOFF_MS = 1000
export const MAX_BACKOFF_MS = 5 * 60_000

/** The monotonic clock of delivery's waits, in ms. */
export const mono = (): number => performance.now()

/** The pace of one delivery. */
export interface Pace {
  /**
   * The earliest time (monotonic) the next attempt may start; `early` (flush(), a page hide
   * of a memory queue) skips the backoff, never the collector's Retry-After.
   */
  earliest(early?: boolean): number
  /** The most events one batch may carry now. */
  maxBatch(): number
  /** A batch was delivered: no backoff, and the batch size grows back. */
  delivered(): void
  /** The collector answered 413 to `n` events: send halves. */
  tooLarge(n: number): void
  /**
   * An attempt failed and may be retried, after `after` ms at least (Retry-After). Returns the
   * wait before the next attempt, and whether this failure is the first in a row.
   */
  failed(after?: number): readonly [wait: number, first: boolean]
  /** Back online: the backoff is over (a Retry-After still holds). */
  online(): void
}

/** Creates the pace of a delivery. */
export function createPace(): Pace {
  let fails = 0
  let retryAt = 0 // the backoff
  let notBefore = 0 // the collector's Retry-After
  let max = Infinity
  const earliest = (early?: boolean): number => (early ? notBefore : Math.max(retryAt, notBefore))
  return {
    earliest,
    maxBatch: () => max,
    delivered() {
      fails = 0
      // A 413 may have been one oversized batch, or a proxy's bad minute: grow back.
      max = max * 2 > MAX_EVENTS ? Infinity : max * 2
    },
    tooLarge: (n) => void (max = n >> 1),
    failed(after = 0) {
      retryAt = mono() + backoff(fails++, BACKOFF_MS, MAX_BACKOFF_MS)
      notBefore = mono() + after
      return [earliest() - mono(), fails == 1] as const
    },
    online: () => void (fails = retryAt = 0),
  }
}
