/**
 * `waymark studio FILE [--port N] [--key PRIVATE.pem]`: a local web page that edits FILE in
 * place (see studio-http.ts for what it serves and studio-save.ts for how it writes). It
 * listens on 127.0.0.1 only and prints its URL; `run` resolves once it listens, and the
 * process stays up until it is stopped (Ctrl+C).
 */
import { existsSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { isObj } from '../is'
import { parseJson } from './json-position'
import { readPrivateKey } from './keys'
import { cliError, EXIT, parseFlags, pathOf, readText, usageError, type CliIO } from './shared'
import { studioHandler, type StudioContext } from './studio-http'

/** The port when none is given: fixed, so the page's settings (kept per origin) survive a restart. */
export const DEFAULT_PORT = 4747

/** A running studio. */
export interface StudioHandle {
  /** `http://127.0.0.1:PORT/` */
  url: string
  port: number
  /** Stops listening and closes open connections. */
  close(): Promise<void>
}

/** The CLI's I/O, plus a hook that receives the running studio (tests close it with it). */
export type StudioIO = CliIO & { studio?: (handle: StudioHandle) => void }

/** Options of {@link startStudio}. */
export interface StudioOptions {
  /** Absolute path of the playbook file. */
  path: string
  port: number
  key?: StudioContext['file']['key']
  /** Directory of the UI's files; default: dist/studio next to the CLI. */
  assets?: string
  extra?: StudioContext['extra']
}

/**
 * Where the UI's files are: `studio/` next to the bundled dist/cli.js, or dist/studio when the
 * CLI runs from its sources (tests).
 */
export function assetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url))
  const beside = join(here, 'studio')
  return existsSync(join(beside, 'index.html')) ? beside : join(here, '..', '..', 'dist', 'studio')
}

/** Starts a studio on 127.0.0.1; resolves once it listens. */
export function startStudio(options: StudioOptions): Promise<StudioHandle> {
  let port = options.port
  const server = createServer(
    studioHandler({ file: { path: options.path, key: options.key }, assets: options.assets ?? assetsDir(), port: () => port, extra: options.extra }),
  )
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    // 127.0.0.1, never all interfaces: the studio writes files and has no login.
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject)
      port = (server.address() as AddressInfo).port
      const close = () =>
        new Promise<void>((done) => {
          server.close(() => done())
          server.closeAllConnections()
        })
      resolve({ url: `http://127.0.0.1:${port}/`, port, close })
    })
  })
}

/** Runs `studio`: checks FILE and the key, starts the server and prints its URL. */
export async function studioCommand(args: string[], io: StudioIO): Promise<number> {
  const { values, positionals } = parseFlags('studio', args, { port: { type: 'string' }, key: { type: 'string' } }, ['FILE'])
  const file = positionals[0]
  const portArg = values.port as string | undefined
  const port = portArg === undefined ? DEFAULT_PORT : Number(portArg)
  if (portArg !== undefined && (!/^\d+$/.test(portArg) || port > 65535)) throw usageError(`studio: --port must be a number from 0 to 65535; got ${JSON.stringify(portArg)}`)
  const key = values.key === undefined ? undefined : readPrivateKey(io, values.key as string)
  // A malformed file still opens (the page shows where it breaks); a missing one does not.
  const parsed = parseJson(readText(io, file))
  if (parsed.ok && isObj(parsed.value) && typeof parsed.value.payload == 'string')
    throw cliError(`${file}: a signed envelope; the studio edits the playbook JSON itself (with --key it writes the envelope on save)`)
  let handle: StudioHandle
  try {
    handle = await startStudio({ path: pathOf(io, file), port, key })
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code == 'EADDRINUSE') throw usageError(`studio: port ${port} is in use; choose another with --port N`)
    throw e
  }
  io.out(`Waymark studio for ${file}: ${handle.url}`)
  io.out(key ? 'Each save also writes the signed envelope next to it. Stop with Ctrl+C.' : 'Stop with Ctrl+C.')
  if (io.studio) io.studio(handle)
  return EXIT.ok
}
