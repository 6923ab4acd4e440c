/**
 * `waymark sign FILE --key PRIVATE.pem [--expires 30d]`: the signed envelope an SDK with
 * `publicKey` set accepts. Only a playbook the SDK would apply is signed (valid, with a
 * `version`, not expired), so a signature never vouches for one devices would refuse anyway.
 */
import { DATE_FORMAT, parseDate } from '../playbook/dates'
import { unusable } from '../playbook/cached'
import { readPrivateKey, signPayload } from './keys'
import { loadPlaybook } from './load'
import { cliError, EXIT, parseFlags, usageError, type CliIO } from './shared'

/**
 * Reads `--expires`: `30d` or `12h` from now, or an ISO 8601 date (a date alone: the end of
 * that day, UTC). Returns the instant as an ISO date-time in UTC, to the second; throws a
 * usage error for anything else, or for a moment that is not in the future.
 *
 * @param now the current time, in ms since the epoch
 */
export function parseExpires(value: string, now: number): string {
  const m = /^(\d+)([dh])$/.exec(value)
  const t = m ? now + +m[1] * (m[2] == 'd' ? 864e5 : 36e5) : parseDate(value, true)
  // Past Date's range (275,760 years) toISOString would throw; call that nonsense too.
  if (!(t > now) || t > 864e13)
    throw usageError(`sign: --expires must be a time ahead, such as 30d, 12h or an ISO 8601 date (${DATE_FORMAT}); got ${JSON.stringify(value)}`)
  return new Date(t).toISOString().replace(/\.\d+/, '')
}

/**
 * Runs `sign`: validates FILE (exit 1 with its errors if invalid, without a `version`, or
 * expired), then prints `{"payload": "<the playbook as compact JSON>", "signature": "<base64 r‖s>"}`.
 * With `--expires`, the payload carries `expires` (replacing the file's own).
 */
export function signCommand(args: string[], io: CliIO): number {
  const { values, positionals } = parseFlags('sign', args, { key: { type: 'string' }, expires: { type: 'string' } }, ['FILE'])
  const file = positionals[0]
  if (values.key === undefined) throw usageError('sign: missing --key PRIVATE.pem')
  const now = Date.now()
  const expires = values.expires === undefined ? undefined : parseExpires(values.expires as string, now)
  const key = readPrivateKey(io, values.key as string)
  const loaded = loadPlaybook(io, file, (envelope) => {
    // An envelope here almost surely means a publishing script ran twice: refuse, do not guess.
    if (envelope) throw cliError(`${file}: already a signed envelope; sign the playbook JSON itself`)
  })
  const playbook = expires ? { ...loaded.playbook, expires } : loaded.playbook
  const why = unusable(playbook, true, now)
  if (why)
    throw cliError(
      playbook.version
        ? `${file}: ${why}; pass --expires to set a new expiry`
        : `${file}: no version; a signed playbook must carry one (devices refuse it otherwise, and refuse any version older than the newest they have seen), e.g. "version": "2026-11-25.1"`,
    )
  // Compact, so the payload is the same bytes whatever the file's formatting.
  const payload = JSON.stringify(playbook)
  io.out(JSON.stringify({ payload, signature: signPayload(payload, key) }))
  return EXIT.ok
}
