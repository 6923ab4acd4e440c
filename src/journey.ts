import { has, setOwn } from './is'
import type { Condition, Journey, Stage } from './types'

/** A stage ready for stepping: its triggers as a set and its condition compiled. */
export interface CompiledStage {
  id: string
  on: Set<string>
  test: ((context: unknown) => boolean) | undefined
  loop: boolean
}

/** How many entries `journey().stages` keeps: enough history, bounded storage. */
export const MAX_STAGE_HISTORY = 100
/**
 * How many event names `journey().counts` keeps. Past it, the names counted least (the
 * earliest first among equals) go, 50 at a time, never the one just counted: the visitor
 * record stays small (a page tracking a new name per call made it megabytes, rewritten and
 * broadcast on every change).
 */
export const MAX_COUNTED = 500

/**
 * The stages used when the playbook defines none: the customer decision journey with a
 * loyalty loop after delivery. `bond` needs a second completed order.
 */
export const DEFAULT_STAGES: Stage[] = [
  { id: 'consider', on: ['page'] },
  { id: 'evaluate', on: ['product_viewed', 'compare'] },
  { id: 'buy', on: ['cart_viewed', 'checkout_started'] },
  { id: 'enjoy', on: ['order:delivered'], loop: true },
  { id: 'advocate', on: ['review_written', 'shared'] },
  { id: 'bond', on: ['order_completed'], if: { 'journey.counts.order_completed': { $gte: 2 } } },
]

/** A journey before any event. */
export const emptyJourney = (): Journey => ({ stage: null, stages: [], counts: {}, cycle: 0 })

/** Compiles stages once per playbook, with the given condition compiler for `if`. */
export function compileStages(
  stages: Stage[],
  compile: (condition: Condition) => (context: unknown) => boolean,
): CompiledStage[] {
  return stages.map((s) => ({ id: s.id, on: new Set(s.on), test: s.if && compile(s.if), loop: !!s.loop }))
}

/**
 * Applies one event to the journey (mutating it): counts the event, then moves the visitor
 * to the furthest stage that listens to it, if that is forward, or, once a `loop` stage
 * has been reached, back to a stage before the loop as a new cycle. Stage conditions see
 * the counts including this event. Returns the entered stage id, or null.
 */
export function step(
  journey: Journey,
  stages: CompiledStage[],
  name: string,
  context: () => unknown,
  now: number,
): string | null {
  // An own property, whatever the name: `constructor` must not find Object.prototype's, and
  // `__proto__` must be a count, not the object's prototype.
  const known = has(journey.counts, name)
  setOwn(journey.counts, name, (known ? journey.counts[name] : 0) + 1)
  if (!known) trimCounts(journey.counts, name)
  const current = stages.findIndex((s) => s.id === journey.stage)
  const loop = stages.findIndex((s) => s.loop)
  // The loyalty loop opens only once the loop stage itself was reached: a review written before
  // any purchase moves the visitor forward, but starts no cycle.
  const looped = loop >= 0 && current >= loop && journey.stages.some((s) => s.id === stages[loop].id)
  let ctx: unknown
  for (let i = stages.length - 1; i >= 0; i--) {
    const s = stages[i]
    if (!s.on.has(name) || !(i > current || (looped && i < loop))) continue
    if (s.test && !s.test((ctx ??= context()))) continue
    if (i < current) journey.cycle++
    journey.stage = s.id
    journey.stages.push({ id: s.id, at: now })
    if (journey.stages.length > MAX_STAGE_HISTORY) journey.stages.shift()
    return s.id
  }
  return null
}

/** Bounds the counts to MAX_COUNTED names (see there); `keep` is never dropped. Also for stored records. */
export function trimCounts(counts: Journey['counts'], keep?: string): void {
  const names = Object.keys(counts)
  if (names.length <= MAX_COUNTED) return
  const drop = names.filter((n) => n !== keep).sort((a, b) => counts[a] - counts[b]) // stable: earliest first among equals
  for (const n of drop.slice(0, names.length - MAX_COUNTED + 50)) delete counts[n]
}
