/**
 * The writes a page still owed IndexedDB when it went into the back/forward cache. WebKit
 * never finishes a readwrite transaction of a page in that cache, and the transaction keeps
 * its lock: every other page of the site then waits on the database. So a page being cached
 * makes no IndexedDB write; what it still owed goes to localStorage (written at once), and
 * whichever page of the namespace starts next writes it for it. Should the page come back
 * first, it takes its journal back and writes it itself.
 *
 * One localStorage key per namespace: `<namespace>:frozen`, `{ [page]: { at, w } }`, where
 * `w` lists `[key, value]` puts and `[key]` deletes. Values are JSON, as everything Waymark
 * stores is.
 */
import { isArr, isObj } from './is'

/** A pending write: a put of `[key, value]`, or a delete of `[key]`. */
export type Write = [IDBValidKey, unknown?]

const keyOf = (namespace: string): string => `${namespace}:frozen`

type Journals = Record<string, { at: number; w: Write[] }>

const parse = (text: string | null): Journals => {
  try {
    const all = JSON.parse(text || '{}')
    return isObj(all) ? (all as Journals) : {}
  } catch {
    return {}
  }
}

const read = (namespace: string): Journals => {
  try {
    return parse(localStorage.getItem(keyOf(namespace)))
  } catch {
    return {}
  }
}

const write = (namespace: string, all: Record<string, unknown>): boolean => {
  try {
    if (Object.keys(all).length) localStorage.setItem(keyOf(namespace), JSON.stringify(all))
    else localStorage.removeItem(keyOf(namespace))
    return true
  } catch {
    return false // no localStorage, or full: the page writes them itself if it comes back
  }
}

/** Whether any page of the namespace left writes owed (a cheap look: nothing is parsed). */
export function hasJournals(namespace: string): boolean {
  try {
    return localStorage.getItem(keyOf(namespace)) != null
  } catch {
    return false
  }
}

/** Notes (or replaces) the writes `page` owes; false when localStorage refused them. */
export function saveJournal(namespace: string, page: string, writes: Map<IDBValidKey, unknown>): boolean {
  const all = read(namespace)
  if (writes.size) all[page] = { at: Date.now(), w: [...writes].map(([k, v]) => (v === undefined ? [k] : [k, v])) }
  else delete all[page]
  return write(namespace, all)
}

/** Takes `page`'s journal back; true if it was still there (no other page wrote it). */
export function dropJournal(namespace: string, page: string): boolean {
  const all = read(namespace)
  const there = !!all[page]
  delete all[page]
  return write(namespace, all) && there
}

/** Takes every journal of the namespace, oldest first, as one list of writes (nothing without localStorage). */
export function takeJournals(namespace: string): Write[] {
  let all
  try {
    // One read at every start: most find nothing.
    const text = localStorage.getItem(keyOf(namespace))
    if (!text) return []
    all = parse(text)
    localStorage.removeItem(keyOf(namespace))
  } catch {
    return []
  }
  // Only well-formed writes: anything else under our name is not ours to replay.
  return Object.values(all)
    .filter((j) => isObj(j) && isArr(j.w))
    .sort((a, b) => a.at - b.at)
    .flatMap((j) => j.w.filter((w) => isArr(w) && (w.length == 1 || w.length == 2) && isKey(w[0])))
}

const isKey = (k: unknown): boolean =>
  typeof k == 'string' || (typeof k == 'number' && isFinite(k)) || (isArr(k) && k.every(isKey))
