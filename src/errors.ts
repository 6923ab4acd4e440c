import { isArr } from './is'

/**
 * Thrown by `createWaymark` when an option has the wrong type. This is the only error
 * Waymark throws: it signals a programming mistake, caught during development. Bad input
 * at run time is reported through `on('error')` instead.
 * @example
 * try {
 *   createWaymark({ refreshSeconds: '60' as unknown as number })
 * } catch (e) {
 *   if (e instanceof WaymarkOptionError) console.error(e.option, e.message)
 *   // refreshSeconds waymark: option "refreshSeconds" must be a positive number, got string
 * }
 */
export class WaymarkOptionError extends TypeError {
  /** The name of the offending option, e.g. `refreshSeconds`. */
  readonly option: string

  constructor(option: string, expected: string, got: unknown) {
    super(`waymark: option "${option}" must be ${expected}, got ${got === null ? 'null' : isArr(got) ? 'array' : typeof got}`)
    this.name = 'WaymarkOptionError'
    this.option = option
  }
}

/**
 * Why `order(id)` could not give an order: `status` is the HTTP status when the source is a
 * URL (404 for an unknown order), else undefined. Not thrown: `order()` rejects with it.
 * @example
 * wm.order('A-1001').catch((e) => {
 *   if (e instanceof OrderError && e.status === 404) showNotFound()
 * })
 */
export class OrderError extends Error {
  /** The HTTP status when the source is a URL, else undefined. */
  readonly status?: number

  constructor(message: string, status?: number) {
    super(message)
    this.name = 'OrderError'
    this.status = status
  }
}
