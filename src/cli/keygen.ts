/**
 * `waymark keygen [--out PREFIX]`: a key pair for signed playbooks. The private key signs
 * on the publisher's side (`waymark sign`); the public key goes into the SDK's `publicKey`
 * option or the script tag's `data-public-key`.
 */
import { writeFileSync } from 'node:fs'
import { generateKeys } from './keys'
import { cliError, EXIT, parseFlags, pathOf, type CliIO } from './shared'

/** The label printed on the line before the public key. */
export const PUBLIC_KEY_LABEL = 'Public key (base64 SPKI), for the publicKey option or data-public-key:'

// Creates a file that must not exist yet: overwriting a private key would lose it for good.
function create(io: CliIO, path: string, text: string, mode: number): void {
  try {
    writeFileSync(pathOf(io, path), text, { mode, flag: 'wx' })
  } catch (e) {
    const code = (e as { code?: string }).code
    throw cliError(`${path}: ${code == 'EEXIST' ? 'already exists, not overwritten' : `cannot write (${code || (e as Error).message})`}`)
  }
}

/**
 * Runs `keygen`: prints the private key (PKCS#8 PEM) and the public key (base64 SPKI on a
 * line of its own), or with `--out PREFIX` writes `PREFIX.pem` (mode 0600) and `PREFIX.pub`.
 */
export function keygenCommand(args: string[], io: CliIO): number {
  const { values } = parseFlags('keygen', args, { out: { type: 'string' } }, [])
  const { privatePem, publicSpki } = generateKeys()
  const prefix = values.out as string | undefined
  if (prefix === undefined) {
    io.out('Private key (PKCS#8 PEM), keep it secret; sign with `waymark sign FILE --key KEY.pem`:')
    io.out(privatePem.trimEnd())
  } else {
    create(io, `${prefix}.pem`, privatePem, 0o600)
    create(io, `${prefix}.pub`, publicSpki + '\n', 0o644)
    io.out(`Wrote ${prefix}.pem (private key, keep it secret) and ${prefix}.pub (public key).`)
  }
  io.out(PUBLIC_KEY_LABEL)
  io.out(publicSpki)
  return EXIT.ok
}
