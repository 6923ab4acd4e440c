/** URLs as the SDK may record them: secrets in the query and the fragment never leave the page. */

/** The query parameters whose values are redacted unless the `redact` option replaces the list. */
export const REDACT = ['token', 'access_token', 'id_token', 'code', 'password', 'email', 'key', 'secret', 'auth', 'session']

/** What a redacted value becomes. */
export const REDACTED = 'REDACTED'

// A query name as the page meant it: `+` is a space, and a malformed escape is kept as typed.
const decode = (s: string): string => {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '))
  } catch {
    return s
  }
}

/** Whether query parameter `name` is listed (names match whole, case-insensitively). */
export const listed = (name: string, names: string[]): boolean => names.some((n) => n.toLowerCase() == name.toLowerCase())

/**
 * `url` without its `#fragment` (where OAuth puts access tokens), and with the value of every
 * listed query parameter replaced by `REDACTED`. The rest is kept as written, byte for byte.
 */
export function redactUrl(url: string, names: string[]): string {
  const [base] = url.split('#', 1)
  const q = base.indexOf('?')
  if (q < 0) return base
  const pairs = base.slice(q + 1).split('&').map((pair) => {
    const eq = pair.indexOf('=')
    const name = decode(eq < 0 ? pair : pair.slice(0, eq))
    return listed(name, names) ? `${pair.slice(0, eq < 0 ? pair.length : eq)}=${REDACTED}` : pair
  })
  return `${base.slice(0, q)}?${pairs.join('&')}`
}

/** The query of a `search` string as an object, listed values `REDACTED` (the last of a repeated name wins). */
export const redactQuery = (search: string, names: string[]): Record<string, string> =>
  Object.fromEntries([...new URLSearchParams(search)].map(([k, v]) => [k, listed(k, names) ? REDACTED : v]))
