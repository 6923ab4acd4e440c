// Builds the React example into examples/react/dist/, a static page:
//
//   rollup -c examples/react/rollup.config.mjs      (after `npm run build`, which makes dist/)
//
//   dist/app.js       the browser bundle: client.tsx with React 18, `waymark`, `waymark/elements`
//                     and `waymark/react` (resolved through the package's `exports`, as in a
//                     storefront's own build: the package self-reference of examples/esm)
//   dist/index.html   index.html with the app rendered by server.tsx under Node (react-dom/server's
//                     renderToString, as a server or Next.js would), which app.js hydrates
//   dist/react.css    the page's own styles
//
// Serve dist/ at /react/ next to the example server's /playbook.json, /collect, /api/orders/{id}
// and /waymark.css.
import commonjs from '@rollup/plugin-commonjs'
import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, isAbsolute, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const ROOT = join(HERE, '..', '..')
const OUT = join(HERE, 'dist')

// A clear message instead of "could not resolve 'waymark/react'" when the package is not built.
const needsPackageBuild = () => ({
  name: 'needs-package-build',
  buildStart() {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    for (const entry of ['.', './elements', './react']) {
      const file = join(ROOT, pkg.exports[entry].import.default)
      if (!existsSync(file)) this.error(`${relative(process.cwd(), file)} is missing: run \`npm run build\` before building the examples`)
    }
  },
})

// React's CommonJS entry picks its build by process.env.NODE_ENV: the production one here.
const production = () => ({
  name: 'node-env-production',
  // (No source map of its own: React's own files are minified already, their map is not wanted.)
  transform: (code, id) =>
    id.includes('node_modules') && code.includes('process.env.NODE_ENV') ? { code: code.replaceAll('process.env.NODE_ENV', '"production"'), map: null } : null,
})

const ts = () => typescript({ tsconfig: join(HERE, 'tsconfig.json'), noEmit: false, declaration: false })

// waymark/react starts with 'use client' (for React Server Components); a plain bundle drops it, rightly.
const onwarn = (warning, warn) => {
  if (warning.code === 'MODULE_LEVEL_DIRECTIVE' && /use client/.test(warning.message)) return
  warn(warning)
}

// After the server entry is written: render the app with it and put the markup into the page.
const prerender = () => ({
  name: 'prerender',
  async writeBundle(options) {
    const { render } = await import(`${pathToFileURL(options.file).href}?${Date.now()}`)
    const page = readFileSync(join(HERE, 'index.html'), 'utf8')
    const root = '<div id="root"></div>'
    if (!page.includes(root)) this.error(`index.html has no ${root}`)
    mkdirSync(OUT, { recursive: true })
    writeFileSync(join(OUT, 'index.html'), page.replace(root, `<div id="root">${render()}</div>`))
    copyFileSync(join(HERE, 'react.css'), join(OUT, 'react.css'))
  },
})

export default [
  {
    input: join(HERE, 'client.tsx'),
    // A folder: Waymark's parts are dynamic imports, written as chunks beside app.js.
    output: { dir: OUT, entryFileNames: 'app.js', format: 'es', sourcemap: true },
    onwarn,
    plugins: [needsPackageBuild(), production(), ts(), resolve({ browser: true }), commonjs(), terser({ ecma: 2020, format: { comments: false } })],
  },
  // Only for the prerender, under Node: packages stay imports, resolved by Node at run time.
  {
    input: join(HERE, 'server.tsx'),
    external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0'),
    output: { file: join(OUT, 'server.mjs'), format: 'es' },
    onwarn,
    plugins: [ts(), prerender()],
  },
]
