// What a playbook revalidation costs in Node (jsdom + fake-indexeddb), with the 1,000-rule
// playbook B and a fake endpoint in the same process (so no network time is in the figures):
//
//   304       the endpoint answers Not Modified to If-None-Match: the baseline
//   same 200  no conditional requests: the whole body comes back unchanged (compared, not parsed)
//   new 200   a new version every time: parsed, validated, compiled and applied
//
//   node test/bench/sync.mjs          prints a table (needs a built dist/: npm run build)
//   node test/bench/sync.mjs --json   prints the result as one JSON line (used by run.mjs)
import { PLAYBOOKS, ROOT, isMain, median, range, times, us } from './lib.mjs'
import { installDom } from './track.mjs'

export const OPTIONS = { rounds: 40, warmup: 5 }
const KINDS = ['304', 'same 200', 'new 200']

/** Runs the measurement; returns ms per refresh() (median) per kind and ratios against 304. */
export async function benchSync({ rounds, warmup } = OPTIONS) {
  await import('fake-indexeddb/auto')
  const dom = installDom()
  const { createWaymark } = await import(`${ROOT}/dist/waymark.js`)
  let kind = '304'
  let version = 0
  const body = (v) => JSON.stringify({ ...PLAYBOOKS.B, version: `bench-${v}` })
  let text = body(0)
  let served = { 304: 0, 200: 0 }
  globalThis.fetch = async (_, init = {}) => {
    if (kind === 'new 200') text = body(++version)
    const etag = `"v${version}"`
    // 'same 200' is a server that sends ETags but ignores If-None-Match (many APIs do).
    if (kind === '304' && init.headers?.['If-None-Match'] === etag) return served[304]++, new Response(null, { status: 304 })
    served[200]++
    return new Response(text, { headers: { ETag: etag } })
  }
  const wm = createWaymark({ playbook: '/playbook.json', autoPage: false, namespace: `bench-sync-${process.pid}` })
  const errors = []
  let applied = 0
  wm.on('error', (e) => errors.push(e.message))
  wm.on('playbook', () => applied++)
  await wm.ready
  await wm.refresh()
  const time = async (k) => {
    kind = k
    const t0 = performance.now()
    await wm.refresh()
    return performance.now() - t0
  }
  for (let i = 0; i < warmup; i++) for (const k of KINDS) await time(k)
  const samples = Object.fromEntries(KINDS.map((k) => [k, []]))
  served = { 304: 0, 200: 0 }
  const before = applied
  for (let r = 0; r < rounds; r++) for (let i = 0; i < KINDS.length; i++) {
    const k = KINDS[(r + i) % KINDS.length] // rotate the order every round
    samples[k].push(await time(k))
  }
  // Only the new versions may have been applied, and nothing may have failed.
  if (errors.length || applied - before !== rounds || served[304] !== rounds)
    throw new Error(`sync benchmark is not measuring what it should: ${applied - before} applied, ${served[304]} × 304, errors: ${errors.slice(0, 3)}`)
  wm.destroy()
  dom.window.close()
  const ms = Object.fromEntries(KINDS.map((k) => [k, median(samples[k])]))
  return {
    env: `Node ${process.version} + jsdom`, rounds, bytes: text.length, ms,
    range: Object.fromEntries(KINDS.map((k) => [k, range(samples[k])])),
    ratio: Object.fromEntries(KINDS.map((k) => [k, ms[k] / ms['304']])),
  }
}

export function syncTable(x) {
  return [
    `| \`refresh()\` of a 1,000-rule playbook (${(x.bytes / 1024).toFixed(0)} KB), ms | 304 (baseline) | unchanged 200 | new version, 200 |`,
    '|---|---:|---:|---:|',
    `| ${x.env} | ${us(x.ms['304'])} | ${us(x.ms['same 200'])} (${times(x.ratio['same 200'])}) | ${us(x.ms['new 200'])} (${times(x.ratio['new 200'])}) |`,
  ].join('\n')
}

if (isMain(import.meta.url)) {
  const result = await benchSync()
  if (process.argv.includes('--json')) console.log(JSON.stringify(result))
  else {
    console.log(syncTable(result))
    for (const k of KINDS) console.log(`${k}: min–max over ${result.rounds} rounds ${result.range[k].map(us).join('–')} ms`)
  }
  process.exit(0)
}
