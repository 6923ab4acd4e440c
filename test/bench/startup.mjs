// `npm run bench:startup`: what the script tag costs a page at start (the split one,
// dist/script/, and the one file, dist/waymark.iife.js), side by side with GrowthBook's script tag (`auto.min.js`) given an inline payload of 100 features, in Chromium,
// at 1× and 4× CPU (CDP throttling). Median of 6 page loads per figure (RUNS), interleaved; main-thread
// time is each page's minus a blank page's, measured in the same run.
//
//   ready          ms from navigation start to the first decision: Waymark's `ready` (stored
//                  state loaded, cached playbook applied), GrowthBook's first render with its
//                  payload; a first visit, and a returning one (the playbook cached on the device)
//   main thread    CDP's TaskDuration until 1 s after ready, minus the blank page's
//   longest task   the longest long task (≥ 50 ms, PerformanceObserver) of any load, or "< 50":
//                  of the whole page (the navigation's own first task included, which a blank
//                  page has too), and from the script's start to 1 s after ready (issue 17's target)
//
//   node test/bench/startup.mjs          the table (needs a built dist/: npm run build)
//   node test/bench/startup.mjs --slow-4g   the same over DevTools' Slow 4G network
//   node test/bench/startup.mjs --json   also the raw figures, as one JSON line
//   RUNS=12 npm run bench:startup         12 loads per figure instead of 6
import { chromium } from 'playwright-core'
import { isMain, median } from './lib.mjs'
import { RATIOS, SLOW_4G, interval, load, serveStartup } from './startup-lib.mjs'

// Loads per figure: 6, or RUNS=12 (…) for steadier medians on a busy machine. A multiple of 3,
// so each SDK comes first, second and third equally often.
const RUNS = Number(process.env.RUNS || 6)
if (!(RUNS > 0 && RUNS % 3 == 0)) throw new Error(`RUNS must be a positive multiple of 3, got ${process.env.RUNS}`)
// `--slow-4g`: every request over DevTools' "Slow 4G" (150 ms round trip, 1.6 Mbit/s), where a
// script's bytes cost transfer time; by default, loopback, where they cost none.
const NETWORK = process.argv.includes('--slow-4g') ? SLOW_4G : undefined
/** Ratio `k` of {@link RATIOS} in one rate's figures. */
const ratioOf = (w, k) => {
  const [visit, f] = RATIOS[k]
  return w[`waymark ${visit}`][f] / w[`growthbook ${visit}`][f]
}

/** Runs every figure; returns medians per SDK, visit and CPU rate. */
export async function benchStartup() {
  const server = await serveStartup()
  const base = `http://127.0.0.1:${server.address().port}`
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-quic'] })
  const out = {}
  for (const rate of [1, 4]) {
    const samples = {}
    const add = (k, v) => (samples[k] ||= []).push(v)
    for (let run = 0; run < RUNS; run++) {
      // The SDKs' order turns with each run, so none is always measured first after the blank
      // page: with a fixed order, the split tag (always first) measured 40-70 % slower than the
      // one file at 4× ready, and on par with it when the two alternated.
      const sdks = ['waymark', 'waymark1', 'growthbook']
      for (const sdk of ['blank', ...sdks.slice(run % 3), ...sdks.slice(0, run % 3)]) {
        const context = await browser.newContext()
        add(`${sdk} first`, await load(context, `${base}/${sdk}`, rate, NETWORK))
        add(`${sdk} returning`, await load(context, `${base}/${sdk}`, rate, NETWORK)) // the playbook cached on the device
        await context.close()
      }
    }
    // Figures over the runs `picked` (indices; every run by default).
    const figures = (picked = samples['blank first'].map((_, i) => i)) => {
      const med = (k, f) => median(picked.map((i) => samples[k][i][f]))
      const row = (k) => ({
        ready: med(k, 'ready') - med(k.replace(/^\w+/, 'blank'), 'ready'),
        task: med(k, 'task') - med(k.replace(/^\w+/, 'blank'), 'task'),
        longest: Math.max(...picked.map((i) => samples[k][i].longest)),
        longestOurs: Math.max(...picked.map((i) => samples[k][i].longestOurs)),
      })
      return Object.fromEntries(['blank', 'waymark', 'waymark1', 'growthbook'].flatMap((sdk) => [`${sdk} first`, `${sdk} returning`]).map((k) => [k, row(k)]))
    }
    out[`${rate}x`] = figures()
    // How far one run's ratios can be trusted: each ratio over the runs resampled (bootstrap).
    out[`${rate}x interval`] = Object.fromEntries(Object.keys(RATIOS).map((k) => [k, interval(RUNS, (picked) => ratioOf(figures(picked), k))]))
  }
  out.chromium = browser.version()
  out.network = NETWORK ? 'slow-4g' : 'loopback'
  await browser.close()
  server.close()
  return out
}

const ms = (x) => `${Math.round(x)} ms`
const long = (x) => (x >= 50 ? ms(x) : '< 50 ms')
// Ratio `k` of one rate's figures `w`, with its 90 % interval `range` when the run has one.
const ratio = (w, k, range) => `${ratioOf(w, k).toFixed(2)}×${range ? ` (${range.map((x) => x.toFixed(2)).join('–')})` : ''}`

/** The side-by-side table and the issue 17 ratios (the split script tag's, against GrowthBook). */
export function startupTable(r) {
  const lines = [
    '| CPU | | Waymark, split script tag | Waymark, one file | GrowthBook script tag | ratio (split ÷ GrowthBook), 90 % interval |',
    '|---|---|---:|---:|---:|---:|',
  ]
  for (const rate of ['4x', '1x']) {
    const w = r[rate]
    const range = r[`${rate} interval`] || {}
    const cells = (visit, f, fmt = ms) => `${fmt(w[`waymark ${visit}`][f])} | ${fmt(w[`waymark1 ${visit}`][f])} | ${fmt(w[`growthbook ${visit}`][f])}`
    const longest = (sdk, f = 'longest') => Math.max(w[`${sdk} first`][f], w[`${sdk} returning`][f])
    lines.push(
      `| ${rate === '4x' ? '4× slower (a mid-range phone)' : '1×'} | main-thread time added (returning) | ${cells('returning', 'task')} | ${ratio(w, 'task', range.task)} |`,
      `| | ready, returning visitor (cached playbook) | ${cells('returning', 'ready')} | ${ratio(w, 'readyReturning', range.readyReturning)} |`,
      `| | ready, first visit | ${cells('first', 'ready')} | ${ratio(w, 'readyFirst', range.readyFirst)} |`,
      `| | longest task of the page (of ${RUNS} loads; a blank page's: ${long(longest('blank'))}) | ${long(longest('waymark'))} | ${long(longest('waymark1'))} | ${long(longest('growthbook'))} | |`,
      `| | longest task from the script's start to 1 s after ready (of ${RUNS} loads) | ${long(longest('waymark', 'longestOurs'))} | ${long(longest('waymark1', 'longestOurs'))} | ${long(longest('growthbook', 'longestOurs'))} | |`,
    )
  }
  lines.push('', `Median of ${RUNS} loads per figure, each minus a blank page's from the same run; Chromium ${r.chromium}, CPU throttled by CDP; ${r.network === 'slow-4g' ? 'network: Slow 4G (150 ms round trip, 1.6 Mbit/s)' : 'loopback network'}; scripts gzipped. Ratios: Waymark's split script tag (dist/script/) ÷ GrowthBook; in brackets, the 5th to 95th percentile of each ratio over 1,000 resamplings of the runs (bootstrap), how far one run can be trusted.`)
  return lines.join('\n')
}

if (isMain(import.meta.url)) {
  const r = await benchStartup()
  console.log(startupTable(r))
  if (process.argv.includes('--json')) console.log(JSON.stringify(r))
}
