// How long `npm start` takes until the demo server prints its URLs: on a fresh clone (no dist/,
// no build stamps) and again with nothing changed, the way `npm start` builds now (test/build/
// run.mjs: parallel, up-to-date configs skipped) against the way it built before (`rollup -c`
// for each config file, one after another, type-checking as it went).
//
//   node test/bench/start.mjs             a table
//   node test/bench/start.mjs --json      the result as one JSON line (used by run.mjs)
//   node test/bench/start.mjs --rounds 5  rounds (default 3), the two ways interleaved
//
// Everything runs in a scratch copy of the project (its node_modules a folder of links to this
// one's), so this tree's dist/ and build stamps are left alone. "Before" is reproduced there:
// the old scripts, and the configs with the TypeScript plugin they had (BEFORE_CONFIG).
import { spawn } from 'node:child_process'
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { ROOT, isMain, median, range } from './lib.mjs'

const OLD_SCRIPTS = {
  'start:before': 'npm run build:before && npm run build:examples:before && node examples/server/server.mjs',
  'build:before': 'rollup -c rollup.config.before.mjs',
  'build:examples:before': 'rollup -c examples/esm/rollup.config.mjs',
}

// The same configs, with @rollup/plugin-typescript back where the transpile plugin is: a
// program per config, type-checked, as the build was until then.
const BEFORE_CONFIG = `import typescript from '@rollup/plugin-typescript'
import configs from './rollup.config.mjs'
const before = (p) => (p?.name === 'transpile-typescript' ? typescript({ tsconfig: p.api.tsconfig, noEmit: false, declaration: false }) : p)
export default configs.map((c) => ({ ...c, plugins: c.plugins.map(before) }))
`

function scratchCopy() {
  const dir = mkdtempSync(join(os.tmpdir(), 'waymark-start-'))
  for (const f of ['src', 'examples', 'test/build', 'rollup.config.mjs', 'tsconfig.json', 'package-lock.json']) {
    cpSync(join(ROOT, f), join(dir, f), {
      recursive: true,
      filter: (src) => !/[/\\]examples[/\\]([^/\\]+[/\\]dist|server[/\\]data|screenshots)$/.test(src),
    })
  }
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  pkg.scripts = { ...pkg.scripts, ...OLD_SCRIPTS }
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2))
  writeFileSync(join(dir, 'rollup.config.before.mjs'), BEFORE_CONFIG)
  // A real folder of links, so the build stamps (node_modules/.cache) stay in the copy.
  mkdirSync(join(dir, 'node_modules'))
  for (const name of readdirSync(join(ROOT, 'node_modules'))) {
    if (name !== '.cache') symlinkSync(join(ROOT, 'node_modules', name), join(dir, 'node_modules', name))
  }
  return dir
}

/** Seconds from `npm run <script>` until the server says where the storefront is; then stops it. */
function timeToServe(dir, script) {
  return new Promise((ok, fail) => {
    const started = performance.now()
    const child = spawn('npm', ['run', script], { cwd: dir, env: { ...process.env, PORT: '0' }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const stop = () => { try { process.kill(-child.pid, 'SIGTERM') } catch { /* already gone */ } }
    const timer = setTimeout(() => { stop(); fail(new Error(`npm run ${script}: no URL after 300 s\n${out}`)) }, 300_000)
    const watch = (chunk) => {
      out += chunk
      if (!out.includes('Waymark demo storefront')) return
      const s = (performance.now() - started) / 1000
      clearTimeout(timer)
      child.once('exit', () => ok(s))
      stop()
    }
    child.stdout.on('data', watch)
    child.stderr.on('data', (c) => { out += c })
    child.once('exit', (code) => { if (!out.includes('Waymark demo storefront')) { clearTimeout(timer); fail(new Error(`npm run ${script} exited ${code}\n${out}`)) } })
  })
}

const clean = (dir) => {
  for (const d of ['dist', 'examples/esm/dist', 'node_modules/.cache']) rmSync(join(dir, d), { recursive: true, force: true })
}

/** Runs the measurement; seconds (median over rounds) per way and state. */
export async function benchStart({ rounds = 3 } = {}) {
  const dir = scratchCopy()
  const samples = { before: { fresh: [], unchanged: [] }, now: { fresh: [], unchanged: [] } }
  try {
    for (let i = 0; i < rounds; i++) {
      for (const [way, script] of [['before', 'start:before'], ['now', 'start']]) {
        clean(dir)
        samples[way].fresh.push(await timeToServe(dir, script))
        samples[way].unchanged.push(await timeToServe(dir, script))
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  const stat = (xs) => ({ s: median(xs), range: range(xs) })
  return {
    rounds, cores: os.availableParallelism(),
    before: { fresh: stat(samples.before.fresh), unchanged: stat(samples.before.unchanged) },
    now: { fresh: stat(samples.now.fresh), unchanged: stat(samples.now.unchanged) },
  }
}

export function startTable(x) {
  const s = (v) => v.s.toFixed(1)
  const faster = (a, b) => ` (${(a.s / b.s).toFixed(a.s / b.s >= 10 ? 0 : 1)}× faster)`
  return [
    `| \`npm start\` until the demo is served, s (${x.cores} cores) | fresh clone (no dist/) | nothing changed |`,
    '|---|---:|---:|',
    `| before: \`rollup -c\` per config file, one after another, type-checked | ${s(x.before.fresh)} | ${s(x.before.unchanged)} |`,
    `| now: configs in parallel, up-to-date ones skipped | ${s(x.now.fresh)}${faster(x.before.fresh, x.now.fresh)} | ${s(x.now.unchanged)}${faster(x.before.unchanged, x.now.unchanged)} |`,
  ].join('\n')
}

if (isMain(import.meta.url)) {
  const at = process.argv.indexOf('--rounds')
  const result = await benchStart({ rounds: at > 0 ? Number(process.argv[at + 1]) : 3 })
  if (process.argv.includes('--json')) console.log(JSON.stringify(result))
  else {
    console.log(startTable(result))
    for (const way of ['before', 'now']) for (const k of ['fresh', 'unchanged']) console.log(`${way}, ${k}: min–max over ${result.rounds} rounds ${result[way][k].range.map((v) => v.toFixed(1)).join('–')} s`)
  }
}
