/**
 * What the studio reads and writes on disk: the playbook file as it is (so a malformed file
 * can still be opened and fixed), and a save that writes only a playbook the SDK would apply,
 * atomically, never over a file that changed since the studio read it.
 */
import { createHash, randomBytes, type KeyObject } from 'node:crypto'
import { chmodSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { validatePlaybook } from '../playbook/validate'
import { unusable } from '../playbook/cached'
import { parseJson } from './json-position'
import { signPayload } from './keys'

/** The file the studio edits, and the key it signs with. */
export interface StudioFile {
  /** Absolute path of the playbook. */
  path: string
  /** The private key for `--key`: each save also writes {@link signedPath}. */
  key?: KeyObject
}

/** What `GET /api/file` answers. */
export interface FileState {
  /** The file's name, as shown to the user. */
  file: string
  /** The text on disk, byte order mark and all. */
  text: string
  /** sha256 (hex) of the bytes on disk: the `base` of the next save. */
  hash: string
  /** Whether saves also write a signed envelope, and its file name. */
  signing: false | string
}

/** The outcome of a save, with the HTTP status the API answers it with. */
export type SaveResult =
  | { status: 200; body: { ok: true; hash: string; signed?: string } }
  | { status: 409; body: { ok: false; conflict: true; hash: string; errors: string[] } }
  | { status: 422; body: { ok: false; errors: string[] } }

/** sha256 (hex) of some bytes. */
export const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex')

/**
 * Where the signed envelope of `path` is written: next to it, `.json` replaced by
 * `.signed.json` (`playbook.json` → `playbook.signed.json`), so a site serves either.
 */
export const signedPath = (path: string): string => join(dirname(path), basename(path).replace(/(\.json)?$/i, '.signed.json'))

/** Reads the file as it is on disk. */
export function readState(file: StudioFile): FileState {
  const bytes = readFileSync(file.path)
  return {
    file: basename(file.path),
    text: bytes.toString('utf8'),
    hash: sha256(bytes),
    signing: file.key ? basename(signedPath(file.path)) : false,
  }
}

/**
 * Writes `text` to `path` atomically: a temporary file in the same directory (so the rename
 * stays on one file system), with the mode of the file it replaces, renamed over it. A reader
 * (the site's server, an editor) sees the old file or the new one, never half of it.
 */
export function writeAtomic(path: string, text: string, fallbackMode = 0o644): void {
  let mode = fallbackMode
  try {
    mode = statSync(path).mode & 0o7777
  } catch {
    // A new file (the signed envelope's first save) gets the fallback mode.
  }
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    writeFileSync(temp, text, { mode, flag: 'wx' })
    chmodSync(temp, mode) // the umask may have narrowed it
    renameSync(temp, path)
  } catch (e) {
    rmSync(temp, { force: true })
    throw e
  }
}

/**
 * Saves `text` over the file when it is a valid playbook and the file on disk is still the
 * one whose hash is `base`. With a key, the signed envelope is written first (a signed
 * playbook needs a `version` and must not be expired, as `waymark sign` requires), so a
 * failure there leaves both files as they were.
 */
export function save(file: StudioFile, text: unknown, base: unknown): SaveResult {
  if (typeof text != 'string') return { status: 422, body: { ok: false, errors: ['text: must be a string'] } }
  const parsed = parseJson(text)
  if (!parsed.ok) return { status: 422, body: { ok: false, errors: [`not JSON: ${parsed.message}`] } }
  const result = validatePlaybook(parsed.value)
  if (!result.ok) return { status: 422, body: { ok: false, errors: result.errors } }
  const why = unusable(result.playbook, !!file.key)
  if (why)
    return {
      status: 422,
      body: { ok: false, errors: [result.playbook.version ? `expires: ${why}` : 'version: a signed playbook must carry a version, e.g. "2026-11-25.1"'] },
    }
  const current = sha256(readFileSync(file.path))
  if (current !== base)
    return { status: 409, body: { ok: false, conflict: true, hash: current, errors: ['the file changed on disk since it was loaded; reload it'] } }
  let signed: string | undefined
  if (file.key) {
    // Compact, as `waymark sign` makes it: the same bytes whatever the file's formatting.
    const payload = JSON.stringify(result.playbook)
    signed = signedPath(file.path)
    writeAtomic(signed, JSON.stringify({ payload, signature: signPayload(payload, file.key) }) + '\n')
  }
  writeAtomic(file.path, text)
  return { status: 200, body: signed ? { ok: true, hash: sha256(text), signed: basename(signed) } : { ok: true, hash: sha256(text) } }
}
