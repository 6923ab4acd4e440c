/**
 * The journey's event pipeline: every event an instance records goes through `record`, in
 * one order: the visit, the count and the stage, storage, delivery, listeners, then the rules.
 */
import type { DecisionContext } from './context'
import { uuid } from './ids'
import { step, type CompiledStage } from './journey'
import type { EventType, Props, WaymarkEvent, WaymarkEventMap } from './types'
import { touch, type VisitorState } from './visitor'

/** What recording needs from the instance. */
export interface RecorderDeps {
  state(): VisitorState
  stages(): CompiledStage[]
  context(props: Props, now: number, trigger: string): DecisionContext
  /** Persists and shares the state (coalesced). */
  save(): void
  /** Queues the event for delivery; `memory`: it may not be written to the device. */
  deliver(event: WaymarkEvent, memory: boolean): void
  emit<K extends keyof WaymarkEventMap>(type: K, payload: WaymarkEventMap[K]): unknown
  /** Decides the rules that listen to a trigger. */
  run(trigger: string, props: Props, now: number): void
  storeTraits: string[]
  /** A visit ends after this long without activity (`sessionMinutes`). */
  idleMs: number
  log(...args: unknown[]): void
}

/** Records events of one instance. */
export interface Recorder {
  /**
   * Records an event. It may trigger under another name: an `order_status` event is
   * `order:<status>`, a `place_entered` one `place:<id>`.
   */
  record(type: EventType, name: string, props?: Props, trigger?: string): WaymarkEvent
  /** Marks activity; a visit idle for `sessionMinutes` has ended, and this starts the next one. */
  visit(now?: number): void
  /** Starts a visit; after a logout it says so (`reset: true`), and the site's identity endpoint forgets who was there. */
  sessionStart(props?: Props): void
}

/** Creates the recorder of an instance. */
export function createRecorder(d: RecorderDeps): Recorder {
  // Offer events count and move stages but trigger no rules, so offers cannot cascade.
  const record = (type: EventType, name: string, props: Props = {}, trigger = name): WaymarkEvent => {
    const now = Date.now()
    const state = d.state()
    if (type !== 'session' && type !== 'stage') {
      visit(now)
      state.sessionEvents++
    }
    const before = state.journey.stage
    const entered = type === 'stage' ? null : step(state.journey, d.stages(), trigger, () => d.context(props, now, trigger), now)
    d.save()
    const event: WaymarkEvent = {
      id: uuid(), type, name, props, at: now,
      anonymousId: state.anonymousId, userId: state.userId, sessionId: state.sessionId, stage: state.journey.stage,
    }
    d.log(type, name, event)
    // Traits outside `storeTraits` never reach the device: such an identify goes from memory.
    d.deliver(event, name === 'identify' && Object.keys(props).some((k) => !d.storeTraits.includes(k)))
    d.emit('event', event)
    if (type !== 'offer') d.run(trigger, props, now)
    if (entered) {
      const change = { stage: entered, previous: before, cycle: state.journey.cycle, at: now, event: trigger }
      d.log('stage', change)
      d.emit('stage', change)
      record('stage', `stage:${entered}`, { previous: before, cycle: change.cycle })
    }
    return event
  }
  const sessionStart = (props?: Props): void => void record('session', 'session_start', props)
  const visit = (now = Date.now()): void => void (touch(d.state(), now, d.idleMs) && sessionStart())
  return { record, visit, sessionStart }
}
