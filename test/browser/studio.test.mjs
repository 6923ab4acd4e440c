// `waymark studio` driven as a person would, in Chromium, Firefox and WebKit: toggle a rule by
// its switch, change a Russian text, see a bad value refused at its field and by Save, fix
// it, save, and find the file valid and changed only there; the preview draws the offers,
// and axe finds nothing serious. The studio runs in-process on a temporary copy of a playbook
// and serves the built UI from dist/studio (run `npm run build` first).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest'
import { ENGINES, ROOT } from './harness.mjs'
import { startStudio } from '../../src/cli/studio.ts'
import { validatePlaybook } from '../../src/playbook/validate.ts'
import { lineDiff } from '../../src/studio/diff.ts'

const REQUIRED = process.env.REQUIRE_BROWSER === '1'
const CHOSEN = (process.env.BROWSERS || Object.keys(ENGINES).join(',')).split(',').map((s) => s.trim()).filter(Boolean)
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

const PLAYBOOK = {
  version: '2026-11-30.1',
  rules: [
    {
      id: 'free-shipping-nudge',
      on: ['cart_viewed'],
      if: { 'event.total': { $gte: 40, $lt: 50 }, 'visit.returning': true },
      offer: {
        kind: 'banner',
        title: { en: 'Shipping is free from €50', ru: 'Доставка бесплатна от 50 €' },
        body: { en: 'Add a bag of beans.', ru: 'Добавьте пачку зёрен.' },
        cta: { label: { en: 'Keep shopping', ru: 'За покупками' }, href: '/catalog' },
        code: 'SHIP50',
      },
      priority: 10,
      cap: { session: 1, day: 1, total: 3 },
    },
    { id: 'welcome-back', on: ['page'], offer: { kind: 'toast', title: 'Welcome back!' }, cap: { day: 1 } },
    { id: 'survey', enabled: false, on: ['order_completed'], offer: { kind: 'modal', title: 'How was it?', cta: { label: 'Tell us', href: '/survey' } } },
  ],
  texts: { ru: { 'greeting.returning': 'С возвращением, {name}!' }, en: { 'greeting.returning': 'Welcome back, {name}!' } },
}
const TEXT = JSON.stringify(PLAYBOOK, null, 2) + '\n'

if (!existsSync(join(ROOT, 'dist', 'studio', 'studio.js'))) throw new Error('dist/studio is missing: run `npm run build` before the browser tests')

for (const [name, engine] of Object.entries(ENGINES)) {
  const why = engine.missing()
  if (!CHOSEN.includes(name)) continue
  if (why) {
    if (REQUIRED) test(`${name} is installed (REQUIRE_BROWSER=1)`, () => { throw new Error(why) })
    else console.warn(`${why}: the studio tests in ${name} are skipped`)
    continue
  }
  describe(`studio in ${name}`, { timeout: 90_000 }, () => {
    let browser, studio, dir, file, context, page
    beforeAll(async () => { browser = await engine.launch() }, 60_000)
    afterAll(async () => { await browser?.close() }, 30_000)
    beforeEach(async () => {
      dir = mkdtempSync(join(tmpdir(), 'waymark-studio-'))
      file = join(dir, 'playbook.json')
      writeFileSync(file, TEXT)
      studio = await startStudio({ path: file, port: 0 })
      context = await browser.newContext({ locale: 'en-US' })
      page = await context.newPage()
    }, 30_000)
    afterEach(async () => {
      await context?.close().catch(() => {})
      await studio?.close()
      rmSync(dir, { recursive: true, force: true })
    }, 30_000)

    // In the page: poll until `fn(arg)` is truthy.
    const waitFor = async (fn, arg, ms = 10_000) => {
      const end = Date.now() + ms
      for (;;) {
        const v = await page.evaluate(fn, arg).catch(() => null)
        if (v) return v
        if (Date.now() > end) throw new Error(`timed out waiting for ${fn}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    }
    // Focuses a control by id and types into it as a keyboard would (value set, input fired).
    const type = (id, value) => page.evaluate(([id, value]) => {
      const el = document.getElementById(id)
      el.focus()
      el.value = value
      el.dispatchEvent(new Event('input', { bubbles: true }))
    }, [id, value])
    const open = async () => {
      await page.goto(studio.url)
      await waitFor(() => document.querySelectorAll('[role="switch"]').length === 3)
    }
    const idOf = (path) => 'f-' + path.replace(/[^\w-]/g, (c) => '_' + c.charCodeAt(0).toString(16))

    test('toggle, edit a Russian text, refuse a bad value, fix and save: only those lines change', async () => {
      await open()
      // The switch is found by its accessible name, which holds the rule id.
      const checked = (rule) => page.evaluate((r) => [...document.querySelectorAll('[role="switch"]')].find((b) => b.getAttribute('aria-label').includes(r)).getAttribute('aria-checked'), rule)
      expect(await checked('welcome-back')).toBe('true')
      await page.evaluate(() => [...document.querySelectorAll('[role="switch"]')].find((b) => b.getAttribute('aria-label').includes('welcome-back')).focus())
      await page.press('Enter')
      for (let i = 0; i < 40 && (await checked('welcome-back')) !== 'false'; i++) await new Promise((r) => setTimeout(r, 50))
      expect(await checked('welcome-back')).toBe('false')
      expect(await page.evaluate(() => document.activeElement.getAttribute('aria-label'))).toBe('Rule welcome-back')

      await type(idOf('rules[0].offer.title.ru'), 'Бесплатная доставка от 50 €')

      // A bad cap: the message appears at its field, the field is invalid, Save refuses.
      await type(idOf('rules[1].cap.day'), '-1')
      const at = await waitFor((id) => {
        const el = document.getElementById(id)
        const box = document.getElementById(id + '-msg')
        return el.getAttribute('aria-invalid') === 'true' && !box.hidden && box.textContent
      }, idOf('rules[1].cap.day'))
      expect(at).toMatch(/non-negative integer/)
      expect(await page.evaluate(() => document.getElementById('summary').textContent)).toMatch(/rules\[1\]\.cap\.day/)
      expect(await page.evaluate(() => document.getElementById('save').getAttribute('aria-disabled'))).toBe('true')
      await page.evaluate(() => document.getElementById('save').click())
      await waitFor(() => /valid playbook|правильный/.test(document.getElementById('save-status').textContent))
      expect(readFileSync(file, 'utf8')).toBe(TEXT)

      // Fixed: the message goes, and Save writes.
      await type(idOf('rules[1].cap.day'), '2')
      await waitFor((id) => !document.getElementById(id).hasAttribute('aria-invalid'), idOf('rules[1].cap.day'))
      // The diff shows the three edits before saving.
      const diff = await page.evaluate(() => [...document.querySelectorAll('#diff .add code')].map((c) => c.textContent.trim()))
      expect(diff).toEqual(expect.arrayContaining(['"ru": "Бесплатная доставка от 50 €"', '"day": 2', '"enabled": false']))
      await page.evaluate(() => document.getElementById('save').focus())
      await page.press('Enter')
      await waitFor(() => /^Saved/.test(document.getElementById('save-status').textContent))

      const saved = readFileSync(file, 'utf8')
      const doc = JSON.parse(saved)
      expect(validatePlaybook(doc).ok).toBe(true)
      const expected = structuredClone(PLAYBOOK)
      expected.rules[0].offer.title.ru = 'Бесплатная доставка от 50 €'
      expected.rules[1].cap.day = 2
      expected.rules[1].enabled = false
      expect(doc).toEqual(expected)
      // Line by line: only the edited lines differ (the new key comes after the rule's last).
      const changes = lineDiff(TEXT, saved).filter((l) => l.op !== ' ').map((l) => l.op + l.text.trim())
      expect(changes.sort()).toEqual([
        '-"ru": "Доставка бесплатна от 50 €"', '+"ru": "Бесплатная доставка от 50 €"',
        '-"day": 1', '-}', '+"day": 2', '+},', '+"enabled": false',
      ].sort())
      expect(await page.evaluate(() => document.querySelector('#diff').textContent)).toMatch(/No changes/)
    })

    test('the preview draws each offer with the elements, and axe finds nothing serious', async () => {
      await open()
      await waitFor(() => document.querySelectorAll('.preview .offer-host').length === 3)
      const drawn = await page.evaluate(() => [...document.querySelectorAll('.preview')].map((f) => {
        const root = f.querySelector('.offer-host').shadowRoot
        const offer = root.querySelector('.offer')
        return { rule: f.dataset.rule, kind: offer && offer.getAttribute('part'), title: root.querySelector('.title')?.textContent, width: offer.getBoundingClientRect().width }
      }))
      expect(drawn.map((d) => [d.rule, d.kind, d.title])).toEqual([
        ['free-shipping-nudge', 'banner', 'Shipping is free from €50'],
        ['welcome-back', 'toast', 'Welcome back!'],
        ['survey', 'modal', 'How was it?'],
      ])
      expect(drawn.every((d) => d.width > 100)).toBe(true)
      // The preview language: Russian texts through the same elements.
      await page.evaluate(() => {
        const s = document.getElementById('preview-locale')
        s.value = 'ru'
        s.dispatchEvent(new Event('change'))
      })
      await waitFor(() => document.querySelector('.preview .offer-host').shadowRoot.querySelector('.title')?.textContent === 'Доставка бесплатна от 50 €')
      // A theme property reaches the elements.
      await page.evaluate(() => {
        const i = document.getElementById('theme--waymark-accent')
        i.value = '#aa0000'
        i.dispatchEvent(new Event('input'))
      })
      const accent = await page.evaluate(() => getComputedStyle(document.querySelector('.preview .offer-host').shadowRoot.querySelector('.cta')).backgroundColor)
      expect(accent).toBe('rgb(170, 0, 0)')

      // Preview links: with the site's URL set, each preview opens the site with its rule.
      await type('site-url', 'http://127.0.0.1:5173/catalog')
      const links = await waitFor(() => {
        const a = [...document.querySelectorAll('.preview figcaption a')]
        return a.length === 3 && a.map((l) => [l.closest('.preview').dataset.rule, l.href, l.target])
      })
      expect(links[0]).toEqual(['free-shipping-nudge', 'http://127.0.0.1:5173/catalog?waymark-preview=free-shipping-nudge', '_blank'])

      // The simulator: why a rule does not fire, then the text a Russian visitor gets.
      await type('sim-event', 'cart_viewed')
      await type('sim-props', '{"total": 45}')
      await type('sim-locale', 'ru')
      const simulate = () => page.evaluate(() => document.querySelector('.simulator button[type="submit"]').click())
      await simulate()
      expect(await waitFor(() => document.querySelector('#sim-result [data-rule="free-shipping-nudge"]')?.textContent)).toMatch(/condition not met: visit\.returning/)
      await page.evaluate(() => document.getElementById('sim-returning').click())
      await simulate()
      expect(await waitFor(() => document.querySelector('#sim-result .fires')?.textContent)).toMatch(/free-shipping-nudge.*Доставка бесплатна от 50 €/)

      // axe, injected by the driver (the page's CSP admits no other script), on the whole page.
      await page.evaluate(`(function () { ${AXE}\n; return true })()`)
      const violations = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }).then((r) =>
        r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`)))
      expect(violations).toEqual([])
    })

    test('a malformed file opens in the recovery view with line and column, and nothing is written until it is valid', async () => {
      const broken = TEXT.replace('"priority": 10,', '"priority": 10')
      writeFileSync(file, broken)
      await page.goto(studio.url)
      const where = await waitFor(() => document.getElementById('recovery-where')?.textContent)
      const line = broken.slice(0, broken.indexOf('"cap"', broken.indexOf('"priority": 10'))).split('\n').length
      expect(where).toMatch(new RegExp(`^line ${line}, column 7: expected "," or "}"`))
      await type('raw-text', broken.replace('"priority": 10', '"priority": 10,'))
      await waitFor(() => document.querySelectorAll('[role="switch"]').length === 3)
      expect(readFileSync(file, 'utf8')).toBe(broken)
    })
  })
}
