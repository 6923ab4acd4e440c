/**
 * The parts of the SDK that a start does not need at once, loaded on demand. In the npm
 * build these are dynamic imports, which the page's bundler turns into chunks beside its own;
 * the split script tag (`dist/script/`) swaps this module for `script-parts.ts`, which loads
 * each part as a script from the script's own folder. The one-file script tag inlines them.
 */
import type { Offers } from './offers'
import { withRegex } from './rules/with-regex'
import type { Playbook } from './types'

/** The playbook sync: fetching, revalidation, validation and signatures. */
export const syncPart = () => import('./playbook/sync')

/** The orders: requests, the device's copies and polling, for `order()` and `watchOrder()`. */
export const ordersPart = () => import('./orders')

/** Delivery: sending the queued events to `collect`, with batching, retries and page hide. */
export const deliveryPart = () => import('./delivery/delivery')

/** Places: reading the position and matching it with the playbook's places, for `place:` rules. */
export const placesPart = () => import('./places')

/** Identity restore: asking the site who a visitor on a wiped device is (`identity`). */
export const identityPart = () => import('./identity')

/** The preview link's offer, for a page opened with `?waymark-preview=<rule-id>` (`preview: true`). */
export const previewPart = () => import('./preview-offer')

/**
 * The `$regex` matcher, loaded for a playbook whose conditions have a regex: runs `then` once
 * they can evaluate it (see `withRegex`).
 */
export const regexFirst = (playbook: Playbook, fail: (message: string) => void, then: () => void): void | Promise<void> =>
  withRegex(playbook, () => import('./rules/regex'), fail, then)

/**
 * Returns the instance `wm` whose offers are `offers`. Only the split script tag (its
 * `script-parts.ts`) notes anything: whether the playbook in force draws offers, for its
 * elements' part (`split-elements.ts`).
 */
export const withDraws = <T extends object>(_offers: Offers, wm: T): T => wm
