/**
 * A line diff of the file on disk against the edited text, for the studio's "Changes" view.
 * Edits are local, so the common head and tail are trimmed first and only the middle gets
 * the longest-common-subsequence table; a middle too large for it is shown replaced whole.
 */

/** One line of a diff: kept (' '), removed ('-') or added ('+'), with its 1-based line numbers. */
export interface DiffLine {
  op: ' ' | '-' | '+'
  text: string
  /** Line in the old text (kept and removed lines). */
  a?: number
  /** Line in the new text (kept and added lines). */
  b?: number
}

/** The largest middle (old lines × new lines) that gets an exact LCS: 4 M cells, 4 MB. */
const MAX_CELLS = 4_000_000

const split = (text: string): string[] => {
  const lines = text.split(/\r?\n/)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/**
 * Every line of `before` and `after`, each marked kept, removed or added; the fewest
 * changes (a longest common subsequence), removals before additions where lines were replaced.
 */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = split(before)
  const b = split(after)
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++
  const out: DiffLine[] = []
  for (let i = 0; i < head; i++) out.push({ op: ' ', text: a[i], a: i + 1, b: i + 1 })
  const am = a.slice(head, a.length - tail)
  const bm = b.slice(head, b.length - tail)
  const n = am.length
  const m = bm.length
  if (n * m > MAX_CELLS) {
    am.forEach((text, i) => out.push({ op: '-', text, a: head + i + 1 }))
    bm.forEach((text, j) => out.push({ op: '+', text, b: head + j + 1 }))
  } else {
    // lcs[i][j]: the LCS length of am[i..] and bm[j..], in one flat array.
    const w = m + 1
    const lcs = new Uint32Array((n + 1) * w)
    for (let i = n - 1; i >= 0; i--)
      for (let j = m - 1; j >= 0; j--)
        lcs[i * w + j] = am[i] === bm[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1])
    let i = 0
    let j = 0
    while (i < n || j < m) {
      if (i < n && j < m && am[i] === bm[j]) out.push({ op: ' ', text: am[i++], a: head + i, b: head + ++j })
      else if (i < n && (j == m || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) out.push({ op: '-', text: am[i++], a: head + i })
      else out.push({ op: '+', text: bm[j++], b: head + j })
    }
  }
  for (let k = tail; k > 0; k--) out.push({ op: ' ', text: a[a.length - k], a: a.length - k + 1, b: b.length - k + 1 })
  return out
}

/**
 * The changed lines with `context` kept lines around each change; a gap between hunks is a
 * null. Empty when nothing changed.
 */
export function hunks(diff: DiffLine[], context = 2): Array<DiffLine | null> {
  const near = diff.map(() => false)
  diff.forEach((d, i) => {
    if (d.op != ' ') for (let k = Math.max(0, i - context); k <= Math.min(diff.length - 1, i + context); k++) near[k] = true
  })
  const out: Array<DiffLine | null> = []
  diff.forEach((d, i) => {
    if (near[i]) out.push(d)
    else if (out.length && out[out.length - 1] !== null && near.indexOf(true, i) > 0) out.push(null)
  })
  return out
}
