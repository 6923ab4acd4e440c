// Waymark's compiled conditions vs GrowthBook's evalCondition, on the 248 GrowthBook
// conformance cases (test/growthbook-conditions.json), in one process.
//
//   node test/bench/conditions.mjs          prints a table (needs a built dist/)
//   node test/bench/conditions.mjs --json   prints the result as one JSON line
//
// Timed loops, each a pass (or many) over all 248 cases:
//   wmEval     Waymark, compiled once per case beforehand, then only evaluated
//   wmCompile  Waymark, compileCondition(...) and one evaluation per call
//   gb         GrowthBook evalCondition(attributes, condition, savedGroups) per call
// (a) evaluate-only = gb ÷ wmEval, (b) compile + evaluate once = gb ÷ wmCompile: both are
// "how many times faster Waymark is", so a value under 1× means GrowthBook is faster.
// (c) adds a realistic rule shape (see below), evaluate-only, for context.
// Rounds interleave the three loops (order rotated each round) after a warm-up; the figure
// reported is the median time per evaluation over the rounds.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { evalCondition } from '@growthbook/growthbook' // exported from the package root (1.x)
import { PLAYBOOKS, ROOT, isMain, median, range, times, us } from './lib.mjs'

export const OPTIONS = { rounds: 20, warmupMs: 300, sampleMs: 25 }
const GB_VERSION = createRequire(import.meta.url)('@growthbook/growthbook/package.json').version

/** Runs the benchmark; throws (before any timing) if either side gets a case wrong. */
export async function benchConditions(opts = OPTIONS) {
  const { compileCondition } = await import(`${ROOT}/dist/waymark.js`)
  const cases = JSON.parse(readFileSync(`${ROOT}/test/growthbook-conditions.json`, 'utf8')).evalCondition
  const names = cases.map((c) => c[0])
  const conds = cases.map((c) => c[1])
  const attrs = cases.map((c) => c[2])
  const expected = cases.map((c) => c[3])
  const groups = cases.map((c) => c[4])
  const compiled = cases.map((c) => compileCondition(c[1], c[4]))
  const n = cases.length

  // GrowthBook console.error()s "Unknown operator: $regx" on every call of that case; printing
  // would dominate its timing and flood the output. Waymark never logs here, so muting is fair.
  const consoleError = console.error
  console.error = () => {}
  try {
    // Both must agree with the expected answers before anything is timed.
    const wrong = []
    for (let j = 0; j < n; j++) {
      const got = { waymark: compiled[j](attrs[j]), fresh: compileCondition(conds[j], groups[j])(attrs[j]) }
      try { got.growthbook = evalCondition(attrs[j], conds[j], groups[j]) } catch (e) { got.growthbook = `threw ${e}` }
      for (const [who, v] of Object.entries(got))
        if (v !== expected[j]) wrong.push(`${who} on "${names[j]}": got ${v}, expected ${expected[j]}`)
    }
    if (n !== 248 || wrong.length)
      throw new Error(`conditions benchmark aborted: ${n} cases, ${wrong.length} wrong answers\n  ${wrong.join('\n  ')}`)
    // Each loop counts its true results: that keeps the work observable (no dead code) and is
    // re-checked against the expected count after every sample. `n` evaluations per pass.
    const loop = (n, trues, evaluate) => ({
      n, trues,
      run(passes) {
        let t = 0
        for (let p = 0; p < passes; p++) for (let j = 0; j < n; j++) if (evaluate(j)) t++
        return t
      },
    })
    const trues = expected.filter(Boolean).length
    // (c) for context: the 10 rule conditions of the track() bench (playbook A) on the
    // context a track('cart_viewed', { total: 12 }) on /cart builds; all fail on page.path.
    const rules = PLAYBOOKS.A.rules.map((r) => r.if)
    const ruleFns = rules.map((c) => compileCondition(c))
    const ctx = { event: { total: 12 }, user: { id: null }, visit: { count: 1, returning: false }, page: { path: '/cart' } }
    if (rules.some((c, j) => ruleFns[j](ctx) || evalCondition(ctx, c)))
      throw new Error('conditions benchmark aborted: a rule condition passed where it must fail')
    const loops = {
      wmEval: loop(n, trues, (j) => compiled[j](attrs[j])),
      wmCompile: loop(n, trues, (j) => compileCondition(conds[j], groups[j])(attrs[j])),
      gb: loop(n, trues, (j) => evalCondition(attrs[j], conds[j], groups[j])),
      ruleWm: loop(rules.length, 0, (j) => ruleFns[j](ctx)),
      ruleGb: loop(rules.length, 0, (j) => evalCondition(ctx, rules[j])),
    }
    // µs per single evaluation for `passes` passes over a loop's conditions.
    const sample = (k, passes) => {
      const { n, trues, run } = loops[k]
      const t0 = performance.now()
      const t = run(passes)
      const ms = performance.now() - t0
      if (t !== passes * trues) throw new Error(`${k}: ${t} true results, expected ${passes * trues}`)
      return (ms * 1000) / (passes * n)
    }

    const keys = Object.keys(loops)
    // Warm-up: each loop runs for warmupMs in short chunks, so the JIT has settled.
    for (const k of keys) for (const end = performance.now() + opts.warmupMs; performance.now() < end; ) sample(k, 5)
    // Passes per sample so that each sample lasts about sampleMs, whatever the speed.
    const perEval = (k) => median([1, 2, 3, 4, 5].map(() => sample(k, 10)))
    const passes = Object.fromEntries(keys.map((k) => [k, Math.max(1, Math.round((opts.sampleMs * 1000) / (perEval(k) * loops[k].n)))]))
    const samples = Object.fromEntries(keys.map((k) => [k, []]))
    for (let r = 0; r < opts.rounds; r++)
      for (let i = 0; i < keys.length; i++) {
        const k = keys[(r + i) % keys.length]
        samples[k].push(sample(k, passes[k]))
      }
    const m = Object.fromEntries(keys.map((k) => [k, median(samples[k])]))
    return {
      ...opts, cases: n, passes, growthbook: GB_VERSION, us: m,
      range: Object.fromEntries(keys.map((k) => [k, range(samples[k])])),
      evalRatio: m.gb / m.wmEval, compileRatio: m.gb / m.wmCompile, ruleRatio: m.ruleGb / m.ruleWm,
    }
  } finally {
    console.error = consoleError
  }
}

export function conditionsTable(x) {
  return [
    `| conditions, µs per evaluation | Waymark | GrowthBook ${x.growthbook} \`evalCondition\` | Waymark faster by | target |`,
    '|---|---:|---:|---:|---:|',
    `| (a) ${x.cases} GrowthBook cases, evaluate only (Waymark compiled once per case) | ${us(x.us.wmEval)} | ${us(x.us.gb)} | ${times(x.evalRatio)} | ≥ 5× |`,
    `| (b) ${x.cases} GrowthBook cases, compile + evaluate once | ${us(x.us.wmCompile)} | ${us(x.us.gb)} | ${times(x.compileRatio)} | — |`,
    `| (c) for context: the 10 rule conditions of playbook A below, evaluate only | ${us(x.us.ruleWm)} | ${us(x.us.ruleGb)} | ${times(x.ruleRatio)} | — |`,
  ].join('\n')
}

if (isMain(import.meta.url)) {
  const result = await benchConditions()
  if (process.argv.includes('--json')) console.log(JSON.stringify(result))
  else {
    console.log(conditionsTable(result))
    for (const [k, [lo, hi]] of Object.entries(result.range)) console.log(`${k}: min–max over ${result.rounds} rounds ${us(lo)}–${us(hi)} µs`)
  }
}
