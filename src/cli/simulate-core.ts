/**
 * The decision part of `waymark simulate`: which rules fire for one event and why the others
 * do not, decided by the SDK's own rules engine, so the reasons are exactly those of
 * `explain` and of debug logging. Pure: no Node imports, so the studio runs it in a browser
 * on the playbook being edited, and the CLI runs it on a file.
 */
import { isArr, isObj } from '../is'
import { compileStages, DEFAULT_STAGES, step } from '../journey'
import { compileCondition, getPath, useRegex } from '../rules/condition'
import { blocker, bucket, dayOf, decide, indexRules, type CompiledRule, type DecisionEnv } from '../rules/engine'
import { compileRegex } from '../rules/regex'
import { offerTexts, type LocalizedText } from '../texts'
import type { DecisionContext } from '../context'
import type { Journey, OfferSpec, Playbook, Props } from '../types'
import { simulationContext } from './simulate-context'

/** What a simulation reports for one rule listening to the event. */
export interface RuleOutcome {
  rule: string
  /** True when the offer is shown (without `id`: to the rollout's share of visitors). */
  fires: boolean
  /** `fires` or the engine's reason, e.g. `condition not met: event.total`. */
  reason: string
  kind: OfferSpec['kind']
  placement?: string
  priority: number
  /** The rule's rollout, when it has one: without `id`, the share of visitors it fires for. */
  rollout?: number
  /** With `id`, for a rule with `rollout`: the visitor's bucket in [0, 1). */
  bucket?: number
  /** For `condition not met: <path>`: the path, and what the context holds there (null when absent). */
  path?: string
  value?: unknown
  /** The offer with its texts filled from the context, in the context's `device.locale`, for rules that fire. */
  offer?: OfferSpec
  /**
   * For a rule that fires and has texts per language: what each language listed in them gets
   * (`title`, `body`, `cta` label), filled from the same context.
   */
  languages?: Array<{ locale: string; title?: string; body?: string; cta?: string }>
}

/** What to simulate: one event, for one visitor. */
export interface SimulatePlaybookOptions {
  /** Trigger name: an event, `page`, `stage:<id>`, `order:<status>`, `place:<id>`, … */
  event: string
  /** The event's props (`event.*`). */
  props?: Props
  /** Merged deeply over the default (first visit) context, e.g. `{ "visit": { "returning": true } }`. */
  context?: Record<string, unknown>
  /** Epoch milliseconds (default: now); also `time.hour` and `time.weekday`, in this machine's time zone. */
  now?: number
  /** Anonymous id whose rollout buckets decide; without it, a rollout is reported as a share. */
  id?: string
  /** The visitor's locale, `device.locale` (default `en`, unless `context` sets it): it picks the offer texts. */
  locale?: string
}

/** The outcome of one simulated event. */
export interface PlaybookSimulation {
  event: string
  /** ISO 8601 time the event was decided at. */
  at: string
  anonymousId: string | null
  /** One outcome per rule listening to the event, in playbook order. */
  rules: RuleOutcome[]
  /** Ids of the rules that do not listen to the event. */
  notListening: string[]
  /** The decision context, as conditions read it. */
  context: Record<string, unknown>
}

const NOT_MET = 'condition not met: '

// The offer as the SDK hands it over: texts in the locale, filled from the context, code and href never.
function resolveOffer(spec: OfferSpec<LocalizedText>, locale: string, context: unknown): OfferSpec {
  return JSON.parse(JSON.stringify({ ...spec, ...offerTexts(spec, locale, context) })) // drops the texts that are absent
}

// The languages an offer's texts are given in, in the order first listed; none for plain strings.
function languagesOf(spec: OfferSpec<LocalizedText>): string[] {
  const maps = [spec.title, spec.body, spec.cta && spec.cta.label].filter((t) => t && typeof t == 'object')
  return [...new Set(maps.flatMap((t) => Object.keys(t as Record<string, string>)))]
}

// What each listed language gets: the studio's and the report's "texts per language".
function perLanguage(spec: OfferSpec<LocalizedText>, context: unknown): RuleOutcome['languages'] {
  const list = languagesOf(spec).map((locale) => {
    const t = offerTexts(spec, locale, context)
    return JSON.parse(JSON.stringify({ locale, title: t.title, body: t.body, cta: t.cta && t.cta.label }))
  })
  return list.length ? list : undefined
}

/**
 * Decides one simulated event against a valid playbook, with no earlier impressions: caps
 * never block and no overlay is on screen.
 *
 * @param playbook a playbook that passed `validatePlaybook`
 * @param options the event, its props, the visitor's context, the time and the anonymous id
 * @returns every listening rule with `fires` or the engine's reason, and the rules not listening
 */
export function simulatePlaybook(playbook: Playbook, options: SimulatePlaybookOptions): PlaybookSimulation {
  const { event, props, id } = options
  const now = options.now ?? Date.now()
  const context = simulationContext({ event, props, context: options.context, now, locale: options.locale })
  // `--context` may replace the device with anything; the SDK's own is always a string.
  const device: unknown = context.device
  const locale = isObj(device) && typeof device.locale == 'string' ? device.locale : 'en'
  const env: DecisionEnv = { now, anonymousId: id ?? 'simulate', sessionId: 'simulate', day: dayOf(now), impressions: {}, overlay: null }
  useRegex(compileRegex) // the simulator is the CLI's and the studio's: it always has the matcher
  // As on a device, the event is counted and moves the stage before its rules are decided
  // (`context.journey` is the journey before it); a stage's own trigger is not counted.
  const j = context.journey as unknown
  if (isObj(j) && isObj(j.counts) && isArr(j.stages) && !event.startsWith('stage:')) {
    const stages = compileStages(playbook.stages || DEFAULT_STAGES, (c) => compileCondition(c, playbook.groups))
    const journey = { ...(j as unknown as Journey), stages: j.stages.map((id) => ({ id: String(id), at: now })) }
    const read = (): DecisionContext => ({ ...context, journey: { ...journey, stages: journey.stages.map((e) => e.id) } })
    step(journey, stages, event, read, now) // stage conditions see the count, not yet the stage
    context.journey = read().journey
  }
  const index = indexRules(playbook.rules, playbook.groups)
  const { fire, heldOut, blocked } = decide(index, event, context, env)
  const reasons = new Map(blocked)
  const winners = new Set([...fire, ...heldOut])

  const outcome = (r: CompiledRule): RuleOutcome => {
    const { rule } = r
    const base = { rule: r.id, kind: rule.offer.kind, placement: rule.offer.placement, priority: r.priority }
    // Disabled rules are not indexed by trigger, so the engine never saw them: ask it directly.
    const why = reasons.get(r.id) ?? (winners.has(r) ? null : blocker(r, context, env))
    if (why) {
      const path = why.startsWith(NOT_MET) ? why.slice(NOT_MET.length) : ''
      // A top-level `$or`/`$and`/`$not` has no single value worth showing.
      return path && path[0] != '$'
        ? { ...base, fires: false, reason: why, path, value: getPath(context, path.split('.')) }
        : { ...base, fires: false, reason: why }
    }
    const offer = resolveOffer(rule.offer, locale, context)
    const languages = perLanguage(rule.offer, context)
    const { rollout } = rule
    if (rollout === undefined) return { ...base, fires: true, reason: 'fires', offer, languages }
    // Without an id the answer is a share of visitors; with one, the visitor's bucket decides.
    const b = id === undefined ? undefined : bucket(id, r.id)
    return (b === undefined ? rollout > 0 : b < rollout)
      ? { ...base, fires: true, reason: 'fires', rollout, bucket: b, offer, languages }
      : { ...base, fires: false, reason: `held out by rollout ${rollout}`, rollout, bucket: b }
  }

  const rules = [...index.byId.values()]
  return {
    event,
    at: new Date(now).toISOString(),
    anonymousId: id ?? null,
    rules: rules.filter((r) => r.rule.on.includes(event)).map(outcome),
    notListening: rules.filter((r) => !r.rule.on.includes(event)).map((r) => r.id),
    context: context as unknown as Record<string, unknown>,
  }
}
