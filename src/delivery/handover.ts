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

const isNum = (v: unknown): boolean => typeof v == 'number' && isFinite(v)
const isQueueKey = (k: unknown): k is QueueKey =>
  isArr(k) && k.length == 5 && k[0] === 'q' && isNum(k[1]) && isNum(k[2]) && isNum(k[3]) && typeof k[4] == 'string'

/** Takes (and forgets) the noted keys. */
export function takeHandedKeys(namespace: string): QueueKey[] {
  try {
    const keys = JSON.parse(localStorage.getItem(name(namespace)) || '[]')
    localStorage.removeItem(name(namespace))
    // Only queue keys, whole: anything else under our name is not ours to delete (and a key
    // IndexedDB cannot take would fail the transaction that carries it).
    return isArr(keys) ? keys.filter(isQueueKey) : []
  } catch {
    return []
  }
}
