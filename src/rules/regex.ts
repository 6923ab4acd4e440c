/** Regexes in conditions: what the compiler refuses to run and the validator reports. */

/** An open group while scanning a pattern. */
interface Group {
  /** It holds a repetition (`a+`, `(b)*`…). */
  rep: boolean
  /** It holds, somewhere inside, alternatives that overlap. */
  amb: boolean
  /** The literal start of each alternative read so far ('': it may start anywhere). */
  alts: string[]
  /** The literal start of the alternative being read… */
  lit: string
  /** …and whether it is complete (something other than a plain character came). */
  done: boolean
}

const isRep = (c: string | undefined): boolean => c == '*' || c == '+' || c == '{'
// Sticky: tried at one position, so that a long pattern is never copied per character.
const UNBOUNDED = /[*+]|\{\d+,\}/y
const GROUP_PREFIX = /\?(:|=|!|<=|<!|<[\w$]*>)|/y
const at = (re: RegExp, s: string, i: number): RegExpExecArray => ((re.lastIndex = i), re.exec(s)!)

// Ends the current alternative's literal start, at `lit` (by default, what was read).
const complete = (g: Group | undefined, lit = g?.lit): void => {
  if (g && !g.done) (g.done = true), (g.lit = lit!)
}

/**
 * Why a pattern could take seconds or more on a near miss, or '' when it would not:
 * - "nested quantifiers": a repeated group that itself holds a repetition or an optional
 *   part, like `(a+)+`, `(\w*x)*`, `((ab)+c){2,}` or `(a?){2,}`;
 * - "overlapping alternatives": a repeated or optional group whose alternatives can match the
 *   same text, like `(a|a)*`, `(a|ab)+` or `(\w|_)?` (`(cat|dog)+` is fine: they part at a letter);
 * - "three or more unbounded wildcards", like `.*a.*b.*c`, or "three or more unbounded
 *   repetitions in a row", like `a+a+a+b` or `\s*\w+\s*`: not exponential, but the splits
 *   multiply to seconds on a crafted 1,000-character value.
 * A heuristic (it does not try to prove ambiguity), deliberately strict for playbooks: page
 * input reaches these patterns, and one that never finishes freezes the page.
 */
export const pathological = (s: string): string => {
  const open: Group[] = []
  let wild = 0 // unbounded wildcards: `.*`, `.+`, `.{2,}`
  let run = 0 // unbounded repetitions in a row, like `a+\s*b+`; a group counts as one
  let most = 0
  const runs: number[] = [] // the run outside each open group
  // An atom (character, escape, class, `.` or group) ends before `next`: is it repeated unboundedly?
  const atom = (next: number): void => {
    run = at(UNBOUNDED, s, next) ? run + 1 : 0
    most = Math.max(most, run)
  }
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    const g: Group | undefined = open[open.length - 1]
    if (c == '\\') {
      const n = s[++i]
      // An escape that stands for a set of characters or an assertion ends the literal start.
      if (!n || /[dDwWsSbBpPuxck0-9]/.test(n)) complete(g)
      else if (g && !g.done) g.lit += n
      atom(i + 1)
    } else if (c == '[') {
      // A character class holds no groups or quantifiers; skip it (and its escapes).
      for (i++; i < s.length && s[i] != ']'; i++) if (s[i] == '\\') i++
      complete(g)
      atom(i + 1)
    } else if (c == '(') {
      complete(g)
      runs.push(run)
      run = 0
      open.push({ rep: false, amb: false, alts: [], lit: '', done: false })
      // (?:…), (?=…), (?!…), (?<=…), (?<!…), (?<name>…): the prefix is not text to match.
      i += at(GROUP_PREFIX, s, i + 1)[0].length
    } else if ((c == '|' || c == ')') && g) {
      if (c == '|') run = 0
      else (run = runs.pop() ?? 0), atom(i + 1)
      g.alts.push(g.lit.toLowerCase()) // compared without case: strict for $regexi and $regex alike
      g.lit = ''
      g.done = false
      if (c == ')') {
        open.pop()
        // Two alternatives overlap when one's literal start begins the other ('' begins all).
        const amb = g.amb || g.alts.some((a, j) => g.alts.some((b, k) => j != k && b.startsWith(a)))
        const repeated = isRep(s[i + 1])
        if (repeated && g.rep) return 'nested quantifiers'
        // Optional counts here: `a+(a|a+)?b` backtracks through both alternatives on every split.
        if ((repeated || s[i + 1] == '?') && amb) return 'overlapping alternatives'
        const outer = open[open.length - 1]
        if (outer) (outer.rep ||= g.rep || repeated), (outer.amb ||= amb)
      }
    } else if (isRep(c) || c == '?') {
      // After a plain character, `+` keeps it in the literal start; `?`, `*` and `{` make it
      // optional, so the start ends before it.
      // An optional part counts as a repetition inside a repeated group: `(a?){2,}` backtracks.
      if (g) complete(g, c == '+' ? g.lit : g.lit.slice(0, -1)), (g.rep = true)
    } else if (c == '.' || c == '^' || c == '$') {
      complete(g)
      if (c == '.') atom(i + 1), (wild += +(run > 0))
      else run = 0
    } else {
      if (g && !g.done) g.lit += c
      atom(i + 1)
    }
  }
  // Each unbounded repetition that can take the same characters multiplies the ways to split
  // the text: `.*a.*b.*c` took 11 s on a crafted 1,000-character value, `a+a+a+b` 58 s;
  // `.*a.*b` 0.2 s.
  if (wild > 2) return 'three or more unbounded wildcards'
  return most > 2 ? 'three or more unbounded repetitions in a row' : ''
}
