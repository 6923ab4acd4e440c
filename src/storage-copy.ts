/**
 * A copy, in localStorage, of the few IndexedDB keys a start reads (the visitor's state and the
 * stored playbook), so that a returning visit's first decision needs no IndexedDB round trip.
 * On a 4× slowed phone that round trip is 40-50 ms, most of it waiting behind the page's first
 * layout and paint; localStorage answers at once. IndexedDB stays the store: every write goes
 * there as before, and the copy takes the same writes in the same order, at the same flush.
 *
 * `<namespace>:copy:` is `1` while the copy answers for every kept key (a key it lacks is one
 * the database lacks too); `<namespace>:copy:<key>` holds each value's JSON. Without the
 * marker (never filled, a value too big, localStorage full or missing) loads go to IndexedDB,
 * and the next load of every kept key fills the copy again. A dropped copy leaves the marker
 * at `0`: the namespace is known here (its database most likely exists), which the start uses
 * to tell a first visit (no marker at all) from a copy that merely does not answer.
 */

/** The longest value copied, in characters: a longer one stays in IndexedDB only, so the copy never takes much of the site's localStorage. */
export const COPY_MAX_CHARS = 100_000

/** The localStorage copy of a namespace's start keys. */
export interface StorageCopy {
  /**
   * The values of `keys`, when the copy answers for them all; `null` when it knows nothing of
   * the namespace (no marker: most likely a first visit); otherwise `undefined`.
   */
  read(keys: string[]): unknown[] | null | undefined
  /** Fills the copy from a read of the database (`values[i]` is `keys[i]`'s); complete when every kept key was read. */
  fill(keys: IDBValidKey[], values: unknown[]): void
  /** Takes writes made to the database (a value `undefined` deletes), while the copy is complete. */
  put(entries: Array<[IDBValidKey, unknown]>): void
  /** Removes the copy (its marker stays, as `0`, while writing is allowed). */
  drop(): void
}

/**
 * Creates the copy of `kept` keys for `namespace`. Nothing is written while `allowed()` is
 * false (consent not granted), as no database is created then.
 */
export function createStorageCopy(namespace: string, kept: string[], allowed: () => boolean): StorageCopy {
  const name = (k: string): string => `${namespace}:copy:${k}`
  const keeps = (k: IDBValidKey): k is string => kept.includes(k as string)
  const marker = (): string | null => localStorage.getItem(name(''))
  const complete = (): boolean => marker() == '1'

  // The marker goes first: a drop cut short (a tab closing mid-way, whose last writes never
  // reach the browser; localStorage full) leaves a copy that does not answer, never one that
  // answers without a key. With no marker, a start asks the database whether it exists.
  const drop = (): void => {
    try {
      for (const k of ['', ...kept]) localStorage.removeItem(name(k))
      if (allowed() && kept.length) localStorage.setItem(name(''), '0')
    } catch {
      // no localStorage: no copy either
    }
  }

  // Any failure (too big, quota, a value JSON cannot take) drops the whole copy, so it never
  // answers with less than the database holds.
  const write = (entries: Array<[IDBValidKey, unknown]>, filled: boolean): void => {
    if (!allowed() || !kept.length) return
    try {
      if (!filled && !complete()) return
      for (const [k, v] of entries) {
        const text = keeps(k) && v !== undefined && JSON.stringify(v)
        if (text && text.length > COPY_MAX_CHARS) throw 0
        if (text) localStorage.setItem(name(k), text)
        else if (keeps(k)) localStorage.removeItem(name(k))
      }
      if (filled) localStorage.setItem(name(''), '1')
    } catch {
      drop()
    }
  }

  return {
    read(keys) {
      try {
        const m = marker()
        if (m == null) return null
        if (keys.every(keeps) && m == '1') return keys.map((k) => JSON.parse(localStorage.getItem(name(k)) ?? 'null') ?? undefined)
      } catch {
        // unreadable: the database answers
      }
    },
    fill: (keys, values) => write(keys.map((k, i) => [k, values[i]]), kept.every((k) => keys.includes(k))),
    put: (entries) => write(entries, false),
    drop,
  }
}
