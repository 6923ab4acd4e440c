// @vitest-environment node
// waymark/react in Chromium, Firefox and WebKit with React 18 (issue 16, item 7): a page
// bundling waymark/react shows the greeting through useGreeting, the stage through useJourney
// and offers through useOffers; a click or a logout takes offers away; unrelated events
// re-render nothing. React comes from its own UMD production builds in node_modules.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import resolve from '@rollup/plugin-node-resolve'
import { rollup } from 'rollup'
import { beforeAll, beforeEach, expect, test } from 'vitest'
import { ROOT, forEachEngine, reload, settle } from './harness.mjs'

const MINUTE = 60_000
const PLAYBOOK = {
  version: 'react-1',
  rules: [
    { id: 'tip', on: ['cart_viewed'], offer: { kind: 'headless', title: 'Free shipping from €50' } },
    { id: 'welcome', on: ['coupon_asked'], offer: { kind: 'headless', title: 'WELCOME10' } },
  ],
}

const script = (code) => `<script>${code.replace(/<\/script/gi, '<\\/script')}</script>`
let html

// One bundle for every engine: the app, waymark and waymark/react from dist/ (package
// self-reference), React left to the UMD globals.
beforeAll(async () => {
  const bundle = await rollup({
    input: join(ROOT, 'test', 'browser', 'react-app', 'app.mjs'),
    external: ['react', 'react-dom/client'],
    plugins: [resolve({ browser: true })],
    // waymark/react starts with 'use client' (for React Server Components); a plain bundle drops it.
    onwarn: (warning, warn) => void (warning.code === 'MODULE_LEVEL_DIRECTIVE' || warn(warning)),
  })
  // One file for the page: Waymark's parts (dynamic imports) are inlined into it.
  const { output } = await bundle.generate({ format: 'iife', inlineDynamicImports: true, globals: { react: 'React', 'react-dom/client': 'ReactDOM' } })
  await bundle.close()
  const umd = (file) => readFileSync(join(ROOT, 'node_modules', file), 'utf8')
  html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>waymark/react test page</title><link rel="icon" href="data:,"></head>
<body><div id="root"></div>
${script(umd('react/umd/react.production.min.js'))}
${script(umd('react-dom/umd/react-dom.production.min.js'))}
${script(output[0].code)}
</body></html>`
}, 60_000)

forEachEngine('waymark/react', { timeout: 90_000 }, (t) => {
  const post = (path, body) => fetch(t.server.url + path, { method: 'POST', body: JSON.stringify(body) })
  const open = () => t.context.openTestPage({ html })
  const ready = (page) => page.waitFor(() => window.waymark.explain('tip').reason !== 'no such rule')
  const renders = (page) => page.evaluate(() => window.__renders)
  const offers = (page) => page.evaluate(() => [...document.querySelectorAll('#offers li')].map((li) => li.querySelector('span').textContent))

  beforeEach(async () => {
    await post('/__playbook', { mode: 'ok', playbook: PLAYBOOK, resetStats: true })
  })

  test('React 18 is the one on the page, and nothing is reported', async () => {
    const page = await open()
    expect(await page.evaluate(() => window.React.version)).toMatch(/^18\./)
    await expect.poll(() => page.text('#greeting')).toBe('First visit')
    expect(await t.context.errors()).toEqual([])
  })

  test('the greeting through useGreeting on a return, re-rendered only when its text changes', async () => {
    const page = await open()
    await expect.poll(() => page.text('#greeting')).toBe('First visit')
    await expect.poll(() => page.text('waymark-greeting', { shadow: true })).toBe('Hello, new visitor')
    await page.evaluate(() => window.waymark.identify('u-1', { firstName: 'Anna' }))
    await settle(page)
    t.context.shiftClock(31 * MINUTE)
    await reload(page)
    await expect.poll(() => page.text('#greeting')).toBe('Welcome back, Anna!')
    await expect.poll(() => page.text('waymark-greeting', { shadow: true })).toBe('Welcome back, Anna!')
    const before = (await renders(page)).greeting
    await page.evaluate(() => {
      for (let i = 0; i < 20; i++) window.waymark.track('scroll', { i })
      window.waymark.identify(null, { plan: 'gold' })
    })
    await page.sleep(200)
    expect((await renders(page)).greeting).toBe(before)
    await page.evaluate(() => window.waymark.identify(null, { firstName: 'Анна' }))
    await expect.poll(() => page.text('#greeting')).toBe('Welcome back, Анна!')
    expect((await renders(page)).greeting).toBe(before + 1)
    expect(await t.context.errors()).toEqual([])
  })

  test('the stage through useJourney, offers through useOffers: shown, clicked, dismissed, cleared by a logout', async () => {
    const app = await open()
    await ready(app)
    expect(await app.text('#stage')).toBe('none')
    await app.evaluate(() => window.waymark.track('product_viewed'))
    await expect.poll(() => app.text('#stage')).toBe('evaluate')
    await app.evaluate(() => window.waymark.track('cart_viewed'))
    await app.evaluate(() => window.waymark.track('coupon_asked'))
    await expect.poll(() => offers(app)).toEqual(['Free shipping from €50', 'WELCOME10'])
    expect(await app.text('#stage')).toBe('buy')
    await app.click({ role: 'button', name: 'Take tip' })
    await expect.poll(() => offers(app)).toEqual(['WELCOME10'])
    await app.click({ role: 'button', name: 'Close welcome' })
    await expect.poll(() => offers(app)).toEqual([])
    const counts = await app.evaluate(() => window.waymark.journey().counts)
    expect([counts.offer_shown, counts.offer_clicked, counts.offer_dismissed]).toEqual([2, 1, 1])
    await app.evaluate(() => window.waymark.track('cart_viewed'))
    await expect.poll(() => offers(app)).toEqual(['Free shipping from €50'])
    const before = await renders(app)
    await app.evaluate(() => window.waymark.track('scroll'))
    await app.sleep(200)
    expect((await renders(app)).offers).toBe(before.offers)
    await app.click('#logout')
    await expect.poll(() => offers(app)).toEqual([])
    await expect.poll(() => app.text('#stage')).toBe('none')
    expect(await t.context.errors()).toEqual([])
  })
})
