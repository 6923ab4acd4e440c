/**
 * The plain-text report of `waymark simulate`: one line per rule listening to the event,
 * the filled offer texts under each rule that fires, then what was assumed, so that a
 * reader never mistakes a simulation for a visitor's real state.
 */
import type { RuleOutcome, Simulation } from './simulate'

const pct = (share: number) => `${+(share * 100).toFixed(2)}%`

// "banner top, priority 10"
const describe = (o: RuleOutcome) => `${o.kind}${o.placement ? ' ' + o.placement : ''}, priority ${o.priority}`

// For whom a rule with a rollout fires.
function firesFor(o: RuleOutcome, id: string | null): string {
  if (o.rollout === undefined) return ''
  if (o.bucket === undefined)
    return `, for ${pct(o.rollout)} of visitors (rollout ${o.rollout}; the others are held out; pass --id to decide for one visitor)`
  return `, for visitor ${JSON.stringify(id)} (bucket ${o.bucket} is inside rollout ${o.rollout})`
}

// The filled texts of an offer, indented under its rule.
function offerLines(o: RuleOutcome): string[] {
  const offer = o.offer || { kind: o.kind }
  const lines: Array<[string, unknown]> = [
    ['title', offer.title],
    ['body', offer.body],
    ['cta', offer.cta && (offer.cta.href ? `${offer.cta.label} → ${offer.cta.href}` : offer.cta.label)],
    ['code', offer.code],
    ['data', offer.data === undefined ? undefined : JSON.stringify(offer.data)],
  ]
  const own = lines.filter(([, v]) => v !== undefined).map(([k, v]) => `      ${k.padEnd(6)} ${v}`)
  // Texts given per language: what each listed language gets, one line each.
  const languages = (o.languages || []).map((l) => `      ${('in ' + l.locale).padEnd(9)} ${[l.title, l.body, l.cta].filter((t) => t !== undefined).join(' · ')}`)
  return languages.length ? [...own, '      texts per language:', ...languages] : own
}

// Why a rule does not fire, with the value a failed condition path holds.
function notFiring(o: RuleOutcome, id: string | null): string {
  if (o.rollout !== undefined)
    return `${o.reason} (${o.bucket === undefined ? 'every visitor' : `bucket ${o.bucket} for visitor ${JSON.stringify(id)}`})`
  if (o.path) return `${o.reason} (${o.path} is ${JSON.stringify(o.value)})`
  return o.reason
}

/** Formats a simulation as plain text, e.g. `fires  free-shipping-nudge: banner top, priority 10`. */
export function formatSimulation(s: Simulation): string {
  const head = `${s.event} · ${s.file}${s.version ? ` (version ${s.version})` : ''} · at ${s.at}`
  const lines = [head]
  if (!s.rules.length) lines.push(`no rule listens to ${s.event}`)
  for (const o of s.rules) {
    if (o.fires) {
      lines.push(`  fires  ${o.rule}: ${describe(o)}${firesFor(o, s.anonymousId)}`, ...offerLines(o))
    } else lines.push(`  no     ${o.rule}: ${notFiring(o, s.anonymousId)}`)
  }
  if (s.notListening.length) lines.push(`not listening to ${s.event}: ${s.notListening.join(', ')}`)
  lines.push(
    'assumed: no earlier impressions (no cap is reached, no overlay is on screen); a first visit, unless --context says otherwise',
  )
  if (s.signed) lines.push('signed playbook: signature not checked (use `waymark validate --public-key`)')
  return lines.join('\n')
}
