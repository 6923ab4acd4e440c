/**
 * `waymark simulate FILE --event NAME …`: which rules would fire for one event, and why
 * the others would not. The flags and the file are read here; the deciding is
 * `simulatePlaybook` (simulate-core.ts), which the studio runs in the browser.
 */
import { isObj } from '../is'
import { DATE_FORMAT, parseDate } from '../playbook/dates'
import type { Props } from '../types'
import { parseJson } from './json-position'
import { loadPlaybook } from './load'
import { EXIT, parseFlags, usageError, type CliIO } from './shared'
import { simulatePlaybook, type RuleOutcome } from './simulate-core'
import { formatSimulation } from './simulate-report'

export type { RuleOutcome } from './simulate-core'

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
  locale: { type: 'string' },
  json: { type: 'boolean' },
} as const

// A well-formed language tag with a 2-3 letter language, as the SDK's locale check has it.
const TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i

// A JSON object from a flag; a mistake in it is a usage error naming the flag.
function objectFlag(value: unknown, flag: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined
  const result = parseJson(value as string)
  if (!result.ok) throw usageError(`simulate: --${flag} is not valid JSON (${result.reason} at column ${result.column})`)
  const parsed = result.value
  if (!isObj(parsed)) throw usageError(`simulate: --${flag} must be a JSON object`)
  return parsed
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
  /** The visitor's locale (`--locale`, default `en`): it picks the texts of offers given per language. */
  locale?: string
}

/** Parses `simulate`'s arguments; every mistake is a usage error naming its flag. */
export function parseSimulate(args: string[]): SimulateOptions & { json: boolean } {
  const { values, positionals } = parseFlags('simulate', args, FLAGS, ['FILE'])
  const event = values.event as string | undefined
  if (!event) throw usageError('simulate: missing --event NAME')
  // The playbook's own date rules: ISO 8601 only, a time with its offset.
  const now = values.at === undefined ? Date.now() : parseDate(values.at)
  if (Number.isNaN(now)) throw usageError(`simulate: --at is not a date: ${JSON.stringify(values.at)} (${DATE_FORMAT})`)
  const locale = values.locale as string | undefined
  if (locale !== undefined && !TAG.test(locale)) throw usageError(`simulate: --locale is not a language tag: ${JSON.stringify(locale)} (e.g. en, ru-RU)`)
  return {
    file: positionals[0],
    event,
    props: objectFlag(values.props, 'props') as Props | undefined,
    context: objectFlag(values.context, 'context'),
    now,
    id: values.id as string | undefined,
    locale,
    json: !!values.json,
  }
}

/** Decides one simulated event against a playbook file; throws a `cliError` for an invalid playbook. */
export function simulate({ file, event, props, context, now, id, locale }: SimulateOptions, io: CliIO): Simulation {
  const { playbook, envelope } = loadPlaybook(io, file)
  const result = simulatePlaybook(playbook, { event, props, context, now, id, locale })
  // Keys in the order `--json` has always printed them.
  const { at, anonymousId, rules, notListening } = result
  return { file, version: playbook.version ?? null, event, at, anonymousId, signed: !!envelope, rules, notListening, context: result.context }
}

/** Runs `simulate`: prints the report (text, or JSON with `--json`); exit 0 for a valid playbook. */
export function simulateCommand(args: string[], io: CliIO): number {
  const options = parseSimulate(args)
  const result = simulate(options, io)
  io.out(options.json ? JSON.stringify(result, null, 2) : formatSimulation(result))
  return EXIT.ok
}
