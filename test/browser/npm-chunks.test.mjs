// @vitest-environment node
// The npm build as a page's bundler splits it (rollup, code splitting: the core with the page's
// own code, a chunk per part), in Chromium, Firefox and WebKit. A returning visit puts the
// stored playbook in force with no sync part, and a playbook with a `$regex` gets the matcher's
// chunk before `ready`: its first event after `ready` decides with it.
import { join } from 'node:path'
import resolve from '@rollup/plugin-node-resolve'
import { rollup } from 'rollup'
import { beforeAll, expect, test } from 'vitest'
import { ROOT, forEachEngine, reload, settle, until } from './harness.mjs'

const PLAYBOOK = {
  version: 'npm-1',
  rules: [{ id: 'returns-help', on: ['searched'], if: { 'event.q': { $regexi: '^(return|refund)' } }, offer: { kind: 'headless', title: 'Returns are free' } }],
}
const PAGE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>npm build</title><link rel="icon" href="data:,"></head><body><script type="module" src="/npm/app.js"></script></body></html>'
let chunks

beforeAll(async () => {
  const bundle = await rollup({ input: join(ROOT, 'test', 'browser', 'npm-app', 'app.mjs'), plugins: [resolve({ browser: true })] })
  const { output } = await bundle.generate({ format: 'es', entryFileNames: 'app.js', chunkFileNames: '[name].js' })
  await bundle.close()
  chunks = output.filter((c) => c.type === 'chunk')
}, 60_000)

forEachEngine('the npm build, split by a bundler', { timeout: 60_000 }, (t) => {
  const open = () => {
    for (const c of chunks) t.context.serve(`/npm/${c.fileName}`, c.code, { 'content-type': 'text/javascript' })
    t.context.serve('/npm/playbook.json', JSON.stringify(PLAYBOOK), { 'content-type': 'application/json' })
    return t.context.openTestPage({ path: '/npm/page', html: PAGE })
  }
  // The parts this page load requested, by file name.
  const requested = (page) => page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name.replace(/^.*\//, '')).filter((n) => n.startsWith('waymark-')).sort())
  const offersFor = (page) => page.evaluate(() => {
    const seen = []
    const off = window.waymark.on('offer', (o) => seen.push(o.rule))
    window.waymark.track('searched', { q: 'Refund for order 12' })
    window.waymark.track('searched', { q: 'shoes' })
    off()
    return seen
  })

  test('a returning visit: the stored playbook in force with no sync part, and its $regex matcher loaded before ready', async () => {
    expect(chunks.map((c) => c.fileName)).toContain('waymark-regex.js')
    const page = await open()
    await until(() => page.evaluate(() => !!window.__playbook), 10_000) // the first visit fetches it
    expect(await offersFor(page)).toEqual(['returns-help'])
    await settle(page) // the copy stored
    await reload(page)
    expect(await page.evaluate(() => window.__playbook)).toEqual({ version: 'npm-1', from: 'cache' })
    expect(await offersFor(page)).toEqual(['returns-help'])
    const parts = await requested(page)
    expect(parts).toContain('waymark-regex.js')
    expect(parts).not.toContain('waymark-sync.js')
    expect(await t.context.errors()).toEqual([])
  })
})
