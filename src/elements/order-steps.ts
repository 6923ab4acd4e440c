/** The stepper's model and the order's details, rendered as text nodes only. */
import { FINAL, FLOW } from '../order-statuses'
import type { Order, Waymark } from '../types'
import { h, link, named, safeUrl } from './dom'
import { daysUntil, formatDay, toDate, tx } from './texts'

/** Where a step stands relative to the order's status. */
export type StepState = 'done' | 'current' | 'upcoming'

/**
 * The steps shown for a status: the normal course, or placed → cancelled, or the whole
 * course done → returned. An unknown status marks no step.
 */
export function stepsFor(status: string): Array<[step: string, state: StepState]> {
  const line = status === 'cancelled' ? ['placed', 'cancelled'] : status === 'returned' ? [...FLOW, 'returned'] : FLOW
  const at = line.indexOf(status)
  return line.map((step, i) => [step, i < at ? 'done' : i === at ? 'current' : 'upcoming'])
}

/** A status's name in the visitor's language (the raw status when it is not a known one). */
export const statusName = (wm: Waymark, status: string): string => tx(wm, `order.status.${status}`) || status

/** A remote field as text, or '' when it is not a string or number. */
const text = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v).trim() : '')

/** The nodes of a shown order: stepper, ETA, carrier, tracking link. */
export function orderView(wm: Waymark, order: Order, now: Date = new Date()): HTMLElement[] {
  const nodes: HTMLElement[] = [
    h(
      'ol',
      named('steps', { 'aria-label': tx(wm, 'order.steps') }),
      ...stepsFor(String(order.status)).map(([step, state]) =>
        h(
          'li',
          { part: `step step-${state}`, class: `step ${state} ${step}`, 'aria-current': state === 'current' ? 'step' : undefined },
          statusName(wm, step),
        ),
      ),
    ),
  ]
  const eta = FINAL.includes(order.status) ? null : toDate(order.eta)
  if (eta) {
    nodes.push(h('p', named('eta'), tx(wm, 'order.eta', { date: formatDay(wm, eta) })))
    const days = daysUntil(eta, now)
    if (days > 0) nodes.push(h('p', { part: 'eta-days', class: 'days' }, tx(wm, 'order.arrives', { count: days })))
  }
  const carrier = text(order.carrier)
  if (carrier) nodes.push(h('p', named('carrier'), tx(wm, 'order.carrier', { carrier })))
  const url = safeUrl(order.trackingUrl)
  if (url) nodes.push(h('p', { class: 'tracking-line' }, link(url, named('tracking'), tx(wm, 'order.track'))))
  return nodes
}
