/**
 * The decision context `waymark simulate` decides against: a first visit on `/` by default,
 * with whatever the author passes in `--context` merged over it. The shape is the SDK's
 * `DecisionContext`, so every condition path reads what it would read in the browser.
 */
import type { DecisionContext } from '../context'
import { isObj } from '../is'
import type { Props } from '../types'

/** What a simulated trigger is made of. */
export interface SimulatedEvent {
  /** Trigger name: an event, `page`, `stage:<id>`, `order:<status>`, … */
  event: string
  /** The event's props (`event.*`); when absent, `--context`'s `event` or `{}`. */
  props?: Props
  /** Overrides merged deeply over the defaults, e.g. `{ "visit": { "returning": true } }`. */
  context?: Record<string, unknown>
  /** Epoch milliseconds; `time.hour` and `time.weekday` are read in this machine's time zone. */
  now: number
  /** `device.locale` before `context` is merged (default `en`). */
  locale?: string
}

/**
 * Merges `over` into `base` in place: objects are merged key by key, anything else
 * (arrays included) replaces. `__proto__` keys, which JSON.parse makes own properties, are
 * skipped so that merging cannot swap an object's prototype.
 */
export function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  for (const k of Object.keys(over)) {
    if (k == '__proto__') continue
    const b = base[k]
    const o = over[k]
    base[k] = isObj(b) && isObj(o) ? deepMerge({ ...b }, o) : o
  }
  return base
}

/**
 * Builds the context for one simulated trigger: defaults for a first visit (one visit,
 * not returning, session `simulate`, no stage yet, nothing counted yet, anonymous user,
 * desktop, `locale` or English), `order.status` for an `order:<status>` trigger and `place.id` for a
 * `place:<id>` one, then `--context`,
 * then `event` = the props.
 */
export function simulationContext({ event, props, context, now, locale = 'en' }: SimulatedEvent): DecisionContext {
  const d = new Date(now)
  const defaults: Record<string, unknown> = {
    event: {},
    user: { id: null },
    visit: { count: 1, returning: false, daysSinceLast: null },
    session: { id: 'simulate', count: 1 },
    // The journey before the event: simulatePlaybook steps it, as the SDK does before deciding.
    journey: { stage: null, stages: [], counts: {}, cycle: 0 },
    page: { path: '/', url: '', referrer: '', query: {} },
    device: { mobile: false, locale },
    time: { hour: d.getHours(), weekday: d.getDay() },
    place: { id: event.startsWith('place:') ? event.slice(6) : null },
  }
  if (event.startsWith('order:')) defaults.order = { status: event.slice(6) }
  const merged = deepMerge(defaults, context || {})
  if (props) merged.event = props
  return merged as unknown as DecisionContext
}
