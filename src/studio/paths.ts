/**
 * From a validator or lint message to the field it is about. Messages name a JSON path
 * (`rules[2].cap.day: must be a non-negative integer (rule "nudge")`, as `validatePlaybook` says
 * it, or with the rule's id in the path as lint labels do: `rules[2] (nudge).cap.day: …`); the studio registers each field under the path
 * it edits, written the same way (`rules[2].cap.day`), and a message goes to the deepest
 * field whose path is a prefix of its own: a condition's `rules[0].if.event.total` lands on
 * the condition editor registered as `rules[0].if`.
 */

/** A message split into its path (rule ids removed) and its text. */
export interface ParsedMessage {
  /** The JSON path as the studio writes it, e.g. `rules[2].cap.day`; '' when the message names none. */
  path: string
  /** What is wrong, without the path. */
  text: string
}

// A path: a key, or `[n]` (with an optional ` (rule-id)`), then `.key` or `[n]` parts; no spaces.
const PATH = /^((?:[^\s:[\]]+|\[\d+\](?: \([^()]*\))?)(?:\.[^\s:[]+|\[\d+\](?: \([^()]*\))?)*): /

/** Splits `rules[2] (nudge).cap.day: must be …` into `rules[2].cap.day` and `must be …`. */
export function parseMessage(message: string): ParsedMessage {
  const m = PATH.exec(message)
  if (!m) return { path: '', text: message }
  // The validator ends a message about a rule with ` (rule "id")`: at the rule's own field the
  // id says nothing new.
  const text = message.slice(m[0].length).replace(/ \(rule "(?:[^"\\]|\\.)*"\)$/, '')
  return { path: m[1].replace(/(\[\d+\]) \([^()]*\)/g, '$1'), text }
}

/** A field's path from its parts: `['rules', 2, 'cap', 'day']` → `rules[2].cap.day`. */
export function pathOf(parts: Array<string | number>): string {
  return parts.map((p, i) => (typeof p == 'number' ? `[${p}]` : i ? '.' + p : p)).join('')
}

/**
 * The registered path a message's path belongs to: itself, or the longest registered prefix
 * ending at a part boundary (`.` or `[`); null when none (the message only shows in the summary).
 */
export function fieldFor(path: string, registered: Iterable<string>): string | null {
  let best: string | null = null
  for (const key of registered) {
    const fits = key !== '' && (path === key || (path.startsWith(key) && (path[key.length] == '.' || path[key.length] == '[')))
    if (fits && (best === null || key.length > best.length)) best = key
  }
  return best
}
