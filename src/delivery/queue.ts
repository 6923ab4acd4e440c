/**
 * The outbound queue's entries and limits. An event is serialised once, when it is queued:
 * the same JSON text is stored, measured against the limits and sent, byte for byte, on
 * every attempt, so its id and content never change between retries.
 */
import { promisifyRequest } from 'idb-keyval'
import type { Storage } from '../storage'
import type { WaymarkEvent } from '../types'
import { utf8Bytes } from '../event-size'

export { MAX_PROPS_BYTES, utf8Bytes } from '../event-size'

/** Most events kept waiting; beyond it the oldest are dropped (and reported). */
export const MAX_EVENTS = 1000
/** Most bytes kept waiting, for the same reason. */
export const MAX_QUEUE_BYTES = 1 << 20
/** A batch holds at most this many events… */
export const BATCH_EVENTS = 500
/** …and this many bytes. */
export const BATCH_BYTES = 500 << 10

/**
 * Storage key of a queued event: the queue's events sort oldest first, apart from the
 * store's other keys, and the key alone tells the size, so the queue can be measured and
 * trimmed without reading the events.
 */
export type QueueKey = [queue: 'q', at: number, seq: number, bytes: number, id: string]

/** A queued event. */
export interface Entry {
  key: QueueKey
  id: string
  bytes: number
  text: string
  /** Never to be written to the device (see `Delivery.push`). */
  memory?: boolean
}

let seq = 0

/** Serialises an event for the queue. */
export function toEntry(e: WaymarkEvent): Entry {
  const text = JSON.stringify(e)
  const bytes = utf8Bytes(text)
  return { key: ['q', e.at, seq++, bytes, e.id], id: e.id, bytes, text }
}

/** Every queue key in the store (the array keys starting with 'q'). */
const range = (): IDBKeyRange => IDBKeyRange.bound(['q'], ['q', []])

/**
 * How many of the oldest entries must go so that the rest fit the limits. `sizes` are the
 * entries' bytes, oldest first.
 */
export function overflow(sizes: number[]): number {
  let total = sizes.reduce((a, b) => a + b, 0)
  let drop = Math.max(0, sizes.length - MAX_EVENTS)
  for (let i = 0; i < drop; i++) total -= sizes[i]
  while (total > MAX_QUEUE_BYTES) total -= sizes[drop++]
  return drop
}

/**
 * How many of this tab's oldest entries (`mine`, `bytes` in all) to let go after a push, and
 * how many of those are lost: dropped events, to report. Stored, the list only feeds page-hide
 * requests (the stored queue is trimmed when it is read), so it is cut a hundred at a time,
 * and only an entry whose write was not made yet (`cancel`) is lost: a burst beyond the
 * queue's bound costs no disk work. In memory the list is the queue, bounded like the stored one.
 */
export function trimmed(mine: Entry[], bytes: number, stored: boolean, cancel: (key: QueueKey) => boolean): [drop: number, lost: number] {
  if (stored) {
    const drop = mine.length > MAX_EVENTS + 100 ? mine.length - MAX_EVENTS : 0
    return [drop, mine.slice(0, drop).filter((e) => cancel(e.key)).length]
  }
  const drop = mine.length > MAX_EVENTS || bytes > MAX_QUEUE_BYTES ? overflow(mine.map((e) => e.bytes)) : 0
  return [drop, drop]
}

/** The entries whose ids are not in `ids`. */
export const without = (list: Entry[], ids: Set<string>): Entry[] => list.filter((e) => !ids.has(e.id))

/** The first entries that fit in one batch (at least one). */
export function batchOf<T extends { bytes: number }>(entries: T[]): T[] {
  let bytes = 0
  let n = 0
  while (n < entries.length && n < BATCH_EVENTS && (n == 0 || bytes + entries[n].bytes <= BATCH_BYTES)) bytes += entries[n++].bytes
  return entries.slice(0, n)
}

// A stored value as an entry, or undefined for a foreign or corrupt one (never to be sent).
const entry = (key: QueueKey, text: unknown): Entry | undefined =>
  typeof text == 'string' && typeof key[4] == 'string' ? { key, id: key[4], bytes: key[3], text } : undefined

// Every queue key and the values of the oldest `count` in one transaction; `readwrite` takes
// them out of the store too (requests run in order: the delete follows the reads). Undefined
// when the store failed.
const readAll = (storage: Storage, mode: IDBTransactionMode, count?: number): Promise<[QueueKey[], unknown[]] | undefined> =>
  storage.tx(mode, (os) => {
    const read = Promise.all([promisifyRequest(os.getAllKeys(range())) as Promise<QueueKey[]>, promisifyRequest(os.getAll(range(), count))])
    if (mode == 'readwrite') os.delete(range())
    return read
  })

/**
 * Reads the stored queue in one transaction: every key (to apply the limits) and the values
 * of the oldest batch's worth. Returns the entries to send next, oldest first, and the keys
 * of the oldest entries beyond the limits, which the caller deletes and reports.
 */
export async function readQueue(storage: Storage): Promise<{ batch: Entry[]; dropped: QueueKey[] } | undefined> {
  const read = await readAll(storage, 'readonly', MAX_EVENTS + BATCH_EVENTS)
  if (!read) return
  const [keys, values] = read
  const drop = overflow(keys.map((k) => +k[3] || 0))
  const entries: Entry[] = []
  for (let i = drop; i < values.length; i++) {
    const e = entry(keys[i], values[i])
    if (e) entries.push(e)
    else storage.set(keys[i], undefined) // deleted, never sent
  }
  return { batch: batchOf(entries), dropped: keys.slice(0, drop) }
}

/**
 * Takes every stored event out of the store, in one transaction: for `reset()`, after which
 * the previous visitor's events may not stay on the device.
 */
export async function takeQueue(storage: Storage): Promise<Entry[]> {
  const [keys, values] = (await readAll(storage, 'readwrite')) || [[], []]
  return keys.flatMap((key, i) => entry(key, values[i]) || [])
}
