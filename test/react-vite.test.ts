// @vitest-environment node
// Issue 16, item 7: the React example builds as a Vite app, with Vite's default targets.
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const HERE = join(__dirname, '..', 'examples', 'react')
const OUT = join(HERE, 'dist-vite')

describe('examples/react as a Vite app', () => {
  it('vite build makes the page and one bundle with React, waymark/react and the elements, without a warning', async () => {
    expect(existsSync(join(__dirname, '..', 'dist', 'react.js')), 'needs npm run build first').toBe(true)
    const { build } = await import('vite')
    const warnings: string[] = []
    const config = (await import(join(HERE, 'vite.config.mjs'))).default
    await build({ ...config, configFile: false, customLogger: { info() {}, warn: (m: string) => void warnings.push(m), warnOnce: (m: string) => void warnings.push(m), error: (m: string) => void warnings.push(m), clearScreen() {}, hasErrorLogged: () => false, hasWarned: false } })
    expect(warnings).toEqual([])
    const html = readFileSync(join(OUT, 'vite.html'), 'utf8')
    const script = /<script type="module" crossorigin src="\.\/(assets\/[^"]+\.js)"><\/script>/.exec(html)
    expect(script, html).not.toBeNull()
    const js = readFileSync(join(OUT, script![1]), 'utf8')
    for (const marker of ['waymark-order-status', 'Come back in a minute', 'useSyncExternalStore']) expect(js).toContain(marker)
    expect(readdirSync(join(OUT, 'assets')).some((f) => f.endsWith('.css'))).toBe(true)
  }, 60_000)
})
