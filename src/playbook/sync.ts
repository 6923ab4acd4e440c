/**
 * Keeps the playbook in force current: applies the inline or cached copy at start (before any
 * network, so decisions never wait), then revalidates every `refreshSeconds`, when the tab
 * becomes visible again, and on `refresh()`. One tab fetches at a time (a Web Lock) and hands
 * the result to the others. Anything wrong with a new copy, from a timeout to a bad
 * signature, is reported and retried with backoff while the last good playbook stays.
 */
import { withLock } from '../lock'
import { nextTask } from '../next-task'
import { backoff } from '../timeout'
import type { Playbook } from '../types'
import { hidden, onShown } from '../visibility'
import { validatePlaybook } from './validate'
import { validateSliced } from './validate-sliced'
import { VISIBLE_GAP_MS, isEnvelope, isRecord as isRecordOf, older, sourceKey, unusable, validMark } from './cached'
import { type CacheRecord, fetchPlaybook, raise, type Source } from './fetch'
import { createVerifier } from './verify'

/** Where an applied playbook came from, as `on('playbook')` reports it. */
export type PlaybookOrigin = 'inline' | 'cache' | 'network' | 'tab'

/** What the sync needs from the instance. */
export interface SyncDeps {
  source: Source | Playbook | undefined
  publicKey?: string
  refreshSeconds: number
  /** Name of the cross-tab lock: one tab of the namespace fetches at a time. */
  lock: string
  /** Reads the stored copy (undefined without one, or without consent to read). */
  read(): Promise<unknown>
  /** Stores a copy when consent allows; resolves once it is written. */
  write(record: CacheRecord): Promise<void>
  /** Hands a checked copy to the namespace's other tabs. */
  post(record: CacheRecord): void
  /**
   * Puts a valid playbook in force (compiles stages and rules once); a promise when it first
   * waits for code its conditions need (the `$regex` matcher).
   */
  apply(playbook: Playbook, from: PlaybookOrigin): void | Promise<void>
  fail(message: string): void
  log(...args: unknown[]): void
}

/** The sync of one instance. */
export interface Sync {
  /**
   * Applies the inline playbook or the stored copy, then starts revalidating. `applied`: the
   * stored copy's playbook, which the instance put in force already (`cachedPlaybook`).
   */
  start(stored: unknown, applied?: Playbook): Promise<void>
  /** Fetches now, whatever the schedule; resolves when done, never rejects. */
  refresh(): Promise<void>
  /** Takes a copy another tab fetched. */
  receive(record: unknown): void
  stop(): void
}

/**
 * A page load revalidates a copy last checked longer ago than this (or `refreshSeconds`, if
 * shorter), so a published change reaches a visitor's next page within a minute; a reload
 * within it costs no request.
 */
export const LOAD_GAP_MS = 60_000
/** First retry after a failure; doubles on each further failure, up to `refreshSeconds`. */
export const RETRY_MS = 5000

const q = JSON.stringify

export { older, validMark } from './cached'

/** Creates the sync; nothing happens until `start`. */
export function createSync(d: SyncDeps): Sync {
  const { source, publicKey } = d
  const synced = typeof source == 'string' || typeof source == 'function'
  const src = sourceKey(source)
  // A timer longer than 2^31 ms fires at once; refreshing more than once a second is abuse.
  const refreshMs = Math.min(Math.max(d.refreshSeconds, 1) * 1000, 2 ** 31 - 1)
  const verify = publicKey ? createVerifier(publicKey) : undefined
  // The copy in force; its JSON is made when another copy comes to be compared, not at start.
  let inForce: { version?: string; doc: unknown; json?: string } | undefined
  // The newest version applied here, in another tab or on an earlier page (kept in the
  // stored record where consent allows): an older copy is refused even when the copy in
  // force is gone, say the stored one has expired, so a replayed old copy cannot roll back.
  let floor: string | undefined
  let record: CacheRecord | undefined // the copy in force, for conditional requests
  let refused: string | undefined // the last text refused, not to be checked and reported again
  let checked = 0 // when any tab last confirmed the copy in force
  let fails = 0 // failed checks in a row
  let failedAt = 0
  let retryAt = 0
  let stopped = false
  let running: Promise<void> | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let applying = Promise.resolve()

  // A check that ends after destroy() has nobody left to tell.
  const report = (message: string): void => void (stopped || d.fail(message))
  const see = (v: unknown): void => void (v && typeof v == 'string' && !older(v, floor) && (floor = v))

  // Checks a document whole and puts it in force; throws an Error saying why it is refused.
  // `valid`: the text carries this build's mark, so the validator passed it before and its
  // walk (every condition, every regex parsed) is skipped; signature, version floor and
  // `expires` are still checked, as they may refuse today what passed then.
  const accept = async (doc: unknown, from: PlaybookOrigin, valid?: boolean): Promise<void> => {
    // A document parsed here is this sync's alone, so no page code can change it between the
    // tasks below; an inline object is the page's own, checked and applied in one go.
    let own = typeof doc == 'string'
    if (own) doc = JSON.parse(doc as string)
    let signed
    if (isEnvelope(doc)) {
      if (verify && !(await verify(doc))) raise('signature does not verify with publicKey')
      doc = JSON.parse(doc.payload)
      signed = own = true
    } else if (verify) raise('not signed, and publicKey is set')
    let playbook = doc as Playbook
    if (!valid) {
      // Validating 100 rules takes 30–60 ms of a 4× slowed phone: in slices of about 10 ms,
      // and applying them (compiled, indexed, stored) in a task of its own.
      const result = own ? await validateSliced(doc) : validatePlaybook(doc)
      if (!result.ok) return raise(result.errors.join('; '))
      playbook = result.playbook
      if (own) await nextTask()
    }
    const { version } = playbook
    const why = unusable(playbook, signed)
    if (why) raise(why)
    if (inForce && q(doc) == (inForce.json ||= q(inForce.doc))) return // same rules: nothing to rebuild
    if (older(version, floor)) raise(`version ${q(version)} is older than ${q(floor)}`)
    if (stopped) return
    await d.apply(playbook, from)
    inForce = { version, doc }
    see(version)
  }

  // Copies are applied one at a time, in arrival order, so a slow signature check cannot
  // let an older copy overtake a newer one. Resolves with the report of a refusal, if any.
  const adopt = (rec: CacheRecord, from: PlaybookOrigin): Promise<string | undefined> => {
    const valid = from == 'cache' && rec.mark === validMark(rec.text)
    const done = applying.then(() => accept(rec.text, from, valid)).then(
      () => void (record = rec),
      (e: Error) => ((refused = rec.text), `playbook rejected: ${e instanceof SyntaxError ? 'not JSON: ' : ''}${e.message}`),
    )
    applying = done.then(() => {})
    return done
  }

  // A check time ahead of the clock means the clock was set back since: that copy's age is
  // unknown, so it counts as not checked at all, rather than as fresh for days.
  const checkedAt = (rec: CacheRecord): number => (rec.at > Date.now() ? 0 : rec.at)

  const isRecord = (r: unknown): r is CacheRecord => isRecordOf(r, src)

  // Takes a copy another tab confirmed: a new text is checked and applied; either way its
  // time tells this tab's timer that the check is done.
  const take = async (rec: CacheRecord): Promise<void> => {
    see(rec.floor)
    if (rec.text == refused) return
    if (!record || rec.text != record.text) {
      const why = await adopt(rec, 'tab')
      if (why) return report(why)
    } else record = rec
    checked = Math.max(checked, checkedAt(rec))
    fails = 0 // another tab got through: this one's backoff is over
  }

  // `min` keeps a tab that found the lock taken from asking again at once: the tab holding
  // it will post what it got.
  // `period` is how old the copy may get before the next check: refreshMs, or less at start.
  const schedule = (min = 0, period = refreshMs): void => {
    clearTimeout(timer)
    if (stopped || !synced) return
    // Never longer than refreshMs, which fits a timer.
    const wait = Math.max(Math.min((fails ? retryAt : checked + period) - Date.now(), refreshMs), min)
    // A hidden tab does not fetch; becoming visible catches up.
    timer = setTimeout(() => hidden() || check(period), wait)
  }

  // One check: unless forced (`maxAge` 0), a copy confirmed within `maxAge` ms (or, while
  // retrying, since the last failure), by this tab or by another one that stored it
  // meanwhile, is good enough.
  const attempt = async (maxAge: number): Promise<boolean> => {
    if (maxAge) {
      const stored = await d.read()
      if (isRecord(stored) && stored.at > checked) await take(stored)
      if (checked > (fails ? failedAt : Date.now() - maxAge)) return true
    }
    const started = Date.now()
    let why: string | undefined
    let rec: CacheRecord | undefined
    let adopted = false
    try {
      const got = await fetchPlaybook(source as Source, src, record)
      if (stopped) return true
      rec = { src, ...(got || record!), at: Date.now() }
      if (!record || rec.text != record.text) (why = await adopt(rec, 'network')), (adopted = !why && !stopped)
      else record = rec // unchanged: no parse, no rebuild
      d.log('playbook', got ? 'fetched' : 'not modified', `${rec.at - started} ms`, why || '')
    } catch (e) {
      why = `playbook not loaded: ${(e as Error).message}`
    }
    // A copy just put in force is shared and stored in a task of its own (with 1,000 rules,
    // applying takes 50-80 ms of a 4× slowed phone, storing 20-50 ms more); one applied is
    // handed to `post` and `write` even if the sync was stopped meanwhile, as before the yield.
    if (adopted) await nextTask()
    else if (stopped) return true // stopped while the copy was checked: neither applied nor stored
    if (!why) {
      fails = 0
      checked = rec!.at
      rec!.floor = floor
      rec!.mark = validMark(rec!.text) // adopted just now, or the same text as the copy in force
      d.post({ ...rec!, mark: undefined }) // a tab's copy is checked whole anyway: not the mark's second text
      await d.write(rec!) // before the lock is released, so the next tab reads it
      return true
    }
    const wait = backoff(fails++, RETRY_MS, refreshMs)
    retryAt = (failedAt = Date.now()) + wait
    const kept = inForce ? `version ${q(inForce.version ?? null)} stays in force` : 'no playbook in force yet'
    report(`${why} (from ${src}; ${kept}; next try in ${Math.ceil(wait / 1000)} s)`)
    return true
  }

  // Checks run one at a time. A scheduled check joins one under way; a forced one (refresh)
  // waits for it and then fetches anyway, holding the lock instead of skipping when it is taken.
  const check = (maxAge: number): Promise<void> => {
    const before = running || Promise.resolve()
    if (stopped || !synced || (running && maxAge)) return before
    const p: Promise<void> = before
      .then(() => withLock(d.lock, maxAge > 0, () => attempt(maxAge)))
      .then((ran) => {
        if (running == p) (running = undefined), schedule(ran ? 0 : 1000)
      })
    return (running = p)
  }

  const gap = Math.min(refreshMs, VISIBLE_GAP_MS)
  const onVisible = (): void => {
    if (Date.now() >= (fails ? retryAt : checked + gap)) void check(gap)
  }
  let unlisten = (): void => {}

  return {
    async start(stored, applied) {
      if (!synced) {
        if (source) await accept(source, 'inline').catch((e: Error) => report(`playbook rejected: ${e.message}`))
        return
      }
      if (stopped) return
      if (isRecord(stored)) {
        see(stored.floor)
        const why = applied ? ((inForce = { version: applied.version, doc: applied }), see(applied.version), (record = stored), '') : await adopt(stored, 'cache')
        if (why) report(`stored ${why}`)
        else checked = checkedAt(stored)
      }
      unlisten()
      unlisten = onShown(onVisible)
      // A copy in use that was checked over a minute ago is checked now, not after the rest of
      // `refreshSeconds`: an edit published meanwhile shows on this page. One checked within
      // the minute waits for `refreshSeconds` as before, so a reload costs no request.
      const loadGap = Math.min(refreshMs, LOAD_GAP_MS)
      schedule(0, Date.now() - checked >= loadGap ? loadGap : refreshMs)
    },
    refresh: () => check(0),
    receive(rec) {
      if (!stopped && synced && isRecord(rec)) void take(rec).then(() => schedule())
    },
    stop() {
      stopped = true
      clearTimeout(timer)
      unlisten()
    },
  }
}
