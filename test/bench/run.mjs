// `npm run bench`: builds dist/, runs the four benchmarks, prints one markdown table set
// ready for the README. Every figure is a median; every claim is a ratio against a baseline
// measured in the same run (absolute µs are there for context only).
//
//   node test/bench/run.mjs          the tables
//   node test/bench/run.mjs --json   also the raw results, as one JSON line at the end
//
// Each benchmark runs in its own Node process, so jsdom's globals (track) cannot change
// what the condition benchmark measures, and one JIT's history does not leak into another.
import { execFileSync } from 'node:child_process'
import os from 'node:os'
import { ROOT, build, times, us } from './lib.mjs'
import { conditionsTable } from './conditions.mjs'
import { ordersTable } from './orders.mjs'
import { playbookRequestsTable } from './playbook-requests.mjs'
import { startTable } from './start.mjs'
import { syncTable } from './sync.mjs'
import { trackTable } from './track.mjs'

const run = (script) => {
  const out = execFileSync(process.execPath, [`${ROOT}/test/bench/${script}`, '--json'], {
    cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20,
  })
  return JSON.parse(out.trim().split('\n').pop())
}

const step = (what) => process.stderr.write(`bench: ${what}…\n`)
step('npm run build')
build()
step('conditions (Waymark vs GrowthBook)')
const conditions = run('conditions.mjs')
step('track() in Node + jsdom')
const node = run('track.mjs')
step('track() in Chromium')
const chromium = run('track-chromium.mjs')
step('playbook revalidation in Node + jsdom')
const sync = run('sync.mjs')
step("playbook requests in one visitor's simulated hour, before and now")
const playbookRequests = run('playbook-requests.mjs')
step('a live order widget, one simulated hour')
const orders = run('orders.mjs')
step('npm start on a fresh clone and unchanged, now and as it was (scratch copies)')
const start = run('start.mjs')

const cpu = os.cpus()[0]?.model?.trim() || 'unknown CPU'
const verdict = (ok) => (ok ? 'met' : '**not met**')
const worst = Math.max(node.us.B, chromium.us.B)
const lines = [
  conditionsTable(conditions),
  '',
  trackTable([node, chromium]),
  '',
  syncTable(sync),
  '',
  playbookRequestsTable(playbookRequests),
  '',
  ordersTable(orders),
  '',
  startTable(start),
  '',
  `Targets: conditions (a) ≥ 5×: ${verdict(conditions.evalRatio >= 5)} (${times(conditions.evalRatio)}); ` +
    `track() B ÷ A ≤ 1.5×: ${verdict(Math.max(node.BoverA, chromium.BoverA) <= 1.5)}; ` +
    `track() ≤ 20 µs: ${verdict(worst <= 20)} (worst ${us(worst)} µs); ` +
    `an unchanged playbook costs less than a new one: ${verdict(sync.ratio['new 200'] > 2)} (a 304 is ${times(sync.ratio['new 200'])} cheaper than applying a new version); ` +
    `\`npm start\` serves within 30 s on a fresh clone: ${verdict(start.now.fresh.s <= 30)} (${start.now.fresh.s.toFixed(1)} s), within 5 s unchanged: ${verdict(start.now.unchanged.s <= 5)} (${start.now.unchanged.s.toFixed(1)} s).`,
  '',
  `Medians: conditions over ${conditions.rounds} interleaved rounds of ~${conditions.sampleMs} ms per loop; ` +
    `track() over ${node.rounds} (Node) and ${chromium.rounds} (Chromium) interleaved batches of ` +
    `${node.batch.toLocaleString('en')} and ${chromium.batch.toLocaleString('en')} calls, after warm-up; ` +
    `refresh() over ${sync.rounds} interleaved rounds; \`npm start\` over ${start.rounds} interleaved rounds. ` +
    `Node ${process.version}, Chromium ${chromium.version}, GrowthBook ${conditions.growthbook}, ` +
    `${cpu} (${os.cpus().length} cores), ${os.platform()} ${os.arch()}.`,
]
console.log(lines.join('\n'))
if (process.argv.includes('--json')) console.log(JSON.stringify({ conditions, node, chromium, sync, playbookRequests, orders, start, cpu }))
