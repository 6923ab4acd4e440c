// @vitest-environment node
// Every js, ts and tsx snippet in the README builds as written in a storefront's bundler, and
// runs. "Builds" means esbuild bundles it as ESM and as an IIFE for Vite's default browser
// targets (the ones `vite build` uses: no top-level await, for one), with `waymark` and
// `waymark/…` resolved as the package's exports map says, to the sources of those files (the
// input each dist/ file is built from in rollup.config.mjs), so the test needs no build and a
// new export is covered by itself. "Runs" means the ESM bundle is imported under jsdom and
// fake-indexeddb without throwing or leaving a rejected promise behind.
//
// esbuild refuses to work once jsdom's globals replace Node's (its Uint8Array is another
// realm's), so this file starts in Node, bundles every snippet, stops esbuild, and only then
// puts jsdom's globals in place (vitest's own jsdom environment) to run them.
//
// Fragments: several snippets show one call on an instance the text around them has made, or a
// value the reader has. They are not marked in the README. Instead the names they take from
// their context are globals here (FRAGMENT_GLOBALS); a snippet that uses any other undeclared
// name fails to run with a ReferenceError naming it: declare it in the snippet (an import, a
// const), or, if the README's text gives it to the reader, add it below. The page they run in is
// the one the README assumes too: an app's `<div id="root">`, and the example server's backend
// (its playbook at /playbook.json, orders at /api/orders/{id}, 204 for the rest).
import 'fake-indexeddb/auto'
import { IDBFactory } from 'fake-indexeddb'
import { build, stop, type BuildOptions, type Plugin } from 'esbuild'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { loadConfigFile } from 'rollup/loadConfigFile'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { builtinEnvironments } from 'vitest/environments'
import { createWaymark } from '../src/index'

const ROOT = resolve(__dirname, '..')
// `build.target` by default in Vite 5 and 6 ('modules'), where `await` at the top level fails
// `vite build`. Vite 7's default (chrome107, edge107, firefox104, safari16) is newer: what
// builds for these builds there.
const VITE_TARGETS = ['es2020', 'edge88', 'firefox78', 'chrome87', 'safari14']

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const snippets = [...readme.matchAll(/^```(js|ts|tsx)\n([\s\S]*?)^```/gm)].map((m) => ({
  loader: m[1] as 'js' | 'ts' | 'tsx',
  code: m[2],
  line: readme.slice(0, m.index).split('\n').length,
}))
const title = (s: (typeof snippets)[number]) => `README.md:${s.line} ${s.code.split('\n').find((l) => l.trim() && !l.startsWith('//'))?.trim().slice(0, 60)}`

/** The names fragments take from the text around them, as the test provides them. */
const FRAGMENT_GLOBALS = {
  // "wm" everywhere: the instance the npm example makes; newPage() makes one per page.
  // validatePlaybook(doc): any value; a playbook here.
  doc: { version: 'readme-1', rules: [] },
  // The offer handler's "your UI".
  renderBanner: (title: string, body?: string) => {
    const el = document.createElement('div')
    el.append(title, body ?? '', Object.assign(document.createElement('button'), { className: 'close' }))
    return el
  },
  // Segment's analytics.js, and Nuxt's auto-imported defineNuxtPlugin (which returns the plugin).
  analytics: { track: async () => undefined },
  defineNuxtPlugin: <T>(plugin: T) => plugin,
}

// `waymark/x` → exports["./x"] → its ESM file in dist/ → the input rollup.config.mjs builds it from.
let sources: Record<string, string> = {}
async function exportSources(): Promise<Record<string, string>> {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
  const { options } = await loadConfigFile(join(ROOT, 'rollup.config.mjs'), {})
  const inputOf = new Map<string, string>()
  for (const config of options) {
    for (const out of config.output) {
      const file = out.file ?? (out.dir && typeof out.entryFileNames === 'string' ? join(out.dir, out.entryFileNames) : undefined)
      if (file && typeof config.input === 'string') inputOf.set(resolve(ROOT, file), resolve(ROOT, config.input))
    }
  }
  const esm = (target: unknown): string | undefined =>
    typeof target === 'string' ? target : target && typeof target === 'object' ? esm((target as Record<string, unknown>).import ?? (target as Record<string, unknown>).default) : undefined
  const map: Record<string, string> = {}
  for (const [sub, target] of Object.entries(pkg.exports as Record<string, unknown>)) {
    const file = esm(target)
    const input = file && inputOf.get(resolve(ROOT, file))
    if (input) map[join(pkg.name, sub).split('\\').join('/')] = input
  }
  return map
}

const resolveWaymark: Plugin = {
  name: 'waymark-exports',
  setup(b) {
    b.onResolve({ filter: /^waymark(\/|$)/ }, (args) => {
      const file = sources[args.path]
      return file ? { path: file } : { errors: [{ text: `"${args.path}" is not an export of package.json (or no config in rollup.config.mjs builds it)` }] }
    })
    // The elements import their stylesheet as text, as Vite's `?raw` does.
    b.onResolve({ filter: /\?raw$/ }, (args) => ({ path: resolve(args.resolveDir, args.path.slice(0, -4)), namespace: 'raw' }))
    b.onLoad({ filter: /.*/, namespace: 'raw' }, (args) => ({ contents: readFileSync(args.path, 'utf8'), loader: 'text' }))
  },
}

type Built = { iife?: string; esm?: string; error?: string }
const bundle = async (s: (typeof snippets)[number], format: 'esm' | 'iife'): Promise<string> => {
  const options: BuildOptions = {
    stdin: { contents: s.code, loader: s.loader, resolveDir: ROOT, sourcefile: `README.md:${s.line}.${s.loader}` },
    bundle: true, write: false, format, target: VITE_TARGETS, platform: 'browser',
    jsx: 'automatic', logLevel: 'silent', plugins: [resolveWaymark],
  }
  return (await build(options)).outputFiles![0].text
}
const errorText = (e: unknown) =>
  (e as { errors?: { text: string; location?: { line: number; lineText: string } }[] }).errors
    ?.map((x) => `${x.text}${x.location ? ` (snippet line ${x.location.line}: ${x.location.lineText.trim()})` : ''}`)
    .join('\n') ?? String(e)

// A page of its own for each snippet, as each would have in an app: a fresh jsdom window (with
// an app's `<div id="root">`), an empty IndexedDB, the example backend, and the fragments' names.
// Windows are never torn down: the instances a snippet made keep their timers until this file's
// process ends, and pulling the DOM from under them would only make those timers throw.
const playbook = readFileSync(join(ROOT, 'examples', 'server', 'playbook.json'), 'utf8')
async function newPage() {
  await builtinEnvironments.jsdom.setup(globalThis, { jsdom: { url: 'http://localhost:5173/' } })
  globalThis.indexedDB = new IDBFactory()
  const root = document.createElement('div')
  root.id = 'root'
  document.body.append(root)
  globalThis.fetch = async (input: RequestInfo | URL) => {
    const { pathname } = new URL(input instanceof Request ? input.url : String(input), location.href)
    if (pathname === '/playbook.json') return new Response(playbook, { headers: { 'Content-Type': 'application/json' } })
    const order = /^\/api\/orders\/([^/]+)$/.exec(pathname)
    if (order) return Response.json({ id: decodeURIComponent(order[1]), status: 'shipped' })
    return new Response(null, { status: 204 })
  }
  const wm = createWaymark({ playbook: JSON.parse(playbook), orders: '/api/orders/{id}', autoPage: false })
  Object.assign(globalThis, FRAGMENT_GLOBALS, { wm, dataLayer: [] })
}

const built = new Map<number, Built>()
let tmp = ''
beforeAll(async () => {
  sources = await exportSources()
  for (const s of snippets) {
    const b: Built = {}
    try {
      b.iife = await bundle(s, 'iife')
      b.esm = await bundle(s, 'esm')
    } catch (e) {
      b.error = errorText(e)
    }
    built.set(s.line, b)
  }
  await stop() // before jsdom's globals arrive (see the top)
  tmp = mkdtempSync(join(tmpdir(), 'waymark-readme-'))
}, 120_000)
afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

describe('README snippets', () => {
  it('are found, and waymark and waymark/elements resolve', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(8)
    expect(sources).toMatchObject({ waymark: expect.stringMatching(/src[/\\]index\.ts$/), 'waymark/elements': expect.stringMatching(/src[/\\]elements[/\\]index\.ts$/) })
  })

  it.each(snippets.map((s) => [title(s), s] as const))('%s builds as an IIFE and as ESM for Vite, and runs', async (_, s) => {
    const b = built.get(s.line)!
    expect(b.error, 'esbuild, with the targets of `vite build`').toBeUndefined()
    const file = join(tmp, `snippet-${s.line}.mjs`)
    writeFileSync(file, b.esm!)
    await newPage()
    const rejected: unknown[] = []
    const onRejection = (reason: unknown) => rejected.push(reason)
    process.on('unhandledRejection', onRejection)
    try {
      await import(/* @vite-ignore */ pathToFileURL(file).href)
      // Let what the snippet started settle (storage, the first playbook, a promise chain).
      await new Promise((ok) => setTimeout(ok, 100))
    } finally {
      process.off('unhandledRejection', onRejection)
    }
    expect(rejected, 'promises the snippet left rejected').toEqual([])
  })
})
