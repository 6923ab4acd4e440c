// `npm run build` and `npm start`: every config in the given rollup config files, built in
// parallel worker threads, each skipped while its inputs and outputs are as its last build left
// them.
//
//   node test/build/run.mjs [--force] [--workers=N] [config files…]   (default: rollup.config.mjs)
//
// Config files run one after another, in the order given (examples/esm/rollup.config.mjs reads
// what rollup.config.mjs writes); the configs inside one file run side by side, one worker per
// core, longest first. `rollup -c` stays a plain full build of the same configs.
//
// Up to date means: the stamp of the config's last build (node_modules/.cache/waymark-build/,
// where `npm ci` and a fresh clone have none) lists every file that build read (rollup's
// watchFiles: the modules and the CSS; plus the config file, package.json, the lockfile and the
// tsconfig files) and every file it wrote, each with a SHA-256 of its content, and all of them
// still hash the same. Content rather than mtimes, so a checkout or a copy that touches files
// without changing them costs nothing, and a hand-edited or deleted file in dist/ is rebuilt.
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Worker, isMainThread, parentPort } from 'node:worker_threads'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const STAMPS = join(ROOT, 'node_modules', '.cache', 'waymark-build')
const STAMP_FORMAT = 1 // bump when the stamp's shape or meaning changes
const rel = (file) => relative(ROOT, file).split('\\').join('/')

// Files every config depends on besides its own modules: the toolchain (lockfile) and its
// settings. The tsconfig files are found rather than listed, so a new one counts too.
const tsconfigs = (dir, deep) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() && deep && e.name !== 'node_modules'
      ? tsconfigs(join(dir, e.name), deep)
      : /^tsconfig.*\.json$/.test(e.name) ? [join(dir, e.name)] : [],
  )
const sharedInputs = (configFile) => [
  configFile,
  ...[PKG, join(ROOT, 'package-lock.json')].filter(existsSync),
  ...tsconfigs(ROOT, false),
  ...tsconfigs(join(ROOT, 'src'), true),
]

// package.json without the fields no build reads, so a new size budget or script does not
// rebuild everything.
const PKG = join(ROOT, 'package.json')
const contentOf = (file) => {
  if (file !== PKG) return readFileSync(file)
  const { scripts, 'size-limit': budgets, ...rest } = JSON.parse(readFileSync(file, 'utf8'))
  return JSON.stringify(rest)
}
const hashes = new Map() // one run hashes each file once; outputs are re-hashed after writing
const hashOf = (file, fresh = false) => {
  if (!fresh && hashes.has(file)) return hashes.get(file)
  const h = existsSync(file) ? createHash('sha256').update(contentOf(file)).digest('base64url') : null
  hashes.set(file, h)
  return h
}
const unchanged = (files) => Object.entries(files).every(([f, h]) => hashOf(join(ROOT, f)) === h)

const stampFile = (configFile) => join(STAMPS, rel(configFile).replace(/[/\\]/g, '__') + '.json')
function readStamp(configFile) {
  try {
    const s = JSON.parse(readFileSync(stampFile(configFile), 'utf8'))
    return s.format === STAMP_FORMAT ? s : null
  } catch {
    return null
  }
}
function writeStamp(configFile, stamp) {
  mkdirSync(STAMPS, { recursive: true })
  const tmp = `${stampFile(configFile)}.${process.pid}.tmp` // rename: a reader never sees half a stamp
  writeFileSync(tmp, JSON.stringify(stamp, null, 1))
  renameSync(tmp, stampFile(configFile))
}

// ---------------------------------------------------------------------------------------
// Worker: loads each config file once, as `rollup -c` would (same warnings), and builds the
// configs it is handed, one at a time.
// ---------------------------------------------------------------------------------------
async function worker() {
  const { loadConfigFile } = await import('rollup/loadConfigFile')
  const { rollup } = await import('rollup')
  const loaded = new Map()
  parentPort.on('message', async ({ configFile, index }) => {
    const started = Date.now()
    try {
      if (!loaded.has(configFile)) loaded.set(configFile, loadConfigFile(configFile, {}))
      const { options, warnings } = await loaded.get(configFile)
      const config = options[index]
      const bundle = await rollup(config)
      const written = []
      for (const output of config.output) {
        const { output: files } = await bundle.write(output)
        const dir = output.dir ?? dirname(output.file)
        written.push(...files.map((f) => resolve(dir, f.fileName)))
      }
      await bundle.close()
      warnings.flush()
      parentPort.postMessage({ ok: true, inputs: bundle.watchFiles, outputs: written, started, ms: Date.now() - started })
    } catch (e) {
      const where = e.loc ? `${e.loc.file ?? e.id ?? ''}:${e.loc.line}:${e.loc.column}\n` : e.id ? `${e.id}\n` : ''
      parentPort.postMessage({ ok: false, error: `${e.message}\n${where}${e.frame ? e.frame + '\n' : ''}` })
    }
  })
}

// ---------------------------------------------------------------------------------------
// Main thread: decides what is stale, hands it out, stamps what was built.
// ---------------------------------------------------------------------------------------
async function main(args) {
  const force = args.includes('--force')
  const files = args.filter((a) => !a.startsWith('--')).map((f) => resolve(ROOT, f))
  if (!files.length) files.push(join(ROOT, 'rollup.config.mjs'))
  const at = args.findIndex((a) => a.startsWith('--workers='))
  const cores = at >= 0 ? Math.max(1, Number(args[at].slice(10))) : Math.max(1, availableParallelism())
  const pool = [] // idle workers, started on first need and reused across config files
  let workers = 0
  const t0 = Date.now()
  let built = 0
  let skipped = 0

  try {
    for (const configFile of files) {
      const stamp = readStamp(configFile)
      const configHash = hashOf(configFile)
      // While the file is unchanged, its stamp knows how many configs it has and how long each
      // took; otherwise the file is loaded, and a config that minifies (terser: the slowest
      // step) is taken to be slow.
      const known = stamp?.configHash === configHash
      const configs = known ? null : (await (await import('rollup/loadConfigFile')).loadConfigFile(configFile, {})).options
      const minifies = (c) => [c.plugins, ...c.output.map((o) => o.plugins)].flat().some((p) => p?.name === 'terser')
      const jobs = (known ? stamp.jobs : configs).map((c, index) => ({ index, last: known ? c : null, guess: known ? 0 : minifies(c) ? 1e6 : 0 }))
      const stale = jobs.filter((j) => force || !j.last || !unchanged(j.last.inputs) || !unchanged(j.last.outputs))
      skipped += jobs.length - stale.length
      const next = { format: STAMP_FORMAT, configHash, jobs: jobs.map((j) => (stale.includes(j) ? null : j.last)) }
      // Longest first: the two slowest never end up one after another on the same worker.
      stale.sort((a, b) => (b.last?.ms ?? b.guess) - (a.last?.ms ?? a.guess))

      const failures = []
      const run = async () => {
        for (let job = stale.shift(); job; job = stale.shift()) {
          let w = pool.pop()
          if (!w) {
            w = new Worker(fileURLToPath(import.meta.url))
            workers++
          }
          const result = await new Promise((ok) => {
            w.once('message', ok)
            w.once('error', (e) => ok({ ok: false, crashed: true, error: e.stack }))
            w.postMessage({ configFile, index: job.index })
          })
          w.removeAllListeners('message')
          w.removeAllListeners('error')
          if (!result.crashed) pool.push(w)
          if (!result.ok) {
            failures.push(result.error)
            continue
          }
          built++
          const outputs = result.outputs
          process.stderr.write(`build: ${outputs.map(rel).filter((f) => !f.endsWith('.map')).join(', ')} in ${(result.ms / 1000).toFixed(1)} s\n`)
          const inputs = [...new Set([...sharedInputs(configFile), ...result.inputs.filter((f) => !f.startsWith('\0'))])]
          // A file edited while this config was building may not be in its output: no stamp then,
          // so the next run builds it again.
          if (inputs.some((f) => existsSync(f) && statSync(f).mtimeMs > result.started)) continue
          const entry = (list, fresh) => Object.fromEntries(list.map((f) => [rel(f), hashOf(f, fresh)]))
          next.jobs[job.index] = { ms: result.ms, inputs: entry(inputs, false), outputs: entry(outputs, true) }
        }
      }
      await Promise.all(Array.from({ length: Math.min(cores, stale.length) }, run))
      writeStamp(configFile, next)
      if (failures.length) {
        process.stderr.write(failures.join('\n'))
        return 1
      }
    }
  } finally {
    await Promise.all(pool.map((w) => w.terminate()))
  }
  const what = [built && `${built} built`, skipped && `${skipped} up to date`].filter(Boolean).join(', ')
  process.stderr.write(`build: ${what} in ${((Date.now() - t0) / 1000).toFixed(1)} s` + (built ? ` (${workers} worker${workers === 1 ? '' : 's'})\n` : ' (npm run build -- --force rebuilds)\n'))
  return 0
}

if (!isMainThread) await worker()
else process.exitCode = await main(process.argv.slice(2))
