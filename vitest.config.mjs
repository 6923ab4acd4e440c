import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Vitest empties CSS imports by default; the elements import their stylesheet as text.
    css: { include: [/\.css\?raw$/] },
  },
})
