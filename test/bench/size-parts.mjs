// `npm run bench:size-parts`: what each part of Waymark costs, measured by building the script
// tag and the `createWaymark` import with that part replaced by empty stubs (every export a
// no-op), in the same run as the full builds. It answers "what would leaving X out save?", the
// question behind the size targets (README, "Size"). The stubbed builds are for measuring only:
// they do not run.
//
// Sources are transpiled with TypeScript's transpileModule (no type check), bundled by rollup
// and minified by terser with the script tag's options; brotli quality 11. Savings overlap, so
// they do not add up exactly.
import { readFileSync, existsSync } from 'node:fs'
import { dirname, join, resolve as resolvePath } from 'node:path'
import { brotliCompressSync, constants } from 'node:zlib'
import { rollup } from 'rollup'
import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import ts from 'typescript'
import { ROOT } from './lib.mjs'

/** Parts, as paths under src/ (a trailing `/` is a folder; `css` is the elements' stylesheet). */
const SYNC = ['playbook/sync.ts', 'playbook/fetch.ts', 'playbook/verify.ts']
const VALIDATION = ['playbook/validate.ts', 'rules/condition-check.ts']
const PARTS = [
  ['playbook sync (fetch, schedule, signatures)', SYNC],
  ['delivery', ['delivery/']],
  ['the elements (all of them)', ['elements/']],
  ['of that, the stylesheet', ['css']],
  ["of that, the elements' en/ru texts", ['elements/texts.ts']],
  ['playbook validation in the browser', VALIDATION],
  ['orders', ['orders.ts']],
  ['signatures alone', ['playbook/verify.ts']],
  ['identity restore', ['identity.ts']],
  ['the back/forward cache handling (journal, freeze and return)', ['storage-journal.ts', 'page-cache.ts']],
  ['sync, delivery, orders and the elements together', [...SYNC, 'delivery/', 'orders.ts', 'elements/']],
]

const SRC = join(ROOT, 'src') + '/'
const stubbed = (stubs, file) => {
  const rel = file.slice(SRC.length)
  return stubs.some((s) => rel === s || (s.endsWith('/') && rel.startsWith(s)))
}
// Every exported function, constant or class becomes a no-op: the module's code drops out and
// its importers still bundle.
const stubOf = (file) =>
  [...readFileSync(file, 'utf8').matchAll(/^export (?:async )?(?:function|const|let|class) (\w+)/gm)]
    .map((m) => `export const ${m[1]} = () => ({})`)
    .join('\n')

// The same CSS minifying as rollup.config.mjs, enough to weigh the stylesheet fairly.
const minifyCss = (css) =>
  css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\s+/g, ' ').replace(/\s*([{};,>])\s*/g, '$1').replace(/:\s+/g, ':').replace(/;}/g, '}').replace(/([\s:(,-])0\.(\d)/g, '$1.$2').trim()

const sources = (stubs) => ({
  name: 'sources',
  resolveId(source, importer) {
    if (source === '\0core') return source
    const from = importer === '\0core' ? ROOT : importer && dirname(importer)
    if (source.endsWith('.css?raw') && from) return '\0css:' + resolvePath(from, source.slice(0, -4))
    if (source.startsWith('.') && from) {
      const base = resolvePath(from, source)
      for (const f of [base, base + '.ts', join(base, 'index.ts')]) if (f.endsWith('.ts') && existsSync(f)) return f
    }
  },
  load(id) {
    if (id === '\0core') return `export { createWaymark } from './src/index.ts'`
    if (id.startsWith('\0css:')) return `export default ${JSON.stringify(stubs.includes('css') ? '' : minifyCss(readFileSync(id.slice(5), 'utf8')))}`
    if (!id.endsWith('.ts')) return
    const code = stubbed(stubs, id) ? stubOf(id) : readFileSync(id, 'utf8')
    return ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2020, module: ts.ModuleKind.ESNext } }).outputText
  },
})

const minify = () =>
  terser({ ecma: 2020, compress: { passes: 3, pure_getters: true }, mangle: { properties: { regex: /^_/ } }, format: { comments: false } })

const brotli = (code) => brotliCompressSync(Buffer.from(code), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length

async function size(input, format, stubs) {
  const bundle = await rollup({ input, plugins: [sources(stubs), resolve({ browser: true }), minify()], onwarn: () => {} })
  // Parts loaded on demand (src/parts.ts) are inlined: this measures what each part costs, not when it loads.
  const { output } = await bundle.generate({ format, inlineDynamicImports: true })
  await bundle.close()
  return brotli(output[0].code)
}

const ENTRIES = [
  ['script tag', join(SRC, 'script-tag.ts'), 'iife'],
  ['createWaymark', '\0core', 'es'],
]
const kB = (b) => (b / 1000).toFixed(2) + ' kB'
const full = []
for (const [, input, format] of ENTRIES) full.push(await size(input, format, []))
const lines = [
  '| left out | ' + ENTRIES.map(([n]) => `${n} saves (left)`).join(' | ') + ' |',
  '|---|' + ENTRIES.map(() => '---:|').join(''),
  '| nothing (every feature) | ' + full.map((b) => `— (${kB(b)})`).join(' | ') + ' |',
]
for (const [name, stubs] of PARTS) {
  const cells = []
  for (const [i, [, input, format]] of ENTRIES.entries()) {
    const b = await size(input, format, stubs)
    cells.push(b === full[i] ? '—' : `${kB(full[i] - b)} (${kB(b)})`)
  }
  lines.push(`| ${name} | ${cells.join(' | ')} |`)
}
console.log(lines.join('\n'))
console.log(`\nOne run, Node ${process.version}; rollup, terser with the script tag's options, brotli quality 11; kB = 1,000 bytes.`)
