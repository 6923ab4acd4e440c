/**
 * Preview links and the debug panel's data (contract: "Preview links"), on a site with
 * `preview: true` only. `?waymark-preview=<rule-id>` shows that rule's offer as the playbook
 * has it, past the engine (trigger, condition, schedule, cap, rollout, `enabled`) and past the
 * recorder: nothing is counted, stored or delivered for it. `?waymark-debug` keeps what the
 * panel (`<waymark-debug>`, in the elements) shows, on the instance under {@link DEBUG}. The
 * preview's offer is a part (`preview-offer.ts`): a page without the link never loads it.
 */
import type { DecisionContext } from './context'
import type { previewPart } from './parts'
import { offerTexts } from './texts'
import type { Offer, Playbook, Props, Rule } from './types'

/**
 * Where the debug panel finds an instance's {@link DebugData}: a symbol, not a public method,
 * so the contract's `Waymark` stays as it is and only a page opened with `?waymark-debug` has it.
 */
export const DEBUG = Symbol.for('waymark.debug')

/** How many of the latest triggers the panel lists. */
export const DEBUG_TRIGGERS = 10

/** What the debug panel shows; the panel reads it again on every `event` and `playbook`. */
export interface DebugData {
  /** The playbook in force: its version and where it came from; null before the first. */
  playbook: { version: string | null; from: string } | null
  /** The ids of its rules, in playbook order (the panel asks `explain` about each). */
  rules: string[]
  /** The latest triggers decided, oldest first. */
  triggers: Array<{ name: string; at: number }>
}

/** The preview side of one instance. */
export interface Preview {
  /** A playbook was put in force. */
  use(playbook: Playbook, from: string): void
  /** A trigger was decided. */
  seen(trigger: string, now: number): void
  /**
   * After `ready` (the visitor's state is loaded, so texts fill as a real offer's would) and
   * the preview's part (so a playbook put in force meanwhile is the one shown): shows
   * the rule's offer from the playbook in force, then fetches the newest copy (`refresh`), which
   * shows it again if its offer changed there; an id neither copy has is reported once.
   */
  start(refresh: () => Promise<void>): Promise<void>
  /** Present with `?waymark-debug`. */
  debug?: DebugData
}

/**
 * Creates the preview side of an instance from the page's query (`location.search`), or
 * undefined when it asks for neither a preview nor the panel.
 */
export function createPreview(
  context: (props: Props, now: number, trigger: string) => DecisionContext,
  emit: (offer: Offer) => void,
  fail: (message: string) => void,
  load: typeof previewPart,
): Preview | undefined {
  const query = new URLSearchParams(location.search)
  const id = query.get('waymark-preview')
  const debug: DebugData | undefined = query.has('waymark-debug') ? { playbook: null, rules: [], triggers: [] } : undefined
  if (!id && !debug) return
  let rules: Rule[] = []
  // Once the part has loaded: whether the playbook in force has the rule; shows its offer when new or changed.
  let show: ((rules: Rule[]) => boolean) | undefined

  return {
    debug,
    use(playbook, from) {
      rules = playbook.rules || []
      if (debug) (debug.playbook = { version: playbook.version ?? null, from }), (debug.rules = rules.map((r) => r.id))
      show?.(rules)
    },
    seen(trigger, now) {
      if (debug && debug.triggers.push({ name: trigger, at: now }) > DEBUG_TRIGGERS) debug.triggers.shift()
    },
    async start(refresh) {
      if (!id) return
      const part = await load()
      show = part.createShow(id, { context, emit, texts: offerTexts })
      show(rules)
      await refresh()
      if (!show(rules)) fail(`preview: no rule "${id}" in the playbook in force`)
    },
  }
}
