/**
 * Regexes in conditions (`$regex`, `$regexi`), matched in linear time. Page input (a query
 * string, a path) reaches these patterns, so a backtracking engine would let a crafted link
 * freeze the tab; instead the pattern runs as a Thompson NFA (a Pike VM without captures):
 * the work is at most (program cost × input length), whatever the pattern and the input.
 */

import { ASSERT, CHAR, MATCH, SPLIT, parseRegex, type Refusal } from './regex-parse'

/**
 * The largest program accepted, in cost units: one per instruction and ATOM_COST (8) per
 * distinct atom, what one input character may cost at most. With the 1,000 characters a
 * condition shows a regex, one evaluation is at most 500,000 units: about 5 ms in Node 20 on
 * a 2-core Xeon, 10 to 20 ms for the first one on a page, before the JIT has seen the VM
 * (`node test/bench/regex.mjs`). Twice this limit took twice as long and came near 50 ms.
 */
export const MAX_REGEX_COST = 500

/** A compiled `$regex`: whether the pattern matches anywhere in the string. */
export type Matcher = (s: string) => boolean

const WORD = /\w/ // `\b` reads ASCII word characters, with `i` too (no `u` flag)

/**
 * Compiles a `$regex` pattern (`i`: `$regexi`) into a matcher that runs in time linear in the
 * input, or says why it is refused (see {@link Refusal}). Never throws. `vm` (for tests)
 * never hands a pattern to the native engine.
 *
 * @example
 * (compileRegex('^/(cart|checkout)') as Matcher)('/cart/2') // true
 * compileRegex('(a)\\1') // 'backreference'
 */
export const compileRegex = (src: string, i?: boolean, vm?: boolean): Matcher | Refusal => {
  const p = parseRegex(src, MAX_REGEX_COST, i)
  if (typeof p == 'string') return p
  const { op, a, b, atoms } = p
  const size = op.length
  // Without loops, a backtracking engine tries each path through the program at most once
  // per start position: np (paths from pc to MATCH; a loop makes it infinite) × size bounds
  // its work exactly. Within the limit the native engine is as safe as the VM, and over 10×
  // faster on `^/cart`, `(Mobile|Tablet)` and the like.
  const np: number[] = []
  for (let pc = size, x, y; pc--; )
    np[pc] = op[pc] == MATCH ? 1 : op[pc] != SPLIT ? np[pc + 1] : (x = a[pc]) > pc && (y = b[pc]) > pc ? np[x] + (x != y ? np[y] : 0) : Infinity
  if (np[0] * size <= MAX_REGEX_COST && !vm) {
    const re = new RegExp(src, i ? 'i' : '')
    return (s) => re.test(s)
  }
  const list = new Int32Array(size) // the threads (CHAR pcs) waiting for the character at pos
  const mark = new Int32Array(size) // mark[pc] > pos: pc was reached at pos already
  // pcs still to follow at pos: at most `size` from the step, the start, and 1 per SPLIT.
  const stack = new Int32Array(2 * size + 1)
  // Whether atom k matches the character at pos, once tested there (tested[k] > pos).
  const tested = new Int32Array(atoms.length)
  const matches = new Uint8Array(atoms.length)
  const anchored = op[0] == ASSERT && !a[0] // starts with `^`: a thread can only start at 0
  const bounds = op.some((o, pc) => o == ASSERT && a[pc] > 1) // has `\b` or `\B`

  // A Pike VM: all threads advance together, one character at a time, so no input is read
  // twice and each pc is visited at most once per position. Loops are inlined (no calls per
  // thread): the first evaluation on a page runs before the JIT, and that one counts too.
  return (s) => {
    const n = s.length
    mark.fill(0)
    tested.fill(0)
    let sp = 0
    for (let pos = 0; ; pos++) {
      stack[sp++] = 0 // a match may start here
      const edge = bounds && WORD.test(s[pos - 1] || '') != WORD.test(s[pos] || '') // `\b` here, for every thread
      let len = 0
      while (sp) {
        // Follows one branch in place and the other from the stack (a jump has just one). It
        // stops at a pc marked already: itself after a CHAR, MATCH or a failed assertion.
        for (let pc = stack[--sp]; mark[pc] <= pos; ) {
          mark[pc] = pos + 1
          const o = op[pc]
          const x = a[pc]
          if (o == SPLIT) (b[pc] != x && (stack[sp++] = b[pc])), (pc = x)
          else if (o == CHAR) list[len++] = pc
          else if (o == MATCH) return true
          else if (x ? (x < 2 ? pos == n : edge == (x == 2)) : !pos) pc++
        }
      }
      if (pos == n) return false
      // No thread left after `^` failed: nothing can start later either.
      if (!len && anchored) return false
      const c = s[pos]
      for (let k = 0; k < len; k++) {
        const pc = list[k]
        const x = a[pc]
        if (tested[x] <= pos) (tested[x] = pos + 1), (matches[x] = +atoms[x].test(c))
        if (matches[x]) stack[sp++] = pc + 1
      }
    }
  }
}

export type { Refusal }
