/**
 * The first file's loader of the split script tag (`dist/script/`): a part is one more
 * script, `waymark-<part>.js` from the first file's own folder (never any other origin or
 * path), with the first file's nonce copied onto it and its URL passed through a Trusted
 * Types policy named `waymark`, so a page under a strict CSP loads it as it loaded the first.
 * Each part loads once per page, whatever the number of instances.
 */
import { BUILD_ID } from './build-id'
import { PARTS, type PartRegistry } from './part-define'
import { withTimeout } from './timeout'

/** How long a part may take before its caller goes on without it (and says so). */
export const PART_TIMEOUT_MS = 10_000

type Waiting = { resolve(exports: object): void; reject(e: Error): void }
type Registry = PartRegistry & {
  from?: { folder: string; nonce: string }
  loads: Record<string, Promise<object>>
  waiting: Record<string, Waiting>
  policy?: { createScriptURL(url: string): unknown } | null
}
type TrustedTypes = { createPolicy(name: string, rules: { createScriptURL(url: string): string }): NonNullable<Registry['policy']> }

const registry = (): Registry => {
  const w = window as unknown as { [PARTS]?: Registry }
  return (w[PARTS] ||= {
    loads: {},
    waiting: {},
    define(name, build, exports) {
      const waiting = this.waiting[name]
      if (!waiting) return
      if (build !== BUILD_ID) waiting.reject(new Error(`it comes from another build (${build}, not ${BUILD_ID}): serve dist/script/ whole`))
      else waiting.resolve(exports)
    },
  })
}

/** Records where parts come from: the first file's own script element, read as it runs. */
export function partsFrom(script: HTMLScriptElement | null): void {
  const r = registry()
  if (!r.from && script && script.src) r.from = { folder: new URL('.', script.src).href, nonce: script.nonce || '' }
}

// A part's URL, checked again by the policy: only our folder and our file names pass.
const isPartUrl = (url: string, folder: string): boolean =>
  url.startsWith(folder) && /^waymark-[a-z]+\.js\?v=[\w-]+$/.test(url.slice(folder.length))

/** Loads part `name` once per page; rejects with an Error saying why it could not. */
export function loadPart<T>(name: string): Promise<T> {
  const r = registry()
  const from = r.from
  const load = (r.loads[name] ||= withTimeout(PART_TIMEOUT_MS, () => new Promise<object>((resolve, reject) => {
    if (!from) throw new Error('the script tag has no src to load it beside')
    const url = `${from.folder}waymark-${name}.js?v=${BUILD_ID}`
    const tt = (window as unknown as { trustedTypes?: TrustedTypes }).trustedTypes
    // Where the browser has Trusted Types. A page whose CSP names its policies but does not
    // list `waymark` refuses it: the plain URL is then used, which works unless Trusted Types
    // are also required, and that error says what to add.
    if (tt && r.policy === undefined) {
      try {
        r.policy = tt.createPolicy('waymark', {
          createScriptURL: (u) => {
            if (!from || !isPartUrl(u, from.folder)) throw new TypeError(`waymark: not a part URL: ${u}`)
            return u
          },
        })
      } catch {
        r.policy = null
      }
    }
    const script = document.createElement('script')
    const settle = <A>(fn: (a: A) => void) => (a: A): void => {
      if (r.waiting[name] !== waiting) return
      delete r.waiting[name]
      script.remove()
      fn(a)
    }
    const waiting: Waiting = { resolve: settle(resolve), reject: settle(reject) }
    r.waiting[name] = waiting
    script.async = true
    script.nonce = from.nonce
    try {
      script.src = (r.policy ? r.policy.createScriptURL(url) : url) as string
    } catch (e) {
      throw new Error(`${(e as Error).message} (Trusted Types: list waymark in the page's trusted-types directive)`)
    }
    script.onerror = () => waiting.reject(new Error(`${url} did not load`))
    // Run without defining the part (a part runs before its load event): not one of ours.
    script.onload = () => waiting.reject(new Error(`${url} is not a Waymark part`))
    ;(document.head || document.documentElement).append(script)
  })).catch((e: Error) => {
    delete r.loads[name] // a later call tries again
    r.waiting[name]?.reject(e) // a timeout: the script element goes too
    throw new Error(`part "${name}" unavailable: ${e.message}`)
  }))
  return load as Promise<T>
}
