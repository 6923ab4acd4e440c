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
  // Editors on some systems save a byte order mark, which JSON.parse rejects.
  const doc = parseJson(readText(io, file).replace(/^\uFEFF/, ''), file)
  const envelope = isEnvelope(doc) ? { payload: doc.payload, signature: doc.signature } : undefined
  if (checkEnvelope) checkEnvelope(envelope)
  const playbook = envelope ? parseJson(envelope.payload, `${file}: payload`) : doc
  const result = validatePlaybook(playbook)
  if (!result.ok) throw cliError(result.errors.join('\n'))
  return { playbook: result.playbook, envelope }
}
