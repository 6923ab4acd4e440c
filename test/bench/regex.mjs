// The `$regex` time guarantee, measured: how long one evaluation blocks the main thread, for
// the patterns that used to backtrack for seconds and for the worst programs the cost limit
// lets through (src/rules/regex.ts, MAX_REGEX_COST), each on a crafted value.
//
//   node test/bench/regex.mjs          prints a table (needs a built dist/: npm run build)
//   node test/bench/regex.mjs --json   prints the result as one JSON line
//
// Every case runs in fresh Node processes: the first evaluation there runs before the JIT has
// seen the matcher, which is what a crafted link on a fresh page gets. "first" is that call,
// "warm" the median of the next 20. The value goes through compileCondition, as on a page, so
// a regex sees its first 1,000 characters (a 100,000-character value costs the same).
import { execFileSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { ROOT, isMain, median } from './lib.mjs'

const a = (n) => 'a'.repeat(n)
/** [pattern, operator, value]: the crafted patterns first, then the worst found at the limit. */
export const CASES = [
  ['[\\s\\S]*a[\\s\\S]*b[\\s\\S]*c', '$regex', 'ab'.repeat(500)],
  ['\\w*a\\w*b\\w*c', '$regex', 'ab'.repeat(500)],
  ['^a*b?a*b?a*b?a*c', '$regex', a(1000)],
  [`^${'(?:a|aa)'.repeat(40)}$`, '$regex', a(999) + 'b'],
  ['[\\s\\S]*a[\\s\\S]*b[\\s\\S]*c', '$regex', 'ab'.repeat(50_000)],
  [`^${'(?:a|aa)'.repeat(40)}$`, '$regexi', a(99_999) + 'b'],
  ['(a+)+$', '$regex', a(999) + '!'],
  ['^a{0,1000}a{0,1000}a{0,1000}b', '$regex', a(1000)], // refused: too large
  // At the cost limit: the shapes that cost the most per unit on this machine, K as large as
  // the validator accepts (found below).
  ['(?:a?){K}b', '$regex', a(1000)],
  ['(?:a?){K}b', '$regexi', 'A'.repeat(1000)],
  ['(?:[^b]?){K}b', '$regexi', '\u03b9'.repeat(1000)],
  ['(?:.?){K}x', '$regex', '\u03b9'.repeat(1000)],
  ['(?:\\w?){K}!', '$regexi', 'ab'.repeat(500)],
  ['(?:|a){K}b', '$regex', a(1000)],
  ['(?:\\B|a?){K}x', '$regex', a(1000)],
  ['(?:\\b|a?){K}x', '$regex', 'a a '.repeat(250)],
  ['(?:(?:a?)*){K}b', '$regex', a(1000)],
  ['(?:a{0,3}){K}b', '$regex', a(1000)],
  // K distinct atoms: each one a native test per character
  ['[^\\u0100]?…K distinct classes…b', '$regex', '\u03b9'.repeat(1000)],
  ['[^\\u0100\\s\\w\\u3000-\\u3100]?…K distinct classes…b', '$regexi', '\u0101'.repeat(1000)],
  ['(?:a|b|c|…K letters…)x', '$regex', a(1000)],
]

// A case's pattern with K filled in, K the largest the validator accepts.
const hex = (j) => (0x100 + j).toString(16)
const SHAPES = {
  '[^\\u0100]?…K distinct classes…b': (k) => Array.from({ length: k }, (_, j) => `[^\\u${hex(j)}]?`).join('') + 'b',
  '[^\\u0100\\s\\w\\u3000-\\u3100]?…K distinct classes…b': (k) => Array.from({ length: k }, (_, j) => `[^\\u${hex(j)}\\s\\w\\u3000-\\u3100]?`).join('') + 'b',
  '(?:a|b|c|…K letters…)x': (k) => `(?:${Array.from({ length: k }, (_, j) => String.fromCharCode(97 + (j % 26))).join('|')})x`,
}
const accepts = (validatePlaybook, pattern, op) =>
  !(validatePlaybook({ version: 'x', rules: [{ id: 'r', on: ['x'], if: { q: { [op]: pattern } }, offer: { kind: 'headless' } }] }).errors || []).length
function atLimit(validatePlaybook, shape, op) {
  const make = SHAPES[shape] || ((k) => shape.replace('K', k))
  if (!shape.includes('K')) return shape
  let lo = 1
  let hi = 5000
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (accepts(validatePlaybook, make(mid), op)) lo = mid
    else hi = mid - 1
  }
  return make(lo)
}

// In a child process: one case, its first call and 20 more, in ms.
async function child(k, pattern) {
  const { compileCondition, validatePlaybook } = await import(`${ROOT}/dist/waymark.js`)
  const [, op, value] = CASES[k]
  const cond = { q: { [op]: pattern } }
  const errors = validatePlaybook({ version: 'x', rules: [{ id: 'r', on: ['x'], if: cond, offer: { kind: 'headless' } }] }).errors || []
  const check = compileCondition(cond)
  // (the first call below is the first evaluation of any regex in this process)
  const ms = []
  for (let r = 0; r < 21; r++) {
    const t = performance.now()
    check({ q: value })
    ms.push(performance.now() - t)
  }
  return { pattern, errors, ms }
}

export async function benchRegex(processes = 5) {
  const { validatePlaybook } = await import(`${ROOT}/dist/waymark.js`)
  return CASES.map(([shape, op, value], k) => {
    const pattern = atLimit(validatePlaybook, shape, op)
    const runs = Array.from({ length: processes }, () =>
      JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--child', k, pattern], { encoding: 'utf8' })),
    )
    const first = runs.map((r) => r.ms[0])
    return {
      pattern: runs[0].pattern, op, length: value.length, refused: runs[0].errors[0] || '',
      first: { median: median(first), max: Math.max(...first) },
      warm: median(runs.flatMap((r) => r.ms.slice(1))),
    }
  })
}

export function regexTable(rows) {
  const show = (p) => (p.length > 40 ? p.slice(0, 37) + '…' : p).replace(/\|/g, '\\|')
  const worst = Math.max(...rows.map((r) => r.first.max))
  return [
    '| pattern | operator | value length | first call, median / max ms | warm, median ms |',
    '|---|---|---:|---:|---:|',
    ...rows.map((r) => `| \`${show(r.pattern)}\` | ${r.op} | ${r.length.toLocaleString('en')} | ${r.refused ? 'refused' : `${r.first.median.toFixed(1)} / ${r.first.max.toFixed(1)}`} | ${r.refused ? '' : r.warm.toFixed(2)} |`),
    '',
    `Worst single evaluation: ${worst.toFixed(1)} ms (target ≤ 50 ms). Node ${process.version}.`,
  ].join('\n')
}

const at = process.argv.indexOf('--child')
if (at > 0) console.log(JSON.stringify(await child(+process.argv[at + 1], process.argv[at + 2])))
else if (isMain(import.meta.url)) {
  const rows = await benchRegex()
  console.log(process.argv.includes('--json') ? JSON.stringify(rows) : regexTable(rows))
}
