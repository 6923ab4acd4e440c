/**
 * The preview link's offer (contract: "Preview links"), a part: only a page opened with
 * `?waymark-preview=<rule-id>` on a site with `preview: true` loads it (see `preview.ts`).
 */
import type { DecisionContext } from './context'
import type { offerTexts } from './texts'
import type { Offer, Props, Rule } from './types'

/** What showing a preview needs from the instance. */
export interface ShowDeps {
  context(props: Props, now: number, trigger: string): DecisionContext
  emit(offer: Offer): void
  /**
   * The core's `offerTexts`, handed over so that the split script tag's part does not carry a
   * second copy of the template code.
   */
  texts: typeof offerTexts
}

/**
 * The preview link's offer for `rule`: its texts in the visitor's language, filled from the
 * context as a live offer's are (plain text, never markup); click and dismiss record nothing.
 */
export function previewOffer(rule: Rule, context: DecisionContext, now: number, texts: typeof offerTexts): Offer {
  const { kind, code, placement, data } = rule.offer
  const close = (): void => {}
  return {
    kind, code, placement, data,
    ...texts(rule.offer, context.device.locale, context),
    id: `preview:${rule.id}`, rule: rule.id, trigger: 'preview', at: now, preview: true, click: close, dismiss: close,
  }
}

/**
 * Returns what shows rule `id`'s offer from a playbook's rules: true when they have the rule;
 * its offer is emitted the first time, and again only when it changed.
 */
export function createShow(id: string, d: ShowDeps): (rules: Rule[]) => boolean {
  let shown: string | undefined // the offer as last shown
  return (rules) => {
    const rule = rules.find((r) => r.id === id)
    const spec = rule && JSON.stringify(rule.offer)
    if (rule && spec !== shown) {
      shown = spec
      const now = Date.now()
      d.emit(previewOffer(rule, d.context({}, now, 'preview'), now, d.texts))
    }
    return !!rule
  }
}
