// The React example as a Vite app builds it, with Vite's default targets (no top-level await):
//
//   npx vite build --config examples/react/vite.config.mjs     → examples/react/dist-vite/
//
// (after `npm run build`: a storefront installing `waymark` from npm gets these paths from the
// package's `exports`; here, inside the package itself, they are spelled out.)
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const HERE = dirname(fileURLToPath(import.meta.url))
const DIST = join(HERE, '..', '..', 'dist')

export default {
  root: HERE,
  base: './',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic' },
  resolve: {
    alias: [
      { find: /^waymark$/, replacement: join(DIST, 'waymark.js') },
      { find: /^waymark\/elements$/, replacement: join(DIST, 'elements.js') },
      { find: /^waymark\/react$/, replacement: join(DIST, 'react.js') },
    ],
  },
  build: {
    outDir: join(HERE, 'dist-vite'),
    emptyOutDir: true,
    rollupOptions: {
      input: join(HERE, 'vite.html'),
      // waymark/react starts with 'use client' for Next.js; a plain client bundle drops it.
      onwarn: (warning, warn) => warning.code === 'MODULE_LEVEL_DIRECTIVE' || warn(warning),
    },
  },
}
