/**
 * The part side of the split script tag (`dist/script/`): a part file, once run, hands its
 * exports to the first file's loader, which waits for it under {@link PARTS}.
 */
import { BUILD_ID } from './build-id'

/** Where the first file's loader listens on the page: one registry shared by all instances. */
export const PARTS = Symbol.for('waymark.parts')

/** The registry a first file keeps on `window[PARTS]`. */
export interface PartRegistry {
  define(name: string, build: string, exports: object): void
}

/** Called by a part file as it runs. A page without a first file loaded ignores it. */
export function definePart(name: string, exports: object): void {
  const registry = (window as unknown as { [PARTS]?: PartRegistry })[PARTS]
  if (registry) registry.define(name, BUILD_ID, exports)
}
