/**
 * `waymark simulate FILE --event NAME …`: which rules would fire for one event, and why
 * the others would not, decided by the SDK's own rules engine so that the reasons are
 * exactly those of `explain` and of debug logging.
 */
import { isObj } from '../is'
import { DATE_FORMAT, parseDate } from '../playbook/dates'
import { getPath } from '../rules/condition'
import { blocker, bucket, dayOf, decide, indexRules, type CompiledRule, type DecisionEnv } from '../rules/engine'
import { fill, ownPath } from '../texts'
import type { OfferSpec, Props } from '../types'
import { parseJson } from './json-position'
import { loadPlaybook } from './load'
import { EXIT, parseFlags, usageError, type CliIO } from './shared'
import { simulationContext } from './simulate-context'
import { formatSimulation } from './simulate-report'

/** What simulate reports for one rule listening to the event. */
export interface RuleOutcome {
  rule: string
  /** True when the offer is shown (without `--id`: to the rollout's share of visitors). */
  fires: boolean
  /** `fires` or the engine's reason, e.g. `condition not met: event.total`. */
  reason: string
  kind: OfferSpec['kind']
  placement?: string
  priority: number
  /** The rule's rollout, when it has one: without `--id`, the share of visitors it fires for. */
  rollout?: number
  /** With `--id`, for a rule with `rollout`: the visitor's bucket in [0, 1). */
  bucket?: number
  /** For `condition not met: <path>`: the path, and what the context holds there (null when absent). */
  path?: string
  value?: unknown
  /** The offer with its texts filled from the context, for rules that fire. */
  offer?: OfferSpec
}

/** The whole simulation, as `--json` prints it. */
export interface Simulation {
  file: string
  version: string | null
  event: string
  at: string
  anonymousId: string | null
  signed: boolean
  rules: RuleOutcome[]
  /** Ids of the rules that do not listen to the event. */
  notListening: string[]
  context: Record<string, unknown>
}

const FLAGS = {
  event: { type: 'string' },
  props: { type: 'string' },
  context: { type: 'string' },
  at: { type: 'string' },
  id: { type: 'string' },
  json: { type: 'boolean' },
} as const

const NOT_MET = 'condition not met: '

// A JSON object from a flag; a mistake in it is a usage error naming the flag.
function objectFlag(value: unknown, flag: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  const result = parseJson(value as string)
  if (!result.ok) throw usageError(`simulate: --${flag} is not valid JSON (${result.reason} at column ${result.column})`)
  const parsed = result.value
  if (!isObj(parsed)) throw usageError(`simulate: --${flag} must be a JSON object`)
  return parsed
}

// The offer as the SDK hands it over: texts filled from the context, code and href never.
function resolveOffer(spec: OfferSpec, context: unknown): OfferSpec {
  const text = (t: string | undefined) => t && fill(t, (path) => ownPath(context, path))
  const offer: OfferSpec = { ...spec, title: text(spec.title), body: text(spec.body) }
  if (spec.cta) offer.cta = { ...spec.cta, label: text(spec.cta.label)! }
  return JSON.parse(JSON.stringify(offer)) // drops the texts that are absent
}

/** A simulation request, as parsed from the command line. */
export interface SimulateOptions {
  file: string
  event: string
  props?: Props
  /** Merged deeply over the default (first visit) context. */
  context?: Record<string, unknown>
  now: number
  /** Anonymous id whose rollout buckets decide; without it, a rollout is reported as a share. */
  id?: string
}

/** Parses `simulate`'s arguments; every mistake is a usage error naming its flag. */
export function parseSimulate(args: string[]): SimulateOptions & { json: boolean } {
  const { values, positionals } = parseFlags('simulate', args, FLAGS, ['FILE'])
  const event = values.event as string | undefined
  if (!event) throw usageError('simulate: missing --event NAME')
  // The playbook's own date rules: ISO 8601 only, a time with its offset.
  const now = values.at === undefined ? Date.now() : parseDate(values.at)
  if (Number.isNaN(now)) throw usageError(`simulate: --at is not a date: ${JSON.stringify(values.at)} (${DATE_FORMAT})`)
  return {
    file: positionals[0],
    event,
    props: objectFlag(values.props, 'props') as Props | undefined,
    context: objectFlag(values.context, 'context'),
    now,
    id: values.id as string | undefined,
    json: !!values.json,
  }
}

/** Decides one simulated event against a playbook file; throws a `cliError` for an invalid playbook. */
export function simulate({ file, event, props, context: overrides, now, id }: SimulateOptions, io: CliIO): Simulation {
  const { playbook, envelope } = loadPlaybook(io, file)
  const context = simulationContext({ event, props, context: overrides, now })
  // No earlier impressions: caps never block, and no overlay is on screen.
  const env: DecisionEnv = { now, anonymousId: id ?? 'simulate', sessionId: 'simulate', day: dayOf(now), impressions: {}, overlay: null }
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
    const offer = resolveOffer(rule.offer, context)
    const { rollout } = rule
    if (rollout === undefined) return { ...base, fires: true, reason: 'fires', offer }
    // Without an id the answer is a share of visitors; with one, the visitor's bucket decides.
    const b = id === undefined ? undefined : bucket(id, r.id)
    return (b === undefined ? rollout > 0 : b < rollout)
      ? { ...base, fires: true, reason: 'fires', rollout, bucket: b, offer }
      : { ...base, fires: false, reason: `held out by rollout ${rollout}`, rollout, bucket: b }
  }

  const rules = [...index.byId.values()]
  return {
    file,
    version: playbook.version ?? null,
    event,
    at: new Date(now).toISOString(),
    anonymousId: id ?? null,
    signed: !!envelope,
    rules: rules.filter((r) => r.rule.on.includes(event)).map(outcome),
    notListening: rules.filter((r) => !r.rule.on.includes(event)).map((r) => r.id),
    context: context as unknown as Record<string, unknown>,
  }
}

/** Runs `simulate`: prints the report (text, or JSON with `--json`); exit 0 for a valid playbook. */
export function simulateCommand(args: string[], io: CliIO): number {
  const options = parseSimulate(args)
  const result = simulate(options, io)
  io.out(options.json ? JSON.stringify(result, null, 2) : formatSimulation(result))
  return EXIT.ok
}
