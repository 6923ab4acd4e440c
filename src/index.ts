export { createWaymark } from './waymark'
export { compileCondition } from './rules/condition'
export { WaymarkOptionError } from './errors'
export type {
  Condition, ConsentState, EventType, Explanation, Greeting, Journey, Json, OfferCta, OfferSpec, Order, OrderStatus,
  PartOfDay, Playbook, Profile, Props, Rule, SignedPlaybook, Stage, StageChange, Waymark, WaymarkEvent,
  WaymarkEventMap, WaymarkOptions,
} from './types'
