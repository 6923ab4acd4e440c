import { isArr } from './is'

/**
 * Thrown by `createWaymark` when an option has the wrong type. This is the only error
 * Waymark throws: it signals a programming mistake, caught during development. Bad input
 * at run time is reported through `on('error')` instead.
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
