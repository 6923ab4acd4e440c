// Builds the npm example: examples/esm/main.js → examples/esm/dist/app.js.
//
//   rollup -c examples/esm/rollup.config.mjs      (after `npm run build`, which makes dist/)
//
// `import { createWaymark } from 'waymark'` is resolved the way it is in a storefront's own
// build: by @rollup/plugin-node-resolve, through the `exports` map of a package.json named
// "waymark". Here that package is this repository itself (the nearest package.json above
// main.js), so node-resolve's package self-reference picks `exports["."].import` →
// dist/waymark.js, and `idb-keyval` comes from node_modules like any dependency. No alias, no
// path into dist/ or src/ in main.js.
import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..')

// A clear message instead of "could not resolve 'waymark'" when the package is not built yet.
const needsPackageBuild = () => ({
  name: 'needs-package-build',
  buildStart() {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    const entry = join(ROOT, pkg.exports['.'].import.default)
    if (!existsSync(entry)) {
      this.error(`${relative(process.cwd(), entry)} is missing: run \`npm run build\` before building the examples`)
    }
  },
})

export default {
  input: join(HERE, 'main.js'),
  // A folder, not one file: Waymark's parts (playbook sync, delivery, orders…) are dynamic
  // imports, which rollup writes as chunks beside app.js and the page loads when needed.
  output: {
    dir: join(HERE, 'dist'),
    entryFileNames: 'app.js',
    format: 'es',
    sourcemap: true,
  },
  plugins: [
    needsPackageBuild(),
    // browser: true prefers the `browser` field/condition where a dependency has one.
    resolve({ browser: true }),
    terser({ ecma: 2020, format: { comments: false } }),
  ],
}
