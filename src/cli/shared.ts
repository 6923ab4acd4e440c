/**
 * What every command shares: the I/O it is given, errors that carry an exit code, flag
 * parsing and file reading. Commands throw `cliError` for anything the user can fix, and
 * `run` prints its message (never a stack trace) and exits with its code.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { parseJson as parsePositioned } from './json-position'

/**
 * The outside world of one CLI run, injected so tests run commands in-process.
 * `out` and `err` receive one line (or block of lines) per call, without the final newline.
 */
export interface CliIO {
  out(s: string): void
  err(s: string): void
  /** Reads a UTF-8 text file; throws (like `fs.readFileSync`) when it cannot. */
  readFile(path: string): string
  /** Directory that relative paths are resolved against (default: as given to `readFile`). */
  cwd?: string
}

/** Exit codes: 0 ok, 1 the input is wrong (invalid playbook, bad signature, bad key), 2 usage. */
export const EXIT = { ok: 0, invalid: 1, usage: 2 } as const

/** An error the user can fix: `run` prints `message` (one problem per line) and exits with `code`. */
export type CliError = Error & { exitCode: number }

/** Creates an error that ends the run with `code` and prints `message`, no stack trace. */
export const cliError = (message: string, code: number = EXIT.invalid): CliError =>
  Object.assign(new Error(message), { exitCode: code })

/** A usage mistake (unknown flag, missing argument): exit 2. */
export const usageError = (message: string): CliError => cliError(message, EXIT.usage)

/** Whether `e` came from `cliError`. */
export const isCliError = (e: unknown): e is CliError => e instanceof Error && typeof (e as CliError).exitCode == 'number'

/** Flag spec of a command, as `node:util` parseArgs takes it. */
export type Flags = Record<string, { type: 'string' | 'boolean' }>

/**
 * Parses a command's arguments strictly: an unknown flag, a flag without its value or a
 * wrong number of positionals is a usage error naming the command.
 *
 * @param command the command name, for messages
 * @param args the arguments after the command name
 * @param flags the flags the command accepts
 * @param positionals names of the required positionals, e.g. `['FILE']`
 */
export function parseFlags(command: string, args: string[], flags: Flags, positionals: string[]) {
  let parsed
  try {
    parsed = parseArgs({ args, options: flags, allowPositionals: true, strict: true })
  } catch (e) {
    // parseArgs' own messages are long and mention internals; keep the flag it names.
    const flag = /'(-[^' ]+)/.exec((e as Error).message)
    const code = (e as { code?: string }).code
    throw usageError(
      code == 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag
        ? `${command}: unknown flag ${flag[1]}`
        : flag
          ? `${command}: ${flag[1]} needs a value`
          : `${command}: ${(e as Error).message}`,
    )
  }
  const given = parsed.positionals
  if (given.length < positionals.length) throw usageError(`${command}: missing ${positionals[given.length]}`)
  if (given.length > positionals.length) throw usageError(`${command}: unexpected argument ${JSON.stringify(given[positionals.length])}`)
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: given }
}

/** A path as the user wrote it, resolved against `io.cwd` when one is set. */
export const pathOf = (io: CliIO, path: string): string => (io.cwd ? resolve(io.cwd, path) : path)

/**
 * Reads a file the user named. A missing or unreadable file is a usage error (the argument
 * is wrong), reported with the system's reason but no stack.
 */
export function readText(io: CliIO, path: string): string {
  try {
    return io.readFile(pathOf(io, path))
  } catch (e) {
    const code = (e as { code?: string }).code
    const why = code == 'ENOENT' ? 'no such file' : code == 'EISDIR' ? 'is a directory' : code || (e as Error).message
    throw usageError(`${path}: cannot read (${why})`)
  }
}

/**
 * Parses JSON (a leading byte order mark skipped); a syntax error becomes a message with its
 * line and column, the same under every Node version: `FILE: not JSON: line 3, column 5: …`.
 */
export function parseJson(text: string, label: string, code: number = EXIT.invalid): unknown {
  const parsed = parsePositioned(text)
  if (!parsed.ok) throw cliError(`${label}: not JSON: ${parsed.message}`, code)
  return parsed.value
}

/** `1 rule`, `3 rules`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n == 1 ? '' : 's'}`
