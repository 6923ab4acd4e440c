import resolve from '@rollup/plugin-node-resolve'
import terser from '@rollup/plugin-terser'
import typescript from '@rollup/plugin-typescript'
import { dts } from 'rollup-plugin-dts'

const ts = () => typescript({ tsconfig: './tsconfig.json', noEmit: false, declaration: false })

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
  // One bundled declaration file per module format.
  {
    input: 'src/index.ts',
    output: [{ file: 'dist/index.d.ts' }, { file: 'dist/index.d.cts' }],
    plugins: [dts()],
  },
]
