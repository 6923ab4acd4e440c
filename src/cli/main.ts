/**
 * The `waymark` command line: validate, simulate, sign playbooks and make signing keys.
 * `run` takes its I/O as an argument and returns the exit code, so tests call it
 * in-process; `bin.ts` is the only part that touches `process`.
 */
import { keygenCommand } from './keygen'
import { isCliError, EXIT, type CliIO } from './shared'
import { signCommand } from './sign'
import { simulateCommand } from './simulate'
import { studioCommand } from './studio'
import { validateCommand } from './validate'
import { packageVersion } from './version'

export type { CliIO } from './shared'

/** The usage text of `waymark --help`. */
export const USAGE = `Usage: waymark <command> [options]

Commands:
  validate FILE [--public-key KEY]
      Check a playbook (or a signed envelope) as the SDK does: every problem with its
      JSON path. KEY (base64 SPKI, or a file with it or a PEM public key) also checks
      the signature. Warns (exit 0) about paths and event names that would never match.
  simulate FILE --event NAME [--props JSON] [--context JSON] [--at ISO] [--id ID] [--locale TAG] [--json]
      Which rules fire for one event and why the others do not. The context is a first
      visit unless --context overrides parts of it, e.g. '{"visit":{"returning":true}}';
      --props are the event's props; --id decides rollouts for one anonymous id; --locale
      (default en) picks the texts of offers written per language.
  keygen [--out PREFIX]
      Make an ECDSA P-256 key pair: a PEM private key and a base64 SPKI public key for
      the SDK's publicKey option (with --out: PREFIX.pem, mode 0600, and PREFIX.pub).
  sign FILE --key PRIVATE.pem [--expires 30d]
      Validate FILE (it needs a "version"), then print the signed envelope {"payload",
      "signature"}. --expires (Nd, Nh or an ISO 8601 date) adds "expires" to the payload:
      devices refuse the playbook after it.
  studio FILE [--port N] [--key PRIVATE.pem]
      Edit FILE in a local web page on 127.0.0.1 (port 4747 unless --port): rules with
      on/off switches, texts per language, validation as you type, a preview, a simulator
      and the diff. Save writes only a valid playbook; with --key, also its signed
      envelope beside it (playbook.json -> playbook.signed.json).
  help, --help     this text
  --version        the version

Exit codes: 0 ok, 1 invalid playbook, signature or key, 2 usage error.`

// `studio` resolves once its server listens; the others finish at once.
type Command = (args: string[], io: CliIO) => number | Promise<number>

const COMMANDS: Record<string, Command> = {
  validate: validateCommand,
  simulate: simulateCommand,
  keygen: keygenCommand,
  sign: signCommand,
  studio: studioCommand,
}

/**
 * Runs the CLI once.
 *
 * @param argv the arguments after `node waymark`, e.g. `['validate', 'playbook.json']`
 * @param io where output goes and how files are read
 * @returns the exit code: 0 ok, 1 invalid input (playbook, signature, key), 2 usage error
 */
export async function run(argv: string[], io: CliIO): Promise<number> {
  const [command, ...args] = argv
  if (command === undefined || command == 'help' || command == '--help' || command == '-h' || args.includes('--help')) {
    io.out(USAGE)
    return EXIT.ok
  }
  if (command == '--version' || command == '-v') {
    io.out(packageVersion())
    return EXIT.ok
  }
  const handler = Object.prototype.hasOwnProperty.call(COMMANDS, command) ? COMMANDS[command] : undefined
  if (!handler) {
    io.err(`waymark: unknown command ${JSON.stringify(command)}; run \`waymark --help\` for the commands`)
    return EXIT.usage
  }
  try {
    return await handler(args, io)
  } catch (e) {
    if (isCliError(e)) {
      io.err(e.message)
      // A usage mistake gets a pointer to the help; an invalid playbook does not need one.
      if (e.exitCode == EXIT.usage) io.err('run `waymark --help` for usage')
      return e.exitCode
    }
    // A bug in the CLI, not the user's mistake: say so, still without a stack trace.
    io.err(`waymark: internal error: ${e instanceof Error ? e.message : String(e)}`)
    return EXIT.invalid
  }
}
