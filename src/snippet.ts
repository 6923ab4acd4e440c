/**
 * What the script tag does with the snippet's stub: reads options from the script's own
 * `data-*` attributes, replaces the stub `window.waymark` with a live, callable instance,
 * and replays the calls the stub queued, in order.
 */
import type { defineElements } from './elements/index'
import { KINDS } from './options'
import { compileCondition } from './rules/compile-condition'
import { useRegex } from './rules/condition'
import { compileRegex } from './rules/regex'
import type { Waymark, WaymarkOptions } from './types'
import { createWaymark } from './waymark'

type Stub = ((...args: unknown[]) => void) & { q?: ArrayLike<unknown>[]; createWaymark?: unknown }

/**
 * The elements: `defineElements` (the live global's, for a second instance), and `bind`, which
 * binds this instance's elements and offers (by default `defineElements`, at once; the split
 * script tag's loads them as a part first).
 */
export interface ElementsSource {
  defineElements: typeof defineElements
  bind?(wm: Waymark, options: Parameters<typeof defineElements>[1]): void
}

/** Maps `data-*` attributes to options: `data-refresh-seconds="60"` → `refreshSeconds: 60`. */
export function optionsFromDataset(data: DOMStringMap): WaymarkOptions {
  const options: Record<string, unknown> = {}
  // data-* values are strings; the options' type codes say which need another type.
  for (const key in KINDS) {
    const v = data[key]
    const kind = KINDS[key as keyof WaymarkOptions]
    if (v === undefined) continue
    options[key] = kind == 'n' ? Number(v)
      : kind == 'b' ? v !== 'false' && v !== '0'
      : kind == 'a' ? v.split(',').map((s) => s.trim()).filter(Boolean)
      // `theirs:ours` pairs: data-order-statuses="in_transit:shipped,ready:packed"
      : kind == 'm' ? Object.fromEntries(v.split(',').filter((p) => p.trim()).map((p) => p.split(':').map((s) => s.trim())))
      : v
  }
  return options as WaymarkOptions
}

/** Starts Waymark from the script tag, once per page. Returns the live global. */
export function startFromScriptTag(w: Window & { waymark?: Stub }, script: HTMLScriptElement | null, elements: ElementsSource): Stub | undefined {
  const stub = w.waymark
  if (stub && stub.createWaymark) return stub // loaded twice: keep the first instance
  // The script tags carry the $regex matcher: their instances never look for it (with-regex.ts).
  useRegex(compileRegex)
  let wm: Waymark
  try {
    wm = createWaymark(optionsFromDataset(script ? script.dataset : {}))
  } catch (e) {
    // A wrong data-* attribute is the page's mistake; say so without breaking the page.
    console.error(e)
    return
  }
  const live: Stub = Object.assign((method: unknown, ...args: unknown[]) => {
    const fn = (wm as unknown as Record<string, unknown>)[method as string]
    if (typeof fn === 'function' && method !== 'ready') return fn(...args)
    console.warn(`waymark: unknown method ${JSON.stringify(method)}`)
  }, wm, { createWaymark, compileCondition, defineElements: elements.defineElements })
  w.waymark = live
  // The script tag always renders: elements and overlay offers, before the queued calls can fire any.
  try {
    ;(elements.bind || elements.defineElements)(wm, script && script.src ? { stylesheet: new URL('waymark.css', script.src).href } : {})
  } catch (e) {
    console.error(e) // never break the page over its looks
  }
  for (const args of (stub && stub.q) || []) live(...Array.from(args))
  return live
}
