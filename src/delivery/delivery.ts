/**
 * Hands every journey event to the collector: queued in IndexedDB the moment it is recorded
 * (with consent), sent in batches every few seconds or every 20 events, retried with
 * backoff until the collector takes it, and sent with keepalive requests when the page
 * hides. One tab delivers at a time, for all of the namespace's tabs. Events keep their id
 * through every attempt, so a collector that dedupes by id receives each one exactly once.
 */
import { withLock } from '../lock'
import { handOverKeys, takeHandedKeys } from './handover'
import { createLease } from './lease'
import { batchOf, type Entry, type QueueKey, readQueue, takeQueue, toEntry, trimmed, without } from './queue'
import { createNews } from './news'
import { createPace, mono } from './pace'
import { chunks, KEEPALIVE_BYTES, type Outcome, send, SEND_TIMEOUT_MS } from './send'
import type { Delivery, DeliveryDeps } from './types'

export type { Delivery, DeliveryDeps }

/** Events are sent this long after the first one waiting, unless 20 are waiting sooner. */
export const BATCH_MS = 5000
/** …or as soon as this many are waiting. */
export const BATCH_SIZE = 20

type Result = 'empty' | 'sent' | 'failed' | undefined // undefined: another tab holds the lock

/** Creates the delivery; nothing is sent before `start`. */
export function createDelivery(d: DeliveryDeps): Delivery {
  const { collect, storage } = d
  // This tab's events not known to be delivered: the whole queue when it lives in memory
  // (pending consent, no IndexedDB), and what the page-hide requests carry either way.
  let mine: Entry[] = []
  let mineBytes = 0
  const keepMine = (list: Entry[]): void => {
    mine = list
    mineBytes = list.reduce((n, e) => n + e.bytes, 0)
  }
  let droppedNow = 0 // dropped by push() in the current burst, reported once
  // Sent from memory, before the store's queue: the previous visitor's events after reset()
  // (taken out of the store), and events that may not be stored at all.
  let leaving: Entry[] = []
  // Stores an entry, or keeps it to be sent from memory if it may not be stored.
  const keep = (e: Entry): void => void (e.memory ? leaving.includes(e) || leaving.push(e) : storage.set(e.key, e.text))
  // Ids delivered while reset() is taking the store's events: a batch in flight then.
  let goneDuringReset: Set<string> | null = null
  const sending = new Set<string>()
  let timer: ReturnType<typeof setTimeout> | undefined
  let due = Infinity // these times are monotonic (see `mono`), not wall-clock
  let started = false
  let stopped = false
  let draining: Promise<Result> = Promise.resolve('empty')
  const granted = (): boolean => d.consent() == 'granted'
  const persisted = (): boolean => granted() && storage.usable
  const lease = createLease(storage, 'deliver-lease')
  const news = createNews(mono)
  const pace = createPace()
  const online = (): boolean => typeof navigator != 'object' || navigator.onLine !== false

  // Sets the timer for the next attempt, unless one is already set for sooner; `force`
  // replaces it (a failure just pushed the next attempt back).
  const schedule = (delay: number, force?: boolean): void => {
    const now = mono()
    const at = Math.max(now + delay, pace.earliest())
    if (!started || stopped || !granted() || (at >= due && !force)) return // started: there is a collector
    clearTimeout(timer)
    due = at
    timer = setTimeout(() => {
      due = Infinity
      // Offline: the 'online' event sends. A lock held by another tab: it sends ours too.
      if (online()) void drain(false)
    }, Math.ceil(at - now))
  }

  // Forgets entries everywhere: this tab's list, the store, the other tabs' lists. A key
  // names its event's id.
  const remove = async (keys: QueueKey[]): Promise<void> => {
    if (!keys.length) return
    const ids = keys.map((k) => k[4])
    const gone = new Set(ids)
    if (goneDuringReset) ids.forEach((id) => goneDuringReset!.add(id))
    keepMine(without(mine, gone))
    leaving = without(leaving, gone)
    // Told first: a page that is closing may not live to see its deletes land, and the other
    // tabs then leave those events out of what they read from the queue.
    d.post({ gone: ids })
    if (persisted()) {
      keys.forEach((k) => storage.set(k, undefined))
      await storage.flush()
    }
  }

  const handOver = (keys: QueueKey[]): void => handOverKeys(d.namespace, keys)
  const handedKeys = (): QueueKey[] => takeHandedKeys(d.namespace)

  const dropped = (n: number): void => {
    if (n) d.fail(`delivery queue full: dropped the ${n} oldest event${n > 1 ? 's' : ''}`)
  }

  // Forgets entries (see `remove`).
  const removeAll = (list: Entry[]): Promise<void> => remove(list.map((e) => e.key))

  // Sends entries, marked as in flight meanwhile so that no other send takes them.
  const sendOff = async (list: Entry[], keepalive?: boolean | 'hide'): Promise<Outcome> => {
    list.forEach((e) => sending.add(e.id))
    if (persisted()) d.post({ sending: list.map((e) => e.id) })
    const out = await send(collect!, list, keepalive)
    list.forEach((e) => sending.delete(e.id))
    return out
  }

  // Keepalive requests (page-hide chunks and small batches) not answered yet.
  const handed = new Set<Entry[]>()

  // Sends entries with keepalive and settles them: `counted` when pagehide counted them as
  // delivered meanwhile; if the answer then says they failed (the page lived on, in the
  // back-forward cache), they go back in the queue.
  const carry = async (chunk: Entry[], hide?: 'hide'): Promise<readonly [Outcome, boolean]> => {
    handed.add(chunk)
    const out = await sendOff(chunk, hide || true)
    const counted = !handed.delete(chunk)
    if (counted && !out.ok) {
      const ids = new Set(chunk.map((x) => x.id))
      handOver(handedKeys().filter((k) => !ids.has(k[4])))
      keepMine([...mine, ...chunk])
      if (persisted()) chunk.forEach(keep)
      schedule(0)
    }
    return [out, counted] as const
  }

  // One batch: read (and trim) the queue, send, settle. Holds the lock throughout.
  const once = async (): Promise<Result> => {
    let batch: Entry[]
    if (leaving.length) batch = batchOf(leaving)
    else if (persisted()) {
      const handedOver = handedKeys()
      if (handedOver.length) await remove(handedOver)
      const q = await readQueue(storage)
      if (!q) return 'sent' // storage just failed: go round again, from memory
      await remove(q.dropped)
      dropped(q.dropped.length)
      // Events other tabs said are gone, though the store still holds them, go.
      const stale = q.batch.filter((e) => news.gone.has(e.id))
      if (stale.length) await removeAll(stale)
      batch = without(q.batch, news.gone)
    } else batch = batchOf(mine)
    // What another tab said it is sending is left to it, until its request would time out: a tab
    // closed mid-send leaves its keepalive request to the browser, and the news that those events
    // are gone can reach this tab after the lock does (Firefox). Looked at again 11 s later.
    const ours = without(batch, sending)
    batch = ours.filter((e) => !news.sendingElsewhere(e.id)).slice(0, pace.maxBatch())
    const n = batch.length
    if (!n && ours.length) schedule(SEND_TIMEOUT_MS + 1000)
    if (!n || stopped) return 'empty'
    // A batch that fits goes with keepalive: if this tab closes mid-send, the browser still
    // carries it, and pagehide counts it as delivered instead of leaving it for another tab to
    // send again.
    const [out, counted] = batch.reduce((size, e) => size + e.bytes + 1, 40) <= KEEPALIVE_BYTES
      ? await carry(batch)
      : [await sendOff(batch), false]
    if (counted) return 'sent' // pagehide settled it already
    if (out.ok) {
      pace.delivered()
      d.log('delivered', n, 'events')
      await removeAll(batch)
      return 'sent'
    }
    if (out.status == 413 && n > 1) {
      pace.tooLarge(n) // the collector takes smaller batches: send halves
      return 'sent'
    }
    if (!out.retry) {
      d.fail(`collect refused ${n} event${n > 1 ? 's' : ''} (${out.why}); they are dropped`)
      await removeAll(batch)
      return 'sent'
    }
    const [next, first] = pace.failed(out.after)
    // Reported once per outage; every attempt is in the debug log.
    if (first) d.fail(`collect failed (${out.why}); events stay queued, next try in ${Math.ceil(next / 1000)} s`)
    d.log('delivery failed', out.why, `retry in ${next} ms`)
    schedule(0, true)
    return 'failed'
  }

  // Batches until the queue is empty, an attempt fails, or another tab holds the lock. This
  // tab's drains run one after another, so two can never read and send the same batch.
  const drain = (wait: boolean): Promise<Result> => (draining = draining.then(() => drainNow(wait)))
  const drainNow = async (wait: boolean): Promise<Result> => {
    for (;;) {
      if (stopped || !granted()) return 'empty' // drains follow start(): there is a collector
      // A timer's drain keeps to the backoff (flush() and 'online' go early, none before a
      // Retry-After) and sets the timer again: it may be the retry's own, fired while a coarse
      // clock (Firefox's performance.now()) still reads a little early, or it would never come.
      if (mono() < pace.earliest(wait)) return schedule(0), 'failed'
      const r = !persisted()
        ? await once() // a memory queue is this tab's own: no other tab can send it
        : typeof navigator == 'object' && navigator.locks
          ? await withLock(`${d.namespace}:deliver`, !wait, once)
          : await lease(once)
      if (r === undefined) schedule(BATCH_MS) // the tab holding the lock sends ours too
      if (r != 'sent') return r
    }
  }

  // The page may be going away: keepalive requests, which outlive it, carry what waits. While
  // only hidden it may come back: the events stay queued until an answer says they arrived. On
  // pagehide it is leaving, so they count as delivered (else the next page sends them again);
  // an answer that still comes and says they failed (a page kept in the back-forward cache)
  // queues them again. While the collector fails, stored events wait for a retry (this page's
  // or the next's): counted as delivered here, an outage would lose them. A memory queue has
  // only this chance, but not before a Retry-After. (Listened to after start().)
  const onHide = (e: Event): void => {
    const shown = e.type != 'pagehide' && document.visibilityState != 'hidden'
    if (shown || !granted() || !online() || mono() < pace.earliest(!persisted())) return
    // What another tab is sending now is left to it: else a tab closing while another delivers
    // its events would send them twice.
    for (const chunk of chunks(mine.filter((e) => !sending.has(e.id) && !news.sendingElsewhere(e.id))))
      void carry(chunk, 'hide').then(([out, counted]) => void (out.ok && !counted && removeAll(chunk)))
    if (e.type == 'pagehide' && handed.size) {
      const keys = [...handed].flat().map((x) => x.key)
      handed.clear()
      // The other tabs are told first: in a Firefox tab being closed, the page's script can
      // stop at its first localStorage access (seen in about half the closes).
      void remove(keys)
      if (persisted()) handOver(keys)
    }
  }

  const onOnline = (): void => (pace.online(), schedule(0))

  // Capture for page hide, so it runs before the storage's own page-hide flush: the deletes
  // of what pagehide hands to the browser then go in that same last transaction (or, for
  // events not yet written, cancel their writes), instead of a second one the page may not
  // live to finish.
  const listen = (method: 'addEventListener' | 'removeEventListener'): void => {
    if (typeof window != 'object') return
    window[method]('pagehide', onHide, true)
    window[method]('visibilitychange', onHide, true)
    window[method]('online', onOnline)
  }

  return {
    push(event, memory) {
      if (!collect || d.consent() == 'denied') return
      const entry = toEntry(event)
      if (memory) entry.memory = true
      mine.push(entry)
      mineBytes += entry.bytes
      const stored = persisted()
      if (stored) keep(entry)
      const [drop, lost] = trimmed(mine, mineBytes, stored, (key) => storage.cancel(key))
      if (drop) keepMine(mine.slice(drop))
      if (lost) {
        // A burst of drops is reported once.
        if (!droppedNow) queueMicrotask(() => (dropped(droppedNow), (droppedNow = 0)))
        droppedNow += lost
      }
      schedule(mine.length - sending.size >= BATCH_SIZE ? 0 : BATCH_MS)
    },
    async flush() {
      if (started) await drain(true)
    },
    consent(state) {
      if (state == 'denied') keepMine([]), (leaving = []), handedKeys(), clearTimeout(timer), (due = Infinity)
      if (state == 'granted' && storage.usable) mine.forEach(keep)
      schedule(0)
    },
    reset() {
      // On a shared computer the next person must not find the last one's events on disk:
      // they are taken out of the store now, keep the user they were recorded with, and go
      // out from memory. If this page ends first, they are lost: privacy wins here.
      const own = mine
      keepMine([])
      const gone = (goneDuringReset = new Set())
      void takeQueue(storage).then((taken) => {
        const ids = new Set(taken.map((e) => e.id))
        goneDuringReset = null
        // A batch delivered meanwhile was in the store when it was taken: not again.
        leaving = without([...new Set([...leaving, ...taken, ...without(own, ids)])], gone)
        schedule(0)
      })
    },
    heard(message) {
      const gone = news.hear(message)
      if (gone) keepMine(without(mine, new Set(gone)))
    },
    start() {
      if (!collect || started) return
      started = true
      listen('addEventListener')
      schedule(mine.length ? BATCH_MS : 1000) // what earlier visits left waits in the store
    },
    stop() {
      stopped = true
      clearTimeout(timer)
      listen('removeEventListener')
    },
  }
}
