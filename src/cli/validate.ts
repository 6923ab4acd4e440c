/**
 * `waymark validate FILE [--public-key KEY]`: the check a product team runs before
 * publishing a playbook, with the SDK's own validator and, for a signed envelope, the
 * SDK's signature scheme.
 */
import { unusable } from '../playbook/cached'
import type { Playbook } from '../types'
import { readPublicKey, verifyPayload } from './keys'
import { lintPlaybook } from './lint'
import { loadPlaybook } from './load'
import { cliError, EXIT, parseFlags, plural, type CliIO } from './shared'

/** The one-line summary of a valid playbook, e.g. `version 2026-11-23.1 · 6 stages · 3 rules (2 enabled) · texts: en, ru`. */
export function summarise(playbook: Playbook): string {
  const rules = playbook.rules || []
  const enabled = rules.filter((r) => r.enabled !== false).length
  const texts = Object.keys(playbook.texts || {})
  return [
    playbook.version ? `version ${playbook.version}` : 'no version',
    // The SDK falls back to its built-in journey when a playbook has no stages.
    playbook.stages ? plural(playbook.stages.length, 'stage') : 'default stages',
    `${plural(rules.length, 'rule')} (${enabled} enabled)`,
    texts.length ? `texts: ${texts.join(', ')}` : 'no texts',
  ].join(' · ')
}

/**
 * Runs `validate`: exit 0 with a summary line (and on stderr, one `warning: …` line per thing
 * that is valid but would silently never fire, see `lintPlaybook`), or exit 1 with the parser's message, every
 * validation error (one per line, each naming its JSON path), `signature does not verify`,
 * or what makes devices refuse it anyway (signed without a version, past its `expires`).
 */
export function validateCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parseFlags('validate', args, { 'public-key': { type: 'string' } }, ['FILE'])
  const file = positionals[0]
  const keyArg = values['public-key'] as string | undefined
  // Read the key first: a bad key is the user's mistake whatever the file holds.
  const key = keyArg === undefined ? undefined : readPublicKey(io, keyArg)

  const { playbook, envelope } = loadPlaybook(io, file, (env) => {
    if (!key) return
    if (!env) throw cliError(`${file}: not signed, but --public-key was given (an SDK with publicKey set accepts only signed playbooks)`)
    if (!verifyPayload(env.payload, env.signature, key)) throw cliError(`${file}: signature does not verify`)
  })
  const why = unusable(playbook, envelope)
  if (why) throw cliError(`${file}: ${why}`)
  const signature = !envelope ? '' : key ? ' · signature verified' : ' · signed, signature not checked (no --public-key)'
  for (const w of lintPlaybook(playbook)) io.err(`warning: ${w.label}: ${w.message}`)
  io.out(`${file}: valid · ${summarise(playbook)}${signature}`)
  return EXIT.ok
}
