/**
 * `waymark sign FILE --key PRIVATE.pem`: the signed envelope an SDK with `publicKey` set
 * accepts. Only a valid playbook is signed, so a signature never vouches for a playbook
 * the SDK would reject anyway.
 */
import { readPrivateKey, signPayload } from './keys'
import { loadPlaybook } from './load'
import { cliError, EXIT, parseFlags, usageError, type CliIO } from './shared'

/**
 * Runs `sign`: validates FILE (exit 1 with its errors if invalid), then prints
 * `{"payload": "<the playbook as compact JSON>", "signature": "<base64 r‖s>"}`.
 */
export function signCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parseFlags('sign', args, { key: { type: 'string' } }, ['FILE'])
  const file = positionals[0]
  if (values.key === undefined) throw usageError('sign: missing --key PRIVATE.pem')
  const key = readPrivateKey(io, values.key as string)
  const { playbook } = loadPlaybook(io, file, (envelope) => {
    // An envelope here almost surely means a publishing script ran twice: refuse, do not guess.
    if (envelope) throw cliError(`${file}: already a signed envelope; sign the playbook JSON itself`)
  })
  // Compact, so the payload is the same bytes whatever the file's formatting.
  const payload = JSON.stringify(playbook)
  io.out(JSON.stringify({ payload, signature: signPayload(payload, key) }))
  return EXIT.ok
}
