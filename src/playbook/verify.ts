/**
 * Signed playbooks: `{ payload, signature }`, where `signature` is an ECDSA P-256 SHA-256
 * signature of the payload's UTF-8 bytes, checked with WebCrypto against the `publicKey`
 * option (base64 SPKI).
 */
import type { SignedPlaybook } from '../types'
import { raise } from './fetch'

// Standard or URL-safe base64; whitespace and PEM armour lines are ignored, so a key can be
// pasted as `waymark keygen` prints it or straight from a .pem file.
const bytes = (b64: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(b64.replace(/-----[^-]+-----|\s/g, '').replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))

// WebCrypto wants the 64-byte r‖s form (what `waymark sign` prints). OpenSSL and most
// backends' libraries write DER, SEQUENCE { INTEGER r, INTEGER s }: unwrap it, dropping
// INTEGER's sign byte or restoring leading zeros. A malformed one simply fails to verify.
const rawSignature = (sig: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> => {
  if (sig[0] != 0x30 || sig.length == 64) return sig
  const out = new Uint8Array(64)
  for (let i = 2, end = 32; end <= 64; end += 32) {
    const len = sig[i + 1]
    out.set(sig.subarray(i + 2 + Math.max(0, len - 32), i + 2 + len), end - Math.min(len, 32))
    i += 2 + len
  }
  return out
}

/**
 * Creates the checker for one public key. The key is imported once, on first use; a key
 * that does not import makes every check fail with that reason. Pages on plain http have
 * no WebCrypto, so nothing signed can be accepted there.
 */
export function createVerifier(publicKey: string): (doc: SignedPlaybook) => Promise<boolean> {
  // Extra members are ignored by each call: one object serves importKey and verify.
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
  let key: Promise<CryptoKey> | undefined
  return async ({ payload, signature }) => {
    const subtle = crypto.subtle
    if (!subtle) raise('signatures can only be checked on https pages (no WebCrypto here)')
    key ||= (async () => subtle.importKey('spki', bytes(publicKey), alg, false, ['verify']))().catch((e) =>
      raise(`publicKey is not a base64 SPKI P-256 key (${e.message})`),
    )
    const k = await key
    let sig
    try {
      sig = rawSignature(bytes(signature))
    } catch {
      return false // not base64
    }
    return subtle.verify(alg, k, sig, new TextEncoder().encode(payload))
  }
}
