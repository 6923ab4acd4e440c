/**
 * A visitor coming back, to a page restored from the back/forward cache or to a device whose
 * storage the browser wiped, carries on as the same visitor. Neither delays a decision.
 */
import { identityPart } from './parts'
import { onPageCache } from './page-cache'
import type { Identity, WaymarkOptions } from './types'

/** What the comeback needs from the instance. */
export interface ComebackDeps {
  identity: WaymarkOptions['identity']
  granted(): boolean
  /** Reads the visitor state on the device. */
  read(): Promise<unknown>
  /** The page is back from the cache, with the state read from the device meanwhile. */
  resumed(stored: unknown): void
  /** The identity endpoint knows who this is. */
  recognised(answer: Identity): void
  fail(message: string): void
}

/** The comeback of one instance. */
export interface Comeback {
  /**
   * The device held no visitor at start: ask the identity endpoint (now, or once consent is
   * granted). Resolves when the answer (or the failure) is in, at once if nothing is asked now.
   */
  stranger(): Promise<void>
  /** Consent may have been granted: ask, if a stranger is waiting for it. */
  ask(): void
  /** A logout: the new visitor is anonymous on purpose, and nobody is asked about them. */
  forget(): void
  stop(): void
}

/** Creates the comeback; it listens for the page's return from the cache at once. */
export function createComeback(d: ComebackDeps): Comeback {
  let stranger = false
  let asked = false // once per page load, failure or not
  const ask = (): Promise<void> => {
    if (!stranger || asked || !d.identity || !d.granted()) return Promise.resolve()
    asked = true
    return identityPart()
      .then((m) => m.askIdentity(d.identity!, d.fail), (e: Error) => d.fail(`identity not restored: ${e.message}`))
      .then((answer) => void (answer && stranger && d.recognised(answer)))
  }
  // Other tabs (or the next page, which took this one's journal) may have moved on meanwhile:
  // what they stored is read before the page carries on.
  const stop = onPageCache(() => {}, () => void d.read().then(d.resumed, () => d.resumed(undefined)))
  return {
    stranger() {
      stranger = true
      return ask()
    },
    ask: () => void ask(),
    forget: () => void (stranger = false),
    stop,
  }
}
