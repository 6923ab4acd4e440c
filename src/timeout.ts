/**
 * How long the SDK waits: one deadline for every request it makes (events, playbook, orders),
 * since a request that never answers must not hold a queue, a sync or a widget for ever; and
 * one backoff for what it retries.
 */

/**
 * The wait before retry number `n + 1`: `base` doubled per failure up to `max`, then jittered
 * to between half and all of it, so that tabs and devices failing together do not retry in step.
 */
export const backoff = (n: number, base: number, max: number): number =>
  Math.round(Math.min(max, base * 2 ** n) * (0.5 + Math.random() / 2))

/**
 * Runs `run` with a signal that aborts after `ms`, and gives up on it then: rejects with
 * `timeout('no answer within … s')`, a plain Error unless given.
 */
export async function withTimeout<T>(
  ms: number,
  run: (signal: AbortSignal) => Promise<T>,
  timeout = (why: string): Error => new Error(why),
): Promise<T> {
  const ctrl = new AbortController()
  const timer = setTimeout(() => ctrl.abort(), ms)
  // Listening before `run` does, so that a timeout is reported as one, not as an abort.
  const late = new Promise<never>((_, reject) =>
    ctrl.signal.addEventListener('abort', () => reject(timeout(`no answer within ${ms / 1000} s`))),
  )
  try {
    return await Promise.race([run(ctrl.signal), late])
  } finally {
    clearTimeout(timer)
  }
}
