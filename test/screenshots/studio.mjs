// Screenshots of `waymark studio` for the README's "For product teams" section.
//
//   node test/screenshots/studio.mjs        (after `npm run build`; `npm run screenshots` runs it)
//
// Runs the built CLI (dist/cli.js) as a product team would, `waymark studio FILE --port 0`, on a
// scratch copy of the demo playbook (examples/server/playbook.json), drives Debian's Chromium
// (CHROMIUM_PATH to use another) through playwright-core at 1280×900, in English, and writes
// to examples/screenshots/:
//
//   studio.png             the page: a rule switched off, a bad cap refused at its field (Save
//                          refuses it too), the preview beside it
//   studio-texts.png       the texts side by side per language
//   studio-simulator.png   the simulator: a returning visitor's cart at €45, in Russian
//
// The demo playbook on disk is never touched: the studio edits the scratch copy, and nothing
// is saved.
import { spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const OUT = join(ROOT, 'examples', 'screenshots')
const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium'
const MAX_BYTES = 200_000

function fail(message) {
  console.error(`screenshots (studio): ${message}`)
  process.exit(1)
}
if (!existsSync(join(ROOT, 'dist', 'studio', 'studio.js'))) fail('dist/studio is missing: run `npm run build` first')
if (!existsSync(CHROMIUM_PATH)) fail(`no Chromium at ${CHROMIUM_PATH}: \`apt-get install -y chromium\`, or set CHROMIUM_PATH`)

const dir = mkdtempSync(join(tmpdir(), 'waymark-studio-shots-'))
const file = join(dir, 'playbook.json')
copyFileSync(join(ROOT, 'examples', 'server', 'playbook.json'), file)

// The CLI prints the page's address once it listens.
const cli = spawn(process.execPath, [join(ROOT, 'dist', 'cli.js'), 'studio', file, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
const url = await new Promise((resolveUrl, reject) => {
  let out = ''
  cli.stdout.on('data', (d) => {
    out += d
    const m = /http:\/\/127\.0\.0\.1:\d+\/?/.exec(out)
    if (m) resolveUrl(m[0])
  })
  cli.on('exit', (code) => reject(new Error(`waymark studio exited with ${code}`)))
  setTimeout(() => reject(new Error('waymark studio printed no address within 15 s')), 15_000)
}).catch((e) => fail(e.message))

const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run'] })
const written = []
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1, reducedMotion: 'reduce', locale: 'en-US' })
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(url)
  await page.locator('[role="switch"]').first().waitFor()
  // The field ids the studio gives each JSON path (src/studio/fields.ts).
  const idOf = (path) => 'f-' + path.replace(/[^\w-]/g, (c) => '_' + c.charCodeAt(0).toString(16))
  const rules = await page.evaluate(() => [...document.querySelectorAll('article.rule')].map((a) => a.dataset.rule))

  const shot = async (name, take) => {
    const path = join(OUT, name)
    await take(path)
    written.push([name, statSync(path).size])
  }
  mkdirSync(OUT, { recursive: true })

  // A rule switched off, as a person would: its switch, by the rule id in its name.
  await page.getByRole('switch', { name: new RegExp(rules[1]) }).press('Enter')

  await shot('studio-texts.png', async (path) => {
    const texts = page.locator('section.texts-section')
    await texts.scrollIntoViewIfNeeded()
    await texts.screenshot({ path, animations: 'disabled' })
  })

  await page.locator('#sim-event').fill('cart_viewed')
  await page.locator('#sim-props').fill('{"total": 45}')
  await page.locator('#sim-locale').fill('ru')
  await page.locator('#sim-returning').check()
  await page.locator('.simulator button[type="submit"]').click()
  await page.locator('#sim-result .fires').first().waitFor().catch(async (e) => {
    throw new Error(`${e.message.split('\n')[0]}; the simulator said: ${await page.locator('#sim-result').textContent()}`)
  })
  await shot('studio-simulator.png', async (path) => {
    const sim = page.locator('section.sim-section')
    await sim.scrollIntoViewIfNeeded()
    await sim.screenshot({ path, animations: 'disabled' })
  })

  // Last, as the simulator runs only a valid playbook: a cap that cannot be. The message shows
  // at the field, and Save refuses.
  await page.locator('#' + idOf('rules[0].cap.day')).fill('-1')
  await page.locator('#' + idOf('rules[0].cap.day') + '-msg').filter({ hasText: /integer/ }).waitFor()
  await page.locator('.preview .offer-host').first().waitFor()
  await page.waitForTimeout(300) // the preview redraws 120 ms after an edit
  await page.evaluate(() => window.scrollTo(0, 0))
  await shot('studio.png', (path) => page.screenshot({ path, animations: 'disabled' }))

  if (errors.length) fail(`page errors: ${errors.join('; ')}`)
} finally {
  await browser.close()
  cli.kill()
  rmSync(dir, { recursive: true, force: true })
}
for (const [name, size] of written) {
  console.log(`examples/screenshots/${name}  ${(size / 1000).toFixed(0)} kB`)
  if (size > MAX_BYTES) fail(`${name} is ${(size / 1000).toFixed(0)} kB (over ${MAX_BYTES / 1000} kB)`)
}
