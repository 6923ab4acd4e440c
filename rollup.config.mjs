import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { dts } from 'rollup-plugin-dts'
import tsc from 'typescript'
import { createHash } from 'node:crypto'
import { chmodSync, readFileSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, resolve as resolvePath } from 'node:path'

// TypeScript, file by file: `transpileModule` with the tsconfig's options plus those
// @rollup/plugin-typescript forces (tslib helpers, source maps with their sources), and the
// tsconfig's module resolution. The same bytes as that plugin's whole-program emit (which
// isolatedModules guarantees: no file's output depends on another), without a program per
// config: no lib.dom.d.ts parsed for each, no type check (`npm run typecheck` does it, once).
const transpile = (tsconfig) => {
  const file = resolvePath(tsconfig)
  const { options } = tsc.parseJsonConfigFileContent(tsc.readConfigFile(file, tsc.sys.readFile).config, tsc.sys, dirname(file))
  if (!options.isolatedModules) throw new Error(`${tsconfig}: transpiling file by file needs isolatedModules`)
  const compilerOptions = { ...options, noEmit: false, declaration: false, sourceMap: true, inlineSources: true, noEmitHelpers: true, importHelpers: true }
  const cache = tsc.createModuleResolutionCache(process.cwd(), (f) => f, compilerOptions)
  const tsFile = /\.[cm]?tsx?$/
  const declarations = /\.d\.[cm]?ts$/
  return {
    name: 'transpile-typescript',
    api: { tsconfig: file }, // for test/bench/start.mjs, which times the plugin this replaced
    resolveId(source, importer) {
      if (source === 'tslib') return createRequire(import.meta.url).resolve('tslib/tslib.es6.js')
      if (!importer || importer.startsWith('\0')) return null
      const { resolvedModule } = tsc.resolveModuleName(source, importer.split('\\').join('/'), compilerOptions, tsc.sys, cache)
      const found = resolvedModule?.resolvedFileName
      return found && tsFile.test(found) && !declarations.test(found) ? resolvePath(found) : null
    },
    transform(code, id) {
      if (!tsFile.test(id) || declarations.test(id)) return null
      const { outputText, sourceMapText, diagnostics } = tsc.transpileModule(code, { compilerOptions, fileName: id, reportDiagnostics: true })
      // Syntax errors, said in TypeScript's words (rollup would only stumble over the output).
      for (const d of diagnostics ?? []) {
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : null
        this.error({ message: tsc.flattenDiagnosticMessageText(d.messageText, '\n'), loc: at ? { file: id, line: at.line + 1, column: at.character } : undefined })
      }
      return { code: outputText, map: sourceMapText }
    },
  }
}
const ts = () => transpile('./tsconfig.json')

// The CLI has its own tsconfig: it alone sees Node's types.
const cliTs = () => transpile('./src/cli/tsconfig.json')

// `npm link` and `npx` run dist/cli.js directly, so it must be executable.
const executable = () => ({
  name: 'executable',
  writeBundle(options) {
    chmodSync(options.file, 0o755)
  },
})

// Enough for our own stylesheet: comments and whitespace go. Spaces around `+` and before `:`
// stay (calc(), descendant pseudo-classes).
const minifyCss = (css) =>
  css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    .replace(/:\s+/g, ':')
    .replace(/;}/g, '}')
    .replace(/([\s:(,-])0\.(\d)/g, '$1.$2')
    .trim()

// `import css from './x.css?raw'` gives the minified stylesheet as a string (as Vite does in
// the tests); with `emit` (an output format), the same CSS is written beside that output as
// waymark.css, for pages whose browser lacks constructable stylesheets.
const rawCss = ({ emit = '' } = {}) => {
  let css = ''
  return {
    name: 'raw-css',
    resolveId(source, importer) {
      if (source.endsWith('.css?raw') && importer) return '\0raw-css:' + resolvePath(dirname(importer), source.slice(0, -4))
    },
    load(id) {
      if (!id.startsWith('\0raw-css:')) return
      const file = id.slice('\0raw-css:'.length)
      this.addWatchFile(file)
      css = minifyCss(readFileSync(file, 'utf8'))
      return `export default ${JSON.stringify(css)}`
    },
    generateBundle(options) {
      if (emit && css && options.format === emit) this.emitFile({ type: 'asset', fileName: 'waymark.css', source: css })
    },
  }
}

// Property names starting with "_" are internal and may be mangled in the script tag.
const minify = () =>
  terser({ ecma: 2020, compress: { passes: 3, pure_getters: true }, mangle: { properties: { regex: /^_/ } }, format: { comments: /^# allFunctionsCalledOnLoad$/ } })

// V8's explicit compile hint (Chrome 136+; other engines read a comment): every function of
// the file is compiled as the script streams in, on a background thread, instead of on the
// main thread at its first call. Only for the files whose code nearly all runs at start (the
// script tags' first files): a returning start at 4× CPU measured the split tag's script task
// 25 → 13 ms and the tasks calling into it 55 → 43 ms (TRACE=1 test/bench/startup-ab.mjs, 15
// loads each). Parts keep compiling lazily: much of their code never runs on a given page.
const EAGER = '//# allFunctionsCalledOnLoad'

// The split script tag (dist/script/): its first file and each part carry one build id
// (src/build-id.ts, rewritten here), a hash of every source file a browser build reads, so
// that a change anywhere rebuilds them all and a part never runs with another build's first
// file. In the first file, src/parts.ts is swapped for src/script-parts.ts, which loads each
// part as a script beside it; in the one-file script tag, for src/inline-parts.ts.
const sourceFiles = (dir) =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? (['cli', 'studio'].includes(e.name) ? [] : sourceFiles(join(dir, e.name))) : [join(dir, e.name)],
  )
const splitScript = ({ first = false, parts = first ? 'src/script-parts.ts' : '' } = {}) => {
  let id
  return {
    name: 'split-script',
    buildStart() {
      const files = sourceFiles(resolvePath('src')).sort()
      const h = createHash('sha256')
      for (const f of files) this.addWatchFile(f), h.update(f.slice(resolvePath('src').length)).update(readFileSync(f))
      id = h.digest('base64url').slice(0, 10).replace(/[-_]/g, 'x')
    },
    resolveId(source, importer) {
      if (parts && source === './parts' && importer && importer.startsWith(resolvePath('src'))) return resolvePath(parts)
    },
    load(file) {
      if (file === resolvePath('src/build-id.ts')) return `export const BUILD_ID = ${JSON.stringify(id)}\n`
    },
  }
}

// The studio's page and stylesheet, emitted beside its script (dist/studio/), watched so a
// change rebuilds it.
const studioAssets = () => ({
  name: 'studio-assets',
  buildStart() {
    for (const f of ['src/studio/index.html', 'src/studio/studio.css']) this.addWatchFile(resolvePath(f))
  },
  generateBundle() {
    this.emitFile({ type: 'asset', fileName: 'index.html', source: readFileSync('src/studio/index.html', 'utf8') })
    this.emitFile({ type: 'asset', fileName: 'studio.css', source: minifyCss(readFileSync('src/studio/studio.css', 'utf8')) })
  },
})

// waymark/react: `react` is the page's own, and the core is the `waymark` package itself (so
// `createWaymark` and the types come from the same module as the page's own imports).
const REACT_EXTERNAL = ['react', 'waymark']
const reactCore = () => ({
  name: 'react-core',
  resolveId(source, importer) {
    if (importer && /[\\/]src[\\/]react[\\/]/.test(importer) && (source === '../index' || source === '../types'))
      return { id: 'waymark', external: true }
  },
})

// The npm build's parts (src/parts.ts), each with the modules only it needs, and the rest in
// one core chunk. Named here because `validatePlaybook` is also a public export: left to
// rollup, it (and all it imports) would share the entry's chunk, and a page's bundler, which
// splits by file, would load it before any part. The entry itself only re-exports. The root
// `compileCondition` (compile-condition.ts) is the validator's neighbour for the same reason:
// it brings the `$regex` matcher, itself a part of an instance (src/rules/with-regex.ts).
const VALIDATOR = /[\\/]src[\\/](playbook[\\/]validate|rules[\\/]condition-check)\.ts$/
const SYNC_COPY = '.sync-copy.ts'
const PART_MODULES = {
  // next-task.ts: only the sync yields between tasks today; a core module that imports it
  // would load this part with the core, so it moves out of here then.
  sync: /[\\/]src[\\/](playbook[\\/](sync|verify|fetch|validate-sliced)|next-task|.*\.sync-copy)\.ts$/,
  validate: /[\\/]src[\\/](playbook[\\/]validate|rules[\\/](condition-check|compile-condition))\.ts$/,
  regex: /[\\/]src[\\/]rules[\\/]regex(-parse)?\.ts$/,
  delivery: /[\\/]src[\\/]delivery[\\/](delivery|handover|lease|news|pace|send|queue)\.ts$/,
  orders: /[\\/]src[\\/]orders\.ts$/,
  places: /[\\/]src[\\/]places\.ts$/,
  identity: /[\\/]src[\\/]identity\.ts$/,
  preview: /[\\/]src[\\/]preview-offer\.ts$/,
}

// The npm build's sync part validates with its own copy of the validator (validate.ts and
// condition-check.ts, which only it uses). Shared with the root entry's `validatePlaybook`,
// the validator would load with every `import { createWaymark }` bundled by esbuild: its code
// splitting follows the entry's re-export into that chunk even when it is unused (1.7 kB).
// The price: a page that calls validatePlaybook itself and also syncs loads the validator twice.
const copyTs = transpile('./tsconfig.json')
const syncValidator = () => ({
  name: 'sync-validator',
  async resolveId(source, importer, options) {
    if (!importer || !PART_MODULES.sync.test(importer)) return null
    const from = importer.endsWith(SYNC_COPY) ? importer.slice(0, -SYNC_COPY.length) + '.ts' : importer
    const found = await this.resolve(source, from, { ...options, skipSelf: true })
    return found && VALIDATOR.test(found.id) ? found.id.slice(0, -'.ts'.length) + SYNC_COPY : null
  },
  // The copy is loaded as JavaScript, so that it builds whichever TypeScript plugin is in the
  // config (test/bench/start.mjs swaps in @rollup/plugin-typescript, which only compiles the
  // files of its program: a copy is not one).
  load(id) {
    if (!id.endsWith(SYNC_COPY)) return null
    const file = id.slice(0, -SYNC_COPY.length) + '.ts'
    return copyTs.transform.call(this, readFileSync(file, 'utf8'), file)
  },
})

const npmChunks = (id) =>
  /[\\/]src[\\/]index\.ts$/.test(id) ? undefined : Object.keys(PART_MODULES).find((part) => PART_MODULES[part].test(id)) || 'core'
// No transitive imports hoisted into the entry: an `import './waymark-regex.js'` there (the
// root compileCondition's) would load the $regex matcher with every `import { createWaymark }`.
const npmOutput = { manualChunks: npmChunks, hoistTransitiveImports: false, sourcemap: true }

export default [
  // npm: ESM and CJS, dependencies left to the user's bundler.
  {
    input: 'src/index.ts',
    external: ['idb-keyval'],
    // Parts loaded on demand (src/parts.ts) are chunks beside it: dist/waymark-<part>.js / .cjs.
    output: [
      { dir: 'dist', entryFileNames: 'waymark.js', chunkFileNames: 'waymark-[name].js', ...npmOutput, format: 'es' },
      { dir: 'dist', entryFileNames: 'waymark.cjs', chunkFileNames: 'waymark-[name].cjs', ...npmOutput, format: 'cjs' },
    ],
    plugins: [syncValidator(), ts()],
  },
  // npm: the elements, apart from the core (they need only its types and `fill`).
  {
    input: 'src/elements/index.ts',
    output: [
      { file: 'dist/elements.js', format: 'es', sourcemap: true },
      { file: 'dist/elements.cjs', format: 'cjs', sourcemap: true },
    ],
    plugins: [rawCss({ emit: 'es' }), ts()],
  },
  // Script tag: everything in one minified file that starts itself, elements included.
  {
    input: 'src/script-tag.ts',
    output: { file: 'dist/waymark.iife.js', format: 'iife', sourcemap: true, banner: EAGER },
    plugins: [rawCss(), splitScript({ parts: 'src/inline-parts.ts' }), resolve(), ts(), minify()],
  },
  // The split script tag: a first file with the start, and parts it loads from its own folder.
  {
    input: 'src/script-split.ts',
    output: { file: 'dist/script/waymark.js', format: 'iife', sourcemap: true, banner: EAGER },
    plugins: [splitScript({ first: true }), resolve(), ts(), minify()],
  },
  ...['sync', 'delivery', 'orders', 'places', 'identity', 'preview'].map((part) => ({
    input: `src/parts/${part}.ts`,
    output: { file: `dist/script/waymark-${part}.js`, format: 'iife', sourcemap: true },
    plugins: [splitScript(), resolve(), ts(), minify()],
  })),
  {
    input: 'src/parts/elements.ts',
    output: { file: 'dist/script/waymark-elements.js', format: 'iife', sourcemap: true },
    plugins: [rawCss({ emit: 'iife' }), splitScript(), resolve(), ts(), minify()],
  },
  // The `waymark` bin for Node: one readable ESM file, Node's builtins left as imports.
  {
    input: 'src/cli/bin.ts',
    external: [/^node:/],
    output: { file: 'dist/cli.js', format: 'es', banner: '#!/usr/bin/env node', inlineDynamicImports: true },
    plugins: [cliTs(), executable()],
  },
  // `waymark studio`'s page: one minified ES module, its page and its stylesheet, found by
  // dist/cli.js in dist/studio/. Only the studio loads it; it never reaches a visitor.
  {
    input: 'src/studio/main.ts',
    output: { dir: 'dist/studio', entryFileNames: 'studio.js', format: 'es', inlineDynamicImports: true },
    plugins: [rawCss(), resolve(), ts(), minify(), studioAssets()],
  },
  // One bundled declaration file per module format.
  {
    input: 'src/index.ts',
    output: [{ file: 'dist/index.d.ts' }, { file: 'dist/index.d.cts' }],
    plugins: [dts()],
  },
  {
    input: 'src/elements/index.ts',
    output: [{ file: 'dist/elements.d.ts' }, { file: 'dist/elements.d.cts' }],
    plugins: [dts()],
  },
  // npm: waymark/react. 'use client' marks it for React Server Components frameworks.
  {
    input: 'src/react/index.ts',
    external: REACT_EXTERNAL,
    output: [
      { file: 'dist/react.js', format: 'es', sourcemap: true, banner: "'use client';" },
      { file: 'dist/react.cjs', format: 'cjs', sourcemap: true, banner: "'use client';" },
    ],
    plugins: [reactCore(), ts()],
  },
  {
    input: 'src/react/index.ts',
    external: REACT_EXTERNAL,
    output: [{ file: 'dist/react.d.ts' }, { file: 'dist/react.d.cts' }],
    plugins: [reactCore(), dts()],
  },
]
