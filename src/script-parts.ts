/**
 * `src/parts.ts` as the split script tag (`dist/script/`) has it: each part is a script
 * loaded beside the first file (see `part-loader.ts`). The build swaps this module in for
 * `parts.ts`; their exports match, which the types check.
 */
import { loadPart } from './part-loader'
import type * as Parts from './parts'

// A part `ready` does not wait for is added a task later. A start that asks for one (the sync
// on a first visit or with a check due, places for a stored playbook with places, identity on
// a device without a visitor) would otherwise add its script element and the Trusted Types
// policy, 5-6 ms at 4x CPU, inside `ready`'s own microtasks.
const afterTask = <T>(name: string) => (): Promise<T> => new Promise((later) => setTimeout(later)).then(() => loadPart<T>(name))

/** The playbook sync: fetching, revalidation, validation and signatures. */
export const syncPart: typeof Parts.syncPart = afterTask('sync')

/** The orders: requests, the device's copies and polling, for `order()` and `watchOrder()`. */
export const ordersPart: typeof Parts.ordersPart = () => loadPart('orders')

/** Delivery: sending the queued events to `collect`, with batching, retries and page hide. */
export const deliveryPart: typeof Parts.deliveryPart = () => loadPart('delivery')

/** Places: reading the position and matching it with the playbook's places, for `place:` rules. */
export const placesPart: typeof Parts.placesPart = afterTask('places')

/** Identity restore: asking the site who a visitor on a wiped device is (`identity`). */
export const identityPart: typeof Parts.identityPart = afterTask('identity')

/** The preview link's offer, for a page opened with `?waymark-preview=<rule-id>` (`preview: true`). */
export const previewPart: typeof Parts.previewPart = () => loadPart('preview')

/** The script tags carry the `$regex` matcher, given as they start (snippet.ts): nothing to wait for. */
export const regexFirst: typeof Parts.regexFirst = (_playbook, _fail, then) => then()

// Whether each instance's playbook in force draws offers, kept beside it (not a property: the
// contract's `Waymark` stays as it is).
const drawing = new WeakMap<object, () => boolean>()

/**
 * Notes, for the elements' part (`split-elements.ts`), whether the playbook `offers` use draws
 * offers: any rule's offer not `headless`. It sees each playbook on its way into `use`, so the
 * npm build and the one file carry none of this.
 */
export const withDraws: typeof Parts.withDraws = (offers, wm) => {
  const use = offers.use
  let draws = false
  offers.use = (rules, groups) => {
    draws = !!rules && rules.some((r) => r.offer.kind != 'headless')
    use.call(offers, rules, groups)
  }
  drawing.set(wm, () => draws)
  return wm
}

/** Whether the playbook in force of an instance noted by {@link withDraws} draws offers. */
export const drawsOf = (wm: object): boolean => !!drawing.get(wm)?.()
