/**
 * Carries out the rules engine's decisions for one instance: counts impressions for caps,
 * records `offer_shown` / `offer_held_out` / `offer_clicked` / `offer_dismissed`, keeps the
 * single overlay slot, resolves offer texts, and answers `explain`.
 */
import type { DecisionContext } from './context'
import { blocker, capReached, countImpression, dayOf, decide, type DecisionEnv, type CompiledRule, inRollout, indexRules } from './rules/engine'
import { offerTexts } from './texts'
import type { Explanation, Offer, Playbook, Props, WaymarkEvent } from './types'
import { has } from './is'
import { trimImpressions, type VisitorState } from './visitor'

/** What the offers need from the instance. */
export interface OfferDeps {
  state(): VisitorState
  context(props: Props, now: number, trigger: string): DecisionContext
  /** Records an offer event (and persists the impression counts changed before it). */
  record(name: string, props: Props): WaymarkEvent | undefined
  emit(offer: Offer): void
  /**
   * Runs `fn` while no other tab of the namespace can show an offer, after taking in the
   * impression counts they stored, and stores the counts before letting them go on. Absent
   * (or running `fn` at once) where tabs cannot coordinate.
   */
  exclusive?(fn: () => void): void
  /** Marks activity now, starting a new visit if the last one went idle meanwhile. */
  touch(): void
  log(...args: unknown[]): void
}

/** The offers of one instance. */
export interface Offers {
  /** Replaces the rules (once per playbook version). */
  use(rules: Playbook['rules'], groups: Playbook['groups']): void
  /** Decides a trigger and shows, holds out or logs each listening rule. */
  run(trigger: string, props: Props, now: number): void
  explain(ruleId: string): Explanation
  /** Forgets the overlay on screen and the trigger events seen (logout). */
  reset(): void
}

/** Creates the offers of an instance. */
export function createOffers(deps: OfferDeps): Offers {
  let index = indexRules()
  let overlay: string | null = null
  let seq = 0
  // The latest props of each trigger a rule listens to, so explain() can replay it.
  const last = new Map<string, [seq: number, props: Props]>()
  // A first visit's first events happen before its playbook has arrived (decisions never
  // wait for it): they are decided when it does, so a welcome offer still shows.
  let early: Array<[string, Props]> | null = []

  // Counts an impression (or a hold-out); a rule new to the record may push an old one out.
  const count = (e: DecisionEnv, id: string): void => {
    const fresh = !has(e.impressions, id)
    countImpression(e.impressions, id, e)
    if (fresh) trimImpressions(e.impressions, id)
  }

  const env = (now: number): DecisionEnv => {
    const s = deps.state()
    return { now, anonymousId: s.anonymousId, sessionId: s.sessionId, day: dayOf(now), impressions: s.impressions, overlay }
  }

  // Texts, in the visitor's language, may hold {path|fallback} templates; the result is plain text, never markup.
  const show = (r: CompiledRule, context: DecisionContext, trigger: string, now: number, shown: WaymarkEvent): Offer => {
    const spec = r.rule.offer
    let done = false
    const end = (name: string) => () => {
      if (done) return
      done = true
      if (overlay === r.id) overlay = null
      deps.record(name, { rule: r.id, offer: shown.id })
    }
    return {
      id: shown.id, rule: r.id, kind: spec.kind,
      ...offerTexts(spec, context.device.locale, context),
      code: spec.code, placement: spec.placement, data: spec.data,
      trigger, at: now, click: end('offer_clicked'), dismiss: end('offer_dismissed'),
    }
  }

  return {
    use(rules, groups) {
      index = indexRules(rules, groups)
      const waited = early
      early = null
      if (waited) for (const [trigger, props] of waited) this.run(trigger, props, Date.now())
    },
    run(trigger, props, now) {
      if (early && early.length < 20) early.push([trigger, props])
      if (!index.byTrigger.has(trigger)) return
      last.set(trigger, [++seq, props])
      const e = env(now)
      const context = deps.context(props, now, trigger)
      const { fire, heldOut, blocked } = decide(index, trigger, context, e)
      for (const [rule, why] of blocked) deps.log('rule', rule, why)
      for (const r of heldOut) {
        deps.log('rule', r.id, `held out by rollout ${r.rule.rollout}`)
        count(e, r.id)
        deps.record('offer_held_out', { rule: r.id })
      }
      const fireOne = (r: CompiledRule, e: DecisionEnv): void => {
        deps.log('rule', r.id, 'fires')
        count(e, r.id)
        if (r.slot === 'overlay') overlay = r.id
        const shown = deps.record('offer_shown', { rule: r.id, kind: r.rule.offer.kind })
        if (shown) deps.emit(show(r, context, trigger, now, shown))
      }
      for (const r of fire) {
        if (!r.rule.cap || !deps.exclusive) {
          fireOne(r, e)
          continue
        }
        // A capped offer: two tabs deciding at the same moment must not both show it. The
        // overlay slot is held while the other tabs' counts are taken in (a few ms).
        if (r.slot === 'overlay') overlay = r.id
        deps.exclusive(() => {
          // The wait may have been long (a frozen tab): the visit is brought up to date first,
          // so the cap is checked and counted in the visit the offer is shown in.
          deps.touch()
          const now2 = env(Date.now())
          const capped = capReached(r, now2)
          if (!capped) return fireOne(r, now2)
          if (overlay === r.id) overlay = null
          deps.log('rule', r.id, `${capped} (shown in another tab)`)
        })
      }
    },
    explain(ruleId) {
      const r = index.byId.get(ruleId)
      if (!r) return { rule: ruleId, fires: false, reason: 'no such rule', trigger: null }
      let seen: [number, Props] | undefined
      let trigger: string | null = null
      for (const t of r.rule.on) {
        const l = last.get(t)
        if (l && (!seen || l[0] > seen[0])) (seen = l), (trigger = t)
      }
      const now = Date.now()
      const e = env(now)
      const reason =
        blocker(r, deps.context(seen ? seen[1] : {}, now, trigger || r.rule.on[0]), e) ||
        (inRollout(r, e.anonymousId) ? null : `held out by rollout ${r.rule.rollout}`)
      return { rule: ruleId, fires: !reason, reason: reason || 'fires', trigger }
    },
    reset() {
      overlay = null
      last.clear()
    },
  }
}
