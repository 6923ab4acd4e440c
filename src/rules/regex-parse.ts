/**
 * Parses a regex pattern (JavaScript syntax, no flags but `i`) into a Thompson NFA program,
 * the input of the linear-time matcher in `regex.ts`. The pattern language is RE2's: what
 * needs backtracking (backreferences, lookaround) is refused, not approximated.
 */

// Instruction kinds (op[pc]); a jump is a SPLIT with two equal targets.
/** Consumes one UTF-16 code unit that `atoms[a[pc]]` matches, then goes on to pc + 1. */
export const CHAR = 0
/** Goes on to both `a[pc]` and `b[pc]`. */
export const SPLIT = 1
/** Tests `a[pc]` without consuming (0 `^`, 1 `$`, 2 `\b`, 3 `\B`), then goes on to pc + 1. */
export const ASSERT = 2
/** The pattern matched. */
export const MATCH = 3

/** A compiled pattern: parallel arrays indexed by instruction (pc); it starts at 0. */
export interface Program {
  op: number[]
  a: number[]
  b: number[]
  /**
   * The pattern's distinct one-character atoms (`x`, `.`, `\d`, `[^a-z]`…), each as a RegExp
   * of its own source and flags: JavaScript itself decides what a character matches (case
   * folding, Annex B classes), the VM only how atoms combine.
   */
  atoms: RegExp[]
}

/**
 * Why a pattern is refused: 'invalid' (JavaScript rejects it too), 'backreference' (also
 * legacy octal escapes such as `\1`), 'lookaround', 'unsupported' (a syntax newer than this
 * parser, e.g. `(?i:…)`) or 'too large' (over the cost limit).
 */
export type Refusal = 'invalid' | 'backreference' | 'lookaround' | 'unsupported' | 'too large'

/** What a distinct atom may cost per input character: one native test, about 8 VM steps. */
export const ATOM_COST = 8

// One atom's source: a class (with its escapes), an escape (`\cX`, `\xHH`, `\uHHHH` or one
// character; `\x4` is `x`, `\u{2}` is `u` then a quantifier, as in Annex B), or a character.
const ATOM = /\[(?:\\[^]|[^\\\]])*\]|\\(?:c[a-z]|x[\da-f]{2}|u[\da-f]{4}|[^])|[^]/iy

/** Emits its part of the program when called; a counted repetition calls it once per copy. */
type Node = () => void

/**
 * Parses `src` into a program of at most `max` cost units, what one input character may cost
 * the matcher: one per instruction and ATOM_COST per distinct atom; a pattern also holds at
 * most `max` terms (atoms and assertions). Or says why not; never throws. Validity is
 * JavaScript's own (`new RegExp`), so the parser can trust the syntax and only has to read it
 * as Annex B does (`a{` and `]` are literals, `\c1` is `\` then `c1`).
 */
export const parseRegex = (src: string, max: number, i?: boolean): Program | Refusal => {
  const op: number[] = []
  const a: number[] = []
  const b: number[] = []
  const ids = new Map<string, number>()
  const atoms: RegExp[] = []
  let at = 0
  let cost = 0
  let terms = 0
  const fail = (why: Refusal): never => {
    throw why
  }
  const count = (n: number) => (cost += n) > max && fail('too large') // stops a{99999} before it is built
  const emit = (o: number, x = 0, y = x): number => {
    count(1)
    a.push(x)
    b.push(y)
    return op.push(o) - 1
  }
  // Sticky: reads a token at `at` and moves past it.
  const take = (re: RegExp): RegExpExecArray | null => {
    re.lastIndex = at
    const m = re.exec(src)
    if (m) at += m[0].length
    return m
  }

  const atom = (): Node => {
    let s = take(ATOM)![0]
    if (s == '\\c') at--, (s = '\\\\') // `\c` without a letter is a backslash; `c` comes next
    let k = ids.get(s)
    if (k == null) ids.set(s, (k = atoms.push(new RegExp(s, i ? 'i' : '')) - 1)), count(ATOM_COST)
    return () => emit(CHAR, k)
  }

  const group = (): Node => {
    const m = take(/\?(:|<?[=!]|<[^>]*>)|\?|/y)!
    if (m[0] == '?') fail('unsupported')
    if (/[=!]/.test(m[1])) fail('lookaround')
    const n = disjunction()
    at++ // `)`
    return n
  }

  // Laziness (`*?`) does not change whether there is a match, so it is read and dropped.
  const quantified = (n: Node): Node => {
    const m = take(/([*+?])|\{(\d+)(,(\d*))?\}/y)
    if (!m) return n
    take(/\?/y)
    const min = m[1] ? +(m[1] == '+') : +m[2]
    const most = m[1] ? (m[1] == '?' ? 1 : Infinity) : !m[3] ? min : m[4] ? +m[4] : Infinity
    return () => {
      for (let k = 0; k < min; k++) {
        const start = op.length
        n()
        if (op.length == start) return // an empty body (`(?:){9}`): nothing to repeat
        if (k == min - 1 && most == Infinity) return void emit(SPLIT, start, op.length + 1) // `x+`: one copy, looped
      }
      if (most == Infinity) {
        const s = emit(SPLIT, op.length + 1)
        n()
        emit(SPLIT, s)
        return void (b[s] = op.length)
      }
      // `x{2,5}`: x x x? x? x? (each copy its own SPLIT, so a huge bound reaches the cost limit)
      for (let k = min; k < most; k++) {
        const s = emit(SPLIT, op.length + 1)
        n()
        b[s] = op.length
        if (op.length == s + 1) return
      }
    }
  }

  const term = (): Node => {
    // A term costs at least 1 where it is emitted at all: counting terms while parsing keeps
    // a 5 MB pattern from being read whole before the limit is seen.
    if (++terms > max) fail('too large')
    const m = take(/[$^]|\\[bB]/y)
    if (m) return () => emit(ASSERT, '^$bB'.indexOf(m[0].slice(-1)))
    // `\1`…`\9` are backreferences or legacy octal escapes, `\01` an octal escape, `\k<n>` a
    // named backreference (a bare `\k` is a literal k without named groups: refused all the same).
    if (take(/\\([1-9]|0\d|k)/y)) fail('backreference')
    return quantified(src[at] == '(' ? (at++, group()) : atom())
  }

  const disjunction = (): Node => {
    const alts: Node[][] = [[]]
    for (let c; (c = src[at]) && c != ')'; ) c == '|' ? (at++, alts.push([])) : alts[alts.length - 1].push(term())
    return () => {
      const ends: number[] = []
      alts.forEach((ns, k) => {
        const s = k < alts.length - 1 ? emit(SPLIT, op.length + 1) : -1
        ns.forEach((n) => n())
        if (s < 0) return
        ends.push(emit(SPLIT))
        b[s] = op.length
      })
      for (const j of ends) a[j] = b[j] = op.length
    }
  }

  try {
    new RegExp(src) // JavaScript's verdict on the syntax (`i` does not change it)
  } catch {
    return 'invalid'
  }
  try {
    disjunction()()
    emit(MATCH)
    return { op, a, b, atoms }
  } catch (e) {
    // An atom that is not a pattern of its own would be a syntax this parser misreads; a
    // stack overflow (thousands of nested groups) is a pattern too large.
    return typeof e == 'string' ? (e as Refusal) : e instanceof SyntaxError ? 'unsupported' : 'too large'
  }
}
