/**
 * ECDSA P-256 keys and signatures for signed playbooks, with node:crypto. Signatures are
 * written in IEEE P1363 form (64 bytes, r‖s), which is what WebCrypto's
 * `crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, …)` in the browser expects;
 * node:crypto would otherwise write DER.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto'
import { cliError, readText, type CliIO } from './shared'

const CURVE = 'prime256v1' // node:crypto's (OpenSSL's) name for P-256

// A pasted key, as opposed to a path: only base64 characters, and long (a P-256 SPKI is 124).
const INLINE_KEY = /^[A-Za-z0-9+/_-]{64,}={0,2}$/

/** Throws unless `key` is an EC key on P-256: the SDK only verifies ECDSA P-256 SHA-256. */
function requireP256(key: KeyObject, label: string): KeyObject {
  const curve = key.asymmetricKeyDetails?.namedCurve
  if (key.asymmetricKeyType != 'ec' || curve != CURVE) {
    const got = key.asymmetricKeyType == 'ec' ? `EC ${curve}` : String(key.asymmetricKeyType).toUpperCase()
    throw cliError(`${label}: not an ECDSA P-256 key (got ${got}); create one with \`waymark keygen\``)
  }
  return key
}

/** A fresh key pair: the private key as PKCS#8 PEM, the public key as base64 SPKI (DER). */
export function generateKeys(): { privatePem: string; publicSpki: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: CURVE })
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicSpki: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  }
}

/** Reads a PEM private key file (PKCS#8 or SEC1) and checks that it is P-256. */
export function readPrivateKey(io: CliIO, path: string): KeyObject {
  const pem = readText(io, path)
  let key
  try {
    key = createPrivateKey(pem)
  } catch {
    throw cliError(`${path}: not a PEM private key`)
  }
  return requireP256(key, path)
}

/**
 * Reads the `--public-key` argument: a base64 SPKI key pasted inline, or a path to a file
 * holding one (as `waymark keygen --out` writes it) or a PEM public key.
 */
export function readPublicKey(io: CliIO, arg: string): KeyObject {
  const inline = INLINE_KEY.test(arg)
  const text = inline ? arg : readText(io, arg).trim()
  const label = inline ? '--public-key' : arg
  let key
  try {
    key = text.includes('-----BEGIN')
      ? createPublicKey(text)
      : createPublicKey({ key: Buffer.from(text, 'base64'), format: 'der', type: 'spki' })
  } catch {
    throw cliError(`${label}: not a base64 SPKI or PEM public key`)
  }
  return requireP256(key, label)
}

/** Signs the UTF-8 bytes of `payload`: base64 (standard, padded) of the 64-byte r‖s signature. */
export const signPayload = (payload: string, key: KeyObject): string =>
  sign('sha256', Buffer.from(payload, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }).toString('base64')

/**
 * Checks a signature over the UTF-8 bytes of `payload`. Like the SDK, it takes standard or
 * URL-safe base64, and DER as well as r‖s signatures (other tools write DER).
 */
export function verifyPayload(payload: string, signature: unknown, key: KeyObject): boolean {
  if (typeof signature != 'string') return false
  const sig = Buffer.from(signature, 'base64') // node decodes both alphabets
  const dsaEncoding = sig.length == 64 ? 'ieee-p1363' : 'der'
  try {
    return verify('sha256', Buffer.from(payload, 'utf8'), { key, dsaEncoding }, sig)
  } catch {
    return false // malformed DER
  }
}
