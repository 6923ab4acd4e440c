/**
 * Checks of what the page passes in. Page input is copied through JSON: a snapshot the page
 * cannot change later, and circular or exotic values are refused at the call instead of
 * failing later in storage or delivery.
 */
import { MAX_PROPS_BYTES, utf8Bytes } from './event-size'
import { describe, isObj } from './is'
import type { Props } from './types'

/** A string of 1 to 200 characters: event names and user ids travel in every event, so they are bounded. */
export const isName = (v: unknown): v is string => typeof v == 'string' && !!v && v.length <= 200

/**
 * Copies props or traits (`undefined` counts as `{}`). Refused, with `fail` told why: not an
 * object, not JSON-serialisable, or bigger than one event may carry (every event must fit in
 * one page-hide request, or it could never be delivered).
 */
export function copyProps(value: unknown, what: string, fail: (message: string, cause?: unknown) => void): Props | undefined {
  if (value === undefined) return {}
  if (!isObj(value)) return void fail(`${what} must be an object`)
  let json
  try {
    json = JSON.stringify(value)
  } catch (e) {
    return void fail(`${what} must be JSON-serialisable`, e)
  }
  const bytes = json.length * 3 > MAX_PROPS_BYTES ? utf8Bytes(json) : 0 // UTF-8 takes at most 3 bytes a char
  if (bytes > MAX_PROPS_BYTES)
    return void fail(`${what} are ${(bytes / 1024).toFixed(1)} KB as JSON; at most ${MAX_PROPS_BYTES >> 10} KB fit in an event`)
  // JSON.parse makes `__proto__` an own key; merged into traits it would set their prototype.
  return JSON.parse(json, (k, v) => (k == '__proto__' ? undefined : v))
}

/** Whether `track` takes this event name; if not, `fail` is told why. */
export function isTrackName(name: unknown, fail: (message: string) => void): name is string {
  if (!isName(name)) return fail(`track: event name must be a string of 1 to 200 characters, got ${describe(name)}`), false
  if (name.startsWith('stage:')) return fail(`track: "${name}": stage events are recorded by Waymark itself`), false
  return true
}

/** The user id `identify` takes (a finite number becomes a string), `null`, or `undefined` when refused (`fail` is told why). */
export function toUserId(userId: unknown, fail: (message: string) => void): string | null | undefined {
  const id = typeof userId == 'number' && isFinite(userId) ? String(userId) : userId
  if (id === null || isName(id)) return id
  fail(`identify: userId must be a string of 1 to 200 characters or null, got ${describe(userId)}`)
}

/** Whether `on` takes this type (WaymarkEventMap's keys) and listener; if not, `fail` is told why. */
export const isListener = (type: unknown, listener: unknown, fail: (message: string) => void): boolean =>
  !['event', 'stage', 'error', 'offer', 'order', 'playbook', 'profile'].includes(type as string)
    ? (fail(`on: no event type ${describe(type)}`), false)
    : typeof listener == 'function' || (fail(`on("${type}"): listener must be a function, got ${describe(listener)}`), false)
