/**
 * One deadline for every request the SDK makes (events, playbook, orders): a request that
 * never answers must not hold a queue, a sync or a widget for ever.
 */

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
