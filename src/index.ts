export { createWaymark } from './waymark'
export { compileCondition } from './rules/compile-condition'
export { validatePlaybook } from './playbook/validate'
export { OrderError, WaymarkOptionError } from './errors'
export type { CompiledCondition } from './rules/condition'
export type { ValidationResult } from './playbook/validate'
export type { LocalizedText } from './texts'
export type {
  Condition, ConsentState, EventType, Explanation, Greeting, Identity, Journey, Json, Offer, OfferCta, OfferSpec, Order,
  OrderChange, OrderStatus, PartOfDay, Playbook, Profile, Props, Rule, SignedPlaybook, Stage, StageChange, Waymark, WaymarkEvent,
  WaymarkEventMap, WaymarkOptions,
} from './types'
