/** Regexes in conditions: what the compiler refuses to run and the validator reports. */

/**
 * True for a pattern that repeats a group which itself holds a repetition, like `(a+)+`,
 * `(\w*x)*` or `((ab)+c){2,}`: such patterns backtrack exponentially on a near miss.
 * A heuristic (it does not try to prove ambiguity), deliberately strict for playbooks.
 */
export const pathological = (s: string): boolean => {
  const inner: boolean[] = [] // per open group: does it contain a repetition?
  const rep = (c: string | undefined) => c == '*' || c == '+' || c == '{'
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (c == '\\') i++
    else if (c == '[') {
      // A character class holds no groups or quantifiers; skip it (and its escapes).
      for (i++; i < s.length && s[i] != ']'; i++) if (s[i] == '\\') i++
    } else if (c == '(') inner.push(false)
    else if (c == ')') {
      const had = inner.pop()
      const repeated = rep(s[i + 1])
      if (had && repeated) return true
      if ((had || repeated) && inner.length) inner[inner.length - 1] = true
    } else if (rep(c) && inner.length) inner[inner.length - 1] = true
  }
  return false
}

