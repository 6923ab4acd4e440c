import { redactQuery, redactUrl } from './redact'
import type { Props } from './types'
import type { VisitorState } from './visitor'

const DAY_MS = 864e5

/** The decision context rules and stage conditions read (`event.total`, `visit.returning`, …). */
export interface DecisionContext {
  event: Props
  user: Props
  visit: { count: number; returning: boolean; daysSinceLast: number | null }
  session: { id: string; count: number }
  journey: { stage: string | null; stages: string[]; counts: Record<string, number>; cycle: number }
  readonly page: { path: string; url: string; referrer: string; query: Record<string, string> }
  readonly device: { mobile: boolean; locale: string }
  readonly time: { hour: number; weekday: number }
  order?: { status: string }
  /** The playbook's place the visitor is at (`place.id`), or null. */
  readonly place: { id: string | null }
}

/** What the context takes from the instance rather than from the visitor. */
export interface ContextEnv {
  locale: string
  /** Query names whose values are `REDACTED` in `page.*`. */
  redact: string[]
  place: string | null
}

/**
 * Builds the decision context for one event. The parts that touch the DOM or parse
 * strings (page, device, time) are computed only if a condition reads them. An event
 * that triggers as `order:<status>` also carries `order.status`. The page's URLs are seen as
 * they would be recorded: no fragment, the query names in `redact` with `REDACTED` values.
 */
export function buildContext(s: VisitorState, props: Props, now: number, trigger: string, { locale, redact, place }: ContextEnv): DecisionContext {
  let page: DecisionContext['page'] | undefined
  let device: DecisionContext['device'] | undefined
  let time: DecisionContext['time'] | undefined
  return {
    event: props,
    user: { ...s.traits, id: s.userId },
    visit: {
      count: s.visits,
      returning: s.visits > 1,
      daysSinceLast: s.previousSeen === null ? null : Math.max(0, Math.floor((now - s.previousSeen) / DAY_MS)),
    },
    session: { id: s.sessionId, count: s.sessionEvents },
    journey: { ...s.journey, stages: s.journey.stages.map((e) => e.id) },
    get page() {
      if (!page) {
        const loc = typeof location === 'object' ? location : undefined
        page = {
          path: loc ? loc.pathname : '',
          url: loc ? redactUrl(loc.href, redact) : '',
          referrer: typeof document === 'object' ? redactUrl(document.referrer, redact) : '',
          query: loc ? redactQuery(loc.search, redact) : {},
        }
      }
      return page
    },
    get device() {
      const nav = typeof navigator === 'object' ? (navigator as Navigator & { userAgentData?: { mobile: boolean } }) : undefined
      return (device ||= {
        mobile: !!nav && (nav.userAgentData ? nav.userAgentData.mobile : /Mobi|Android/i.test(nav.userAgent)),
        locale,
      })
    },
    get time() {
      const d = new Date(now)
      return (time ||= { hour: d.getHours(), weekday: d.getDay() })
    },
    place: { id: place },
    ...(trigger.startsWith('order:') && { order: { status: trigger.slice(6) } }),
  }
}
