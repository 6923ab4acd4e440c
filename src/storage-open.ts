/** Opening a namespace's IndexedDB database, without creating it when that is not allowed. */

/**
 * Runs `body` in a transaction on the namespace's store; when there is no database to read,
 * answers `none()` (or `undefined`).
 */
export type MaybeStore = <T>(mode: IDBTransactionMode, body: (os: IDBObjectStore) => T | PromiseLike<T>, none?: () => T) => Promise<T | undefined>

const STORE = 'state'

// Opens the database; without `create`, one that does not exist yet is not created: the
// upgrade that would create it is aborted (the spec then removes the new database), and the
// answer is null.
const open = (name: string, create: boolean): Promise<IDBDatabase | null> =>
  new Promise((resolve, reject) => {
    const req = indexedDB.open(name)
    req.onupgradeneeded = () => void (create ? req.result.createObjectStore(STORE) : req.transaction!.abort())
    req.onsuccess = () => resolve(req.result)
    req.onerror = (e) => {
      if (create || (req.error && req.error.name) != 'AbortError') return reject(req.error)
      e.preventDefault()
      resolve(null)
    }
  })

/**
 * The store of database `name` (one object store, `state`), opened on first use. While
 * `mayCreate()` is false (consent not granted) a missing database stays missing: reads find
 * nothing, and the next use asks again. (idb-keyval's `createStore` would leave an empty
 * database behind on any page that merely looked.)
 */
export function openStore(name: string, mayCreate: () => boolean): MaybeStore {
  let db: Promise<IDBDatabase | null> | undefined
  return (mode, body, none) =>
    // Given `none`, a first use asks whether the database exists before opening it: on a first
    // visit that answers sooner than an open, which creates the database first (62 against 118
    // ms from the script's start at 4× CPU in Chromium 156, `ASK=1 node test/bench/startup-idb.mjs`;
    // about the same at 1×). A browser that cannot tell, or will not, opens it. Not shared with
    // other callers: a write made meanwhile opens it as ever.
    (none && !db && indexedDB.databases
      ? indexedDB.databases().then((all) => all.some((d) => d.name == name), () => true)
      : Promise.resolve(true)
    )
      .then((there) => (there ? (db ||= open(name, mayCreate())).then((d) => d || (db = undefined)) : undefined))
      .then((d) => (d ? body(d.transaction(STORE, mode).objectStore(STORE)) : none?.()))
}
