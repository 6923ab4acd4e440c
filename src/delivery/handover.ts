/**
 * What pagehide hands to the browser (keepalive requests that outlive the page) must not be
 * sent again by the next page, but an IndexedDB delete issued as a page ends often does not
 * land. localStorage is written at once, so the keys of those events go there, and whichever
 * tab delivers next deletes them from the queue first.
 */
import { isArr } from '../is'
import { MAX_EVENTS, type QueueKey } from './queue'

const name = (namespace: string): string => `${namespace}:handed`

/** Notes keys as handed to the browser (added to any already noted, the newest kept). */
export function handOverKeys(namespace: string, keys: QueueKey[]): void {
  try {
    keys = [...takeHandedKeys(namespace), ...keys].slice(-MAX_EVENTS)
    if (keys.length) localStorage.setItem(name(namespace), JSON.stringify(keys))
  } catch {
    // No localStorage (some private modes): the next page sends them again, same ids.
  }
}

/** Takes (and forgets) the noted keys. */
export function takeHandedKeys(namespace: string): QueueKey[] {
  try {
    const keys = JSON.parse(localStorage.getItem(name(namespace)) || '[]')
    localStorage.removeItem(name(namespace))
    // Only queue keys: anything else under our name is not ours to delete.
    return isArr(keys) ? keys.filter((k) => isArr(k) && k[0] === 'q' && typeof k[4] == 'string') : []
  } catch {
    return []
  }
}
