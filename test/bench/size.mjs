// `npm run bench:size`: Waymark's size against peer SDKs, every figure measured in this run.
// Builds dist/, then bundles a small entry per SDK (what a page imports to get it running)
// with rollup the way an app's bundler would (node-resolve for the browser, commonjs, terser
// with Waymark's own compress options), and measures minified bytes, gzip (level 9) and
// brotli (quality 11, like size-limit). Ready-made browser files that a package ships are
// measured as they are, labelled "as shipped". Nothing is fetched: all peers are devDependencies.
//
//   node test/bench/size.mjs          the table
//   node test/bench/size.mjs --keep   also keeps the bundles (the temp dir is printed)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { rollup } from 'rollup'
import commonjs from '@rollup/plugin-commonjs'
import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { ROOT, build } from './lib.mjs'

// Waymark's terser options (rollup.config.mjs) less `mangle.properties`: renaming every
// `_`-prefixed property is safe only for Waymark's own script tag (its convention; the file is
// measured as built below). Applied to a peer it would rename their public `_` properties, and
// an app's bundler does not do it to Waymark's npm entries either.
const minify = () => terser({ ecma: 2020, compress: { passes: 3, pure_getters: true }, format: { comments: false } })

// App bundlers (Vite, webpack) replace `process.env.NODE_ENV` for production, so dev-only code
// (GrowthBook's logging, for one) drops out; without this it would count, and would need a shim.
const production = () => ({
  name: 'node-env',
  transform: (code) => (code.includes('process.env.NODE_ENV') ? { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null } : null),
})

const version = (pkg) => JSON.parse(readFileSync(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version
const nm = (pkg, file) => join(ROOT, 'node_modules', pkg, file)

// One row each. `entry`: source bundled by rollup; `file`: a ready-made file measured as is.
const WAYMARK = 'Waymark'
const rows = [
  { sdk: WAYMARK, pkg: null, what: 'script tag `dist/waymark.iife.js`, everything (elements, stylesheet, idb-keyval), as built', file: join(ROOT, 'dist/waymark.iife.js'), base: true },
  { sdk: WAYMARK, pkg: null, what: 'split script tag `dist/script/waymark.js`, its first file (the parts load when needed), as built', file: join(ROOT, 'dist/script/waymark.js') },
  { sdk: WAYMARK, pkg: null, what: '`createWaymark` from `dist/waymark.js`, idb-keyval bundled', entry: `export { createWaymark } from ${JSON.stringify(join(ROOT, 'dist/waymark.js'))}` },
  { sdk: WAYMARK, pkg: null, what: '`defineElements` from `dist/elements.js` (stylesheet included)', entry: `export { defineElements } from ${JSON.stringify(join(ROOT, 'dist/elements.js'))}` },
  { sdk: 'GrowthBook', pkg: '@growthbook/growthbook', what: '`GrowthBook` (flags and experiments)', entry: `export { GrowthBook } from '@growthbook/growthbook'` },
  { sdk: 'GrowthBook', pkg: '@growthbook/growthbook', what: 'script tag `dist/bundles/auto.min.js`, as shipped', file: nm('@growthbook/growthbook', 'dist/bundles/auto.min.js') },
  { sdk: 'Snowplow', pkg: '@snowplow/browser-tracker', what: '`newTracker`, `trackPageView`, `trackSelfDescribingEvent`', entry: `export { newTracker, trackPageView, trackSelfDescribingEvent } from '@snowplow/browser-tracker'` },
  { sdk: 'Snowplow', pkg: '@snowplow/browser-tracker', what: 'UMD `dist/index.umd.min.js` (the whole package), as shipped', file: nm('@snowplow/browser-tracker', 'dist/index.umd.min.js') },
  { sdk: 'LaunchDarkly', pkg: 'launchdarkly-js-client-sdk', what: '`initialize` (flags client)', entry: `export { initialize } from 'launchdarkly-js-client-sdk'` },
  { sdk: 'LaunchDarkly', pkg: 'launchdarkly-js-client-sdk', what: 'UMD `dist/ldclient.min.js`, as shipped', file: nm('launchdarkly-js-client-sdk', 'dist/ldclient.min.js') },
  { sdk: 'Segment', pkg: '@segment/analytics-next', what: '`AnalyticsBrowser`', entry: `export { AnalyticsBrowser } from '@segment/analytics-next'` },
  { sdk: 'Segment', pkg: '@segment/analytics-next', what: 'script tag `dist/umd/standalone.js`, as shipped (more chunks come from its CDN)', file: nm('@segment/analytics-next', 'dist/umd/standalone.js') },
  { sdk: 'Braze', pkg: '@braze/web-sdk', what: '`initialize`, `openSession`, `changeUser`, `logCustomEvent`', entry: `export { initialize, openSession, changeUser, logCustomEvent } from '@braze/web-sdk'` },
  { sdk: 'Braze', pkg: '@braze/web-sdk', what: 'the same + `automaticallyShowInAppMessages` (in-app message UI, like offers)', entry: `export { initialize, openSession, changeUser, logCustomEvent, automaticallyShowInAppMessages } from '@braze/web-sdk'` },
  { sdk: 'PostHog', pkg: 'posthog-js', what: '`posthog` (default export; recorder, surveys etc. load later from its CDN)', entry: `import posthog from 'posthog-js'; export { posthog }` },
  { sdk: 'PostHog', pkg: 'posthog-js', what: 'script tag `dist/array.js` (what its snippet loads), as shipped', file: nm('posthog-js', 'dist/array.js') },
]

// The entry is a virtual module with a path inside the repo, so bare imports resolve from
// ./node_modules; nothing is written into the work tree.
const ENTRY = join(ROOT, '__size_entry__.mjs')
const virtualEntry = (code) => ({
  name: 'size-entry',
  resolveId: (id) => (id === ENTRY ? ENTRY : null),
  load: (id) => (id === ENTRY ? code : null),
})

/**
 * Bundles `code` into `dir` (ES modules, so dynamic imports become chunks, as in an app).
 * @returns {Promise<{ initial: string, lazy: string[] }>} the entry chunk and the chunks it
 *   imports statically (loaded up front), and the code of the chunks loaded on demand.
 */
async function bundle(code, dir) {
  const bundle = await rollup({
    input: ENTRY,
    plugins: [virtualEntry(code), production(), resolve({ browser: true, preferBuiltins: false }), commonjs()],
    onwarn(w, warn) {
      // An import left unresolved would make the figure too small: fail the row instead.
      if (w.code === 'UNRESOLVED_IMPORT') throw new Error(w.message)
      if (!['CIRCULAR_DEPENDENCY', 'THIS_IS_UNDEFINED', 'EVAL', 'MODULE_LEVEL_DIRECTIVE'].includes(w.code)) warn(w)
    },
  })
  const { output } = await bundle.write({ dir, format: 'es', plugins: [minify()], entryFileNames: 'entry.js' })
  await bundle.close()
  const chunks = new Map(output.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]))
  const upfront = new Set()
  const visit = (name) => {
    if (upfront.has(name)) return
    upfront.add(name)
    for (const i of chunks.get(name).imports) visit(i)
  }
  visit('entry.js')
  const read = (name) => readFileSync(join(dir, name), 'utf8')
  return {
    initial: [...upfront].map(read).join('\n'),
    lazy: [...chunks.keys()].filter((n) => !upfront.has(n)).map(read),
  }
}

/** Bytes of the code as is, gzipped at level 9, and brotli at quality 11. */
const measure = (code) => {
  const buf = Buffer.from(code)
  return {
    min: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length },
    }).length,
  }
}

const kB = (b) => (b / 1000).toFixed(2) + ' kB' // kB = 1,000 B, as size-limit reports them
const ratio = (x) => (x >= 10 ? x.toFixed(0) : x.toPrecision(2)) + '×'

process.stderr.write('bench:size: npm run build…\n')
build()
const tmp = mkdtempSync(join(tmpdir(), 'waymark-size-'))
for (const [i, row] of rows.entries()) {
  process.stderr.write(`bench:size: ${row.sdk}: ${row.what}…\n`)
  row.version = '?'
  try {
    row.version = row.pkg ? version(row.pkg) : JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version
    if (row.file) {
      Object.assign(row, measure(readFileSync(row.file, 'utf8')))
    } else {
      const { initial, lazy } = await bundle(row.entry, join(tmp, String(i)))
      Object.assign(row, measure(initial))
      // Chunks behind dynamic imports are not loaded up front: shown, not counted.
      if (lazy.length) row.what += `; + ${lazy.length} lazy chunks, ${kB(lazy.reduce((s, c) => s + measure(c).brotli, 0))} brotli, not counted`
    }
  } catch (e) {
    row.error = String((e && e.message) || e).split('\n')[0].slice(0, 160)
  }
}
if (process.argv.includes('--keep')) process.stderr.write(`bench:size: bundles kept in ${tmp}\n`)
else rmSync(tmp, { recursive: true, force: true })

const base = rows.find((r) => r.base)
if (base.error) throw new Error(`cannot measure Waymark's script tag: ${base.error}`)
// Smallest first by brotli; rows that failed go last, with their error.
rows.sort((a, b) => (a.error ? 1 : 0) - (b.error ? 1 : 0) || a.brotli - b.brotli)
const lines = [
  '| SDK | version | what is included | minified | gzip | brotli | brotli ÷ Waymark script tag |',
  '|---|---|---|---:|---:|---:|---:|',
  ...rows.map((r) =>
    r.error
      ? `| ${r.sdk} | ${r.version} | ${r.what} | failed: ${r.error.replace(/\|/g, '\\|')} | | | |`
      : `| ${r.sdk} | ${r.version} | ${r.what} | ${kB(r.min)} | ${kB(r.gzip)} | ${kB(r.brotli)} | ${r.base ? '1×' : ratio(r.brotli / base.brotli)} |`,
  ),
  '',
  `Each figure was measured in this run (Node ${process.version}, rollup 4 with node-resolve for the ` +
    `browser, commonjs, NODE_ENV=production and terser with Waymark's compress options; gzip level 9, brotli quality 11; ` +
    `kB = 1,000 bytes). Bundled rows count the code loaded up front; "as shipped" files are measured as they are.`,
]
console.log(lines.join('\n'))
