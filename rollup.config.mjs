import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'
import { chmodSync } from 'node:fs'

const ts = () => typescript({ tsconfig: './tsconfig.json', noEmit: false, declaration: false })

// The CLI has its own tsconfig: it alone sees Node's types.
const cliTs = () => typescript({ tsconfig: './src/cli/tsconfig.json', noEmit: false, declaration: false })

// `npm link` and `npx` run dist/cli.js directly, so it must be executable.
const executable = () => ({
  name: 'executable',
  writeBundle(options) {
    chmodSync(options.file, 0o755)
  },
})

// Property names starting with "_" are internal and may be mangled in the script tag.
const minify = () =>
  terser({ ecma: 2020, compress: { passes: 3, pure_getters: true }, mangle: { properties: { regex: /^_/ } }, format: { comments: false } })

export default [
  // npm: ESM and CJS, dependencies left to the user's bundler.
  {
    input: 'src/index.ts',
    external: ['idb-keyval'],
    output: [
      { file: 'dist/waymark.js', format: 'es', sourcemap: true },
      { file: 'dist/waymark.cjs', format: 'cjs', sourcemap: true },
    ],
    plugins: [ts()],
  },
  // Script tag: everything in one minified file that starts itself.
  {
    input: 'src/script-tag.ts',
    output: { file: 'dist/waymark.iife.js', format: 'iife', sourcemap: true },
    plugins: [resolve(), ts(), minify()],
  },
  // The `waymark` bin for Node: one readable ESM file, Node's builtins left as imports.
  {
    input: 'src/cli/bin.ts',
    external: [/^node:/],
    output: { file: 'dist/cli.js', format: 'es', banner: '#!/usr/bin/env node' },
    plugins: [cliTs(), executable()],
  },
  // One bundled declaration file per module format.
  {
    input: 'src/index.ts',
    output: [{ file: 'dist/index.d.ts' }, { file: 'dist/index.d.cts' }],
    plugins: [dts()],
  },
]
