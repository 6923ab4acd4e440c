/**
 * The studio's state: the file on disk, the document being edited, and the fields on screen
 * by the JSON path they edit (so a message finds its field). Views change the document
 * through `set` and ask for `changed()`; the main module validates and updates the rest.
 */
import { formatter } from './format'

/** The file as the server last read or wrote it. */
export interface Disk {
  file: string
  text: string
  hash: string
  signing: false | string
}

/** A field on screen: the control that edits a path, and where its messages go. */
export interface Field {
  control: HTMLElement
  messages: HTMLElement
}

/** Everything the views share. */
export interface Store {
  disk: Disk
  /** The edited document; null while the file text does not parse (the recovery view). */
  doc: any
  /** The text being fixed in the recovery view. */
  raw: string
  /** Writes a document in the disk file's layout. */
  format: (doc: unknown) => string
  fields: Map<string, Field>
  /** Languages added in the studio that no text uses yet. */
  extraLanguages: string[]
  /** Tells the main module the document changed: validate, diff, preview. */
  changed(): void
  /** Builds the views again (after a change of shape: a row added, a language, the UI language). */
  render(): void
}

/** A store for a file; `changed` and `render` are wired by the main module. */
export function createStore(disk: Disk): Store {
  return {
    disk,
    doc: null,
    raw: disk.text,
    format: formatter(disk.text),
    fields: new Map(),
    extraLanguages: [],
    changed: () => {},
    render: () => {},
  }
}

/** The edited text: the document in the file's layout, or the recovery view's raw text. */
export const editedText = (s: Store): string => (s.doc === null ? s.raw : s.format(s.doc))

/** Reads a value at a path of parts. */
export function get(doc: unknown, parts: Array<string | number>): any {
  let v: any = doc
  for (const p of parts) v = v !== null && typeof v == 'object' ? v[p] : undefined
  return v
}

/**
 * Sets a value at a path, creating objects on the way; `undefined` deletes the key, and an
 * object left empty by a deletion goes too (an empty `cap` means nothing, and would show in
 * the diff).
 */
export function set(doc: any, parts: Array<string | number>, value: unknown): void {
  const chain: any[] = [doc]
  for (const p of parts.slice(0, -1)) {
    const here = chain[chain.length - 1]
    if (here[p] === null || typeof here[p] != 'object') {
      if (value === undefined) return
      here[p] = {}
    }
    chain.push(here[p])
  }
  const last = parts[parts.length - 1]
  if (value !== undefined) return void (chain[chain.length - 1][last] = value)
  delete chain[chain.length - 1][last]
  for (let i = chain.length - 1; i > 0; i--) {
    if (Array.isArray(chain[i]) || Object.keys(chain[i]).length) break
    delete chain[i - 1][parts[i - 1]]
  }
}
