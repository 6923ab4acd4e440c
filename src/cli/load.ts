/**
 * Reads a playbook file the way the SDK reads a playbook: plain, or as a signed envelope
 * `{ "payload": "<playbook JSON>", "signature": "<base64>" }`, then validated with the
 * SDK's own `validatePlaybook`, so the CLI can never disagree with the browser.
 */
import { validatePlaybook } from '../playbook/validate'
import { isObj } from '../is'
import type { Playbook } from '../types'
import { cliError, parseJson, readText, type CliIO } from './shared'

/** A playbook file, read and validated. */
export interface LoadedPlaybook {
  playbook: Playbook
  /** Present when the file is a signed envelope. */
  envelope?: { payload: string; signature: unknown }
}

/** The SDK's test for an envelope: an object with a string `payload` (a playbook has no such key). */
export const isEnvelope = (doc: unknown): doc is { payload: string; signature?: unknown } =>
  isObj(doc) && typeof doc.payload == 'string'

/**
 * Reads, parses and validates a playbook file. Throws a `cliError` (exit 1) whose message
 * is the parser's message, or every validation error on a line of its own with its path.
 *
 * @param checkEnvelope called with the envelope (or undefined for a plain playbook) before
 *   the payload is parsed: like the SDK, an untrusted payload is not even read
 */
export function loadPlaybook(io: CliIO, file: string, checkEnvelope?: (envelope?: LoadedPlaybook['envelope']) => void): LoadedPlaybook {
  // parseJson skips the byte order mark that editors on some systems save.
  const doc = parseJson(readText(io, file), file)
  const envelope = isEnvelope(doc) ? { payload: doc.payload, signature: doc.signature } : undefined
  if (checkEnvelope) checkEnvelope(envelope)
  // Devices JSON.parse the payload as it is, so a byte order mark there is not skipped.
  if (envelope && envelope.payload.charCodeAt(0) == 0xfeff) throw cliError(`${file}: payload: not JSON: starts with a byte order mark`)
  const playbook = envelope ? parseJson(envelope.payload, `${file}: payload`) : doc
  const result = validatePlaybook(playbook)
  if (!result.ok) throw cliError(result.errors.join('\n'))
  return { playbook: result.playbook, envelope }
}
