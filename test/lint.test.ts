// lintPlaybook: warnings for a valid playbook that would silently never fire (unknown context
// paths, mistyped event names, stage:/place:/order: naming nothing), never for a custom event
// with no close known name.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { distance, lintPlaybook } from '../src/cli/lint'
import { validatePlaybook } from '../src/playbook/validate'
import type { Playbook, Rule } from '../src/types'

const STAGES = [
  { id: 'consider', on: ['page'] },
  { id: 'buy', on: ['cart_viewed', 'checkout_started'] },
  { id: 'enjoy', on: ['order:delivered'], loop: true },
]
const rule = (extra: Partial<Rule>): Rule => ({ id: 'welcome', on: ['page'], offer: { kind: 'toast', title: 'Hi' }, ...extra })
/** The warnings for rules (after two plain ones, so indexes are visible), as `label: message`. */
function lint(rules: Array<Partial<Rule>>, extra: Partial<Playbook> = { stages: STAGES }): string[] {
  const playbook = { ...extra, rules: [rule({ id: 'a' }), rule({ id: 'b', on: ['order_completed'] }), ...rules.map(rule)] }
  expect(validatePlaybook(playbook).ok).toBe(true)
  return lintPlaybook(playbook).map((w) => `${w.label}: ${w.message}`)
}

describe('lintPlaybook: context paths', () => {
  it.each([
    ['visit.returing', 'rules[2] (welcome).if.visit.returing: unknown context path; did you mean "visit.returning"?'],
    ['Visit.returning', 'rules[2] (welcome).if.Visit.returning: unknown context path; did you mean "visit.returning"?'],
    ['device.local', 'rules[2] (welcome).if.device.local: unknown context path; did you mean "device.locale"?'],
    ['usr.firstName', 'rules[2] (welcome).if.usr.firstName: unknown context path; did you mean "user.firstName"?'],
    ['page.qeury.utm', 'rules[2] (welcome).if.page.qeury.utm: unknown context path; did you mean "page.query.utm"?'],
    ['time.weekdays', 'rules[2] (welcome).if.time.weekdays: unknown context path; did you mean "time.weekday"?'],
    ['basket.total', 'rules[2] (welcome).if.basket.total: unknown context path'],
  ])('%s', (path, warning) => {
    expect(lint([{ if: { [path]: true } }])).toEqual([warning])
  })

  it.each([
    'event.total', 'event.items.0.sku', 'user.id', 'user.firstName', 'user.plan', 'visit.count', 'visit.returning',
    'visit.daysSinceLast', 'session.count', 'session.id', 'journey.stage', 'journey.stages', 'journey.stages.0',
    'journey.cycle', 'journey.counts.cart_viewed', 'journey.counts.page', 'journey.counts.offer_shown', 'page.path',
    'page.url', 'page.referrer', 'page.query.utm_source', 'device.mobile', 'device.locale', 'time.hour', 'time.weekday',
    'order.status', 'place.id', 'user', 'event',
  ])('no warning for %s', (path) => {
    expect(lint([{ if: { [path]: { $exists: true } } }])).toEqual([])
  })

  it('looks inside $and, $or, $nor and $not, but not inside $elemMatch (its paths are the items\')', () => {
    const cond = {
      $and: [{ 'visit.count': 1 }, { $or: [{ 'page.pth': '/' }] }],
      $nor: [{ 'time.hur': 3 }],
      $not: { 'device.mobil': true },
      'journey.stages': { $elemMatch: { sku: 1 } },
    }
    expect(lint([{ if: cond }])).toEqual([
      'rules[2] (welcome).if.$and[1].$or[0].page.pth: unknown context path; did you mean "page.path"?',
      'rules[2] (welcome).if.$nor[0].time.hur: unknown context path; did you mean "time.hour"?',
      'rules[2] (welcome).if.$not.device.mobil: unknown context path; did you mean "device.mobile"?',
    ])
  })

  it('checks stage conditions, and the event of journey.counts.<event>', () => {
    const stages = [...STAGES, { id: 'bond', on: ['order_completed'], if: { 'journey.counts.order_complete': { $gte: 2 }, 'visit.retrning': true } }]
    expect(lint([], { stages })).toEqual([
      'stages[3] (bond).if.journey.counts.order_complete: "order_complete" is not emitted by anything the playbook knows; did you mean "order_completed"?',
      'stages[3] (bond).if.visit.retrning: unknown context path; did you mean "visit.returning"?',
    ])
  })

  it('gives the JSON path apart from the label', () => {
    const [w] = lintPlaybook({ rules: [rule({ if: { 'visit.returing': true } })] })
    expect(w).toEqual({ path: 'rules[0].if.visit.returing', label: 'rules[0] (welcome).if.visit.returing', message: 'unknown context path; did you mean "visit.returning"?' })
  })
})

describe('lintPlaybook: event names', () => {
  it.each([
    [['cart_view'], 'rules[2] (welcome).on[0]: "cart_view" is not emitted by anything the playbook knows; did you mean "cart_viewed"?'],
    [['page', 'cart_veiwed'], 'rules[2] (welcome).on[1]: "cart_veiwed" is not emitted by anything the playbook knows; did you mean "cart_viewed"?'],
    [['cartViewed'], 'rules[2] (welcome).on[0]: "cartViewed" is not emitted by anything the playbook knows; did you mean "cart_viewed"?'],
    [['checkout_start'], 'rules[2] (welcome).on[0]: "checkout_start" is not emitted by anything the playbook knows; did you mean "checkout_started"?'],
    [['pages'], 'rules[2] (welcome).on[0]: "pages" is not emitted by anything the playbook knows; did you mean "page"?'],
    [['session_started'], 'rules[2] (welcome).on[0]: "session_started" is not emitted by anything the playbook knows; did you mean "session_start"?'],
    [['stage:bye'], 'rules[2] (welcome).on[0]: "stage:bye" names no stage; did you mean "stage:buy"?'],
    [['stage:loyal'], 'rules[2] (welcome).on[0]: "stage:loyal" names no stage (stages: consider, buy, enjoy)'],
    [['order:shiped'], 'rules[2] (welcome).on[0]: "order:shiped" names no order status; did you mean "order:shipped"?'],
    [['order:lost'], 'rules[2] (welcome).on[0]: "order:lost" names no order status (order statuses: placed, paid, packed, shipped, out_for_delivery, delivered, cancelled, returned)'],
    [['place:shop'], 'rules[2] (welcome).on[0]: "place:shop" names no place (the playbook has no places)'],
    [['offer_shown'], 'rules[2] (welcome).on[0]: "offer_shown" triggers no rules: offer events never do, so offers cannot cascade'],
  ])('%j', (on, warning) => {
    expect(lint([{ on }])).toEqual([warning])
  })

  it.each([
    ['custom events with no close known name', ['newsletter_signup', 'wishlist_added', 'sale', 'x']],
    ['built-in triggers', ['page', 'session_start', 'identify', 'stage:buy', 'order:shipped', 'order:out_for_delivery']],
    ["names some stage or another rule lists", ['checkout_started', 'order_completed']],
  ])('no warning for %s', (_, on) => {
    expect(lint([{ on }])).toEqual([])
  })

  it('between two rules nothing says which is meant: both are named', () => {
    expect(lint([{ on: ['order_complete'] }])).toEqual([
      'rules[1] (b).on[0]: "order_completed" is not emitted by anything the playbook knows; did you mean "order_complete"?',
      'rules[2] (welcome).on[0]: "order_complete" is not emitted by anything the playbook knows; did you mean "order_completed"?',
    ])
  })

  it('a name another rule lists too is known (as the brief has it: every other rule\'s `on`)', () => {
    expect(lint([{ on: ['cart_view'] }, { id: 'c', on: ['cart_view'] }])).toEqual([])
  })

  it('knows places, the default stages when the playbook has none, and checks stages[].on', () => {
    const places = [{ id: 'store-tverskaya', lat: 55.7, lng: 37.6, radius: 150 }]
    expect(lint([{ on: ['place:store-tverskaya', 'stage:evaluate', 'place:store-tverskya'] }], { places })).toEqual([
      'rules[2] (welcome).on[2]: "place:store-tverskya" names no place; did you mean "place:store-tverskaya"?',
    ])
    expect(lint([], { stages: [...STAGES, { id: 'advocate', on: ['review_writen', 'offer_clicked'] }], rules: [] })).toEqual([])
    // Between stages nothing says which is meant: both are named.
    expect(lintPlaybook({ stages: [{ id: 'x', on: ['checkout_start'] }, { id: 'y', on: ['checkout_started'] }] })).toEqual([
      { path: 'stages[0].on[0]', label: 'stages[0] (x).on[0]', message: '"checkout_start" is not emitted by anything the playbook knows; did you mean "checkout_started"?' },
      { path: 'stages[1].on[0]', label: 'stages[1] (y).on[0]', message: '"checkout_started" is not emitted by anything the playbook knows; did you mean "checkout_start"?' },
    ])
    // A rule does not make a stage's name suspect: the rule is the one that follows.
    expect(lintPlaybook({ stages: [{ id: 'x', on: ['checkout_started'] }], rules: [rule({ on: ['checkout_start'] })] }).map((w) => w.path)).toEqual(['rules[0].on[0]'])
  })

  it('finds nothing in the demo playbook', () => {
    const demo = JSON.parse(readFileSync(resolve('examples/server/playbook.json'), 'utf8'))
    expect(lintPlaybook(demo)).toEqual([])
  })
})

describe('distance', () => {
  it.each([
    ['', '', 0], ['a', '', 1], ['returing', 'returning', 1], ['cart_veiwed', 'cart_viewed', 1], ['kitten', 'sitting', 3],
  ])('%s → %s: %i', (a, b, d) => {
    expect(distance(a, b)).toBe(d)
    expect(distance(b, a)).toBe(d)
  })
})
