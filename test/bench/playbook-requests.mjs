// What playbook revalidation costs the backend per visitor, and how soon a published edit
// reaches them: one visitor's hour of browsing, run on a virtual clock (no real waiting) in
// Node with jsdom and fake-indexeddb, against a counted playbook endpoint that answers 304 to
// a matching If-None-Match. Run twice in the same process: with the SDK as built now
// (dist/waymark.js) and with the SDK as it was before a page load revalidated a copy older
// than a minute (src/ of BEFORE, bundled by esbuild into a scratch directory).
//
// The hour (PATTERN): a browsing session of 9 pages in 12 minutes, the last page left open;
// the tab hidden for 20 minutes (another tab in front), shown again, 3 more pages, then the
// last one left open and visible until the hour ends. The playbook is edited and published
// at minute 5.5; the table says how long the visitor's page kept the old copy after that.
//
//   node test/bench/playbook-requests.mjs          prints a table (needs a built dist/: npm run build)
//   node test/bench/playbook-requests.mjs --json   prints the result as one JSON line (used by run.mjs)
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ROOT, isMain, virtualClock } from './lib.mjs'
import { installDom } from './track.mjs'

/** The commit before the change: the same pattern's figures as the SDK had them. */
export const BEFORE = '029b23b~1'
const MIN = 60_000
const PUBLISHED_AT = 5.5 * MIN
/** [minute, what happens]: `page` loads a new page in the tab; `hide` and `show` switch tabs. */
export const PATTERN = [
  [0, 'page'], [1.5, 'page'], [2, 'page'], [4, 'page'], [5, 'page'], [7, 'page'], [7.5, 'page'], [9, 'page'], [12, 'page'],
  [15, 'hide'], [35, 'show'], [36, 'page'], [38, 'page'], [40, 'page'],
]

// The SDK's sources at BEFORE, bundled as one ES module (idb-keyval from this checkout).
function buildBefore() {
  const dir = mkdtempSync(join(tmpdir(), 'waymark-before-'))
  execFileSync('sh', ['-c', `git archive ${BEFORE} src | tar -x -C ${JSON.stringify(dir)}`], { cwd: ROOT })
  const esbuild = execFileSync(process.execPath, ['-e', `require('esbuild').buildSync(${JSON.stringify({
    entryPoints: [join(dir, 'src', 'index.ts')], bundle: true, format: 'esm', outfile: join(dir, 'waymark.js'),
    nodePaths: [join(ROOT, 'node_modules')], loader: { '.css': 'text' }, logLevel: 'error',
  })})`], { cwd: ROOT, encoding: 'utf8' })
  if (esbuild.trim()) process.stderr.write(esbuild)
  return dir
}

/** One hour of the pattern with one build of the SDK. */
async function hour(createWaymark, clock, dom, namespace) {
  const start = clock.now()
  const served = { 200: 0, 304: 0 }
  globalThis.fetch = async (_, init = {}) => {
    const version = clock.now() - start >= PUBLISHED_AT ? 'v2' : 'v1'
    const etag = `"${version}"`
    if (init.headers?.['If-None-Match'] === etag) return served[304]++, new Response(null, { status: 304, headers: { ETag: etag } })
    served[200]++
    return new Response(JSON.stringify({ version, rules: [] }), { headers: { 'Content-Type': 'application/json', ETag: etag } })
  }
  let state = 'visible'
  Object.defineProperty(dom.window.document, 'visibilityState', { get: () => state, configurable: true })
  let page
  let seenAt = null // when the visitor's page first had the edit in force
  const load = async () => {
    page?.destroy()
    page = createWaymark({ playbook: '/playbook.json', autoPage: false, namespace })
    page.on('playbook', ({ version: v }) => v === 'v2' && seenAt === null && (seenAt = clock.now() - start))
    await page.ready
  }
  for (const [minute, what] of PATTERN) {
    await clock.run(start + minute * MIN - clock.now())
    if (what === 'page') await load()
    else {
      state = what === 'hide' ? 'hidden' : 'visible'
      dom.window.document.dispatchEvent(new dom.window.Event('visibilitychange'))
    }
  }
  await clock.run(start + 60 * MIN - clock.now())
  page.destroy()
  return { requests: served[200] + served[304], served, editShownAfterS: seenAt === null ? null : (seenAt - PUBLISHED_AT) / 1000 }
}

/** Runs the hour with the SDK before and now. */
export async function benchPlaybookRequests() {
  await import('fake-indexeddb/auto')
  const dom = installDom()
  const clock = virtualClock()
  const dir = buildBefore()
  try {
    const before = await hour((await import(join(dir, 'waymark.js'))).createWaymark, clock, dom, 'bench-before')
    const now = await hour((await import(`${ROOT}/dist/waymark.js`)).createWaymark, clock, dom, 'bench-now')
    return { pages: PATTERN.filter(([, w]) => w === 'page').length, before, now }
  } finally {
    dom.window.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The result as a markdown table. */
export function playbookRequestsTable(r) {
  const row = (label, x) => `| ${label} | ${x.requests} (${x.served[200]} × 200, ${x.served[304]} × 304) | ${x.editShownAfterS === null ? 'not within the hour' : x.editShownAfterS.toFixed(0) + ' s'} |`
  return [
    `| one visitor's hour: ${r.pages} pages, the tab hidden 20 min, then open | playbook requests per visitor per hour | an edit published at 5.5 min reaches the visitor after |`,
    '|---|---:|---:|',
    row(`before: a page load revalidates after \`refreshSeconds\` (300 s)`, r.before),
    row('now: a page load revalidates a copy checked over 60 s ago', r.now),
  ].join('\n')
}

if (isMain(import.meta.url)) {
  const r = await benchPlaybookRequests()
  console.log(process.argv.includes('--json') ? JSON.stringify(r) : playbookRequestsTable(r))
  process.exit(0)
}
