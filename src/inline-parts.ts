/**
 * `src/parts.ts` as the one-file script tag (`waymark.iife.js`) has it: every part is in the
 * file, handed over at once. Static imports of only what the instance calls, where inlined
 * dynamic imports would keep every export of each part. Swapped in by the build.
 */
import { createDelivery } from './delivery/delivery'
import { askIdentity } from './identity'
import { createOrders } from './orders'
import type * as Parts from './parts'
import { createPlaces } from './places'
import { createSync } from './playbook/sync'
import { createShow } from './preview-offer'

/** The playbook sync: fetching, revalidation, validation and signatures. */
export const syncPart: typeof Parts.syncPart = () => Promise.resolve({ createSync }) as ReturnType<typeof Parts.syncPart>

/** The orders: requests, the device's copies and polling, for `order()` and `watchOrder()`. */
export const ordersPart: typeof Parts.ordersPart = () => Promise.resolve({ createOrders }) as ReturnType<typeof Parts.ordersPart>

/** Delivery: sending the queued events to `collect`, with batching, retries and page hide. */
export const deliveryPart: typeof Parts.deliveryPart = () => Promise.resolve({ createDelivery }) as ReturnType<typeof Parts.deliveryPart>

/** Places: reading the position and matching it with the playbook's places, for `place:` rules. */
export const placesPart: typeof Parts.placesPart = () => Promise.resolve({ createPlaces }) as ReturnType<typeof Parts.placesPart>

/** Identity restore: asking the site who a visitor on a wiped device is (`identity`). */
export const identityPart: typeof Parts.identityPart = () => Promise.resolve({ askIdentity }) as ReturnType<typeof Parts.identityPart>

/** The preview link's offer, for a page opened with `?waymark-preview=<rule-id>` (`preview: true`). */
export const previewPart: typeof Parts.previewPart = () => Promise.resolve({ createShow }) as ReturnType<typeof Parts.previewPart>

/** The script tags carry the `$regex` matcher, given as they start (snippet.ts): nothing to wait for. */
export const regexFirst: typeof Parts.regexFirst = (_playbook, _fail, then) => then()

/** The one file defines its elements at once: nothing to note. */
export const withDraws: typeof Parts.withDraws = (_offers, wm) => wm
