// size-limit's esbuild config for `import { createWaymark } from 'waymark'`, with code
// splitting as a page's bundler does it: the parts src/parts.ts loads on demand become their
// own chunks. What is counted is what a page loads before any part: the entry's output and
// every chunk it imports statically, written together as first-load.js, the one output
// left listed for size-limit to measure.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const dir = join(tmpdir(), `waymark-size-first-load-${process.pid}`)
const entry = join(dir, 'core-import.js')
const core = resolve(fileURLToPath(new URL('../../dist/waymark.js', import.meta.url)))
mkdirSync(dir, { recursive: true })
writeFileSync(entry, `import { createWaymark } from ${JSON.stringify(core)}\nconsole.log(createWaymark)\n`)

const firstLoad = {
  name: 'first-load',
  setup(build) {
    build.onEnd((result) => {
      const outputs = result.metafile.outputs
      const start = Object.keys(outputs).find((k) => outputs[k].entryPoint && resolve(outputs[k].entryPoint) === entry)
      const seen = new Set()
      const visit = (file) => {
        if (seen.has(file)) return
        seen.add(file)
        for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) visit(i.path)
      }
      visit(start)
      const out = join(dir, 'out', 'first-load.js')
      writeFileSync(out, [...seen].map((f) => readFileSync(f, 'utf8')).join('\n'))
      for (const k of Object.keys(outputs)) delete outputs[k] // size-limit measures what is listed: this file only
      outputs[out] = { imports: [], exports: [], inputs: {}, bytes: 0 }
    })
  },
}

export default {
  entryPoints: [entry],
  bundle: true,
  splitting: true,
  format: 'esm',
  outdir: join(dir, 'out'),
  minifyIdentifiers: true,
  minifySyntax: true,
  minifyWhitespace: true,
  treeShaking: true,
  write: true,
  metafile: true,
  plugins: [firstLoad],
}
