// @vitest-environment node
// What `npm pack` puts in the package, as npm itself lists it. The pack runs `prepare` (the
// build, quick while dist/ is up to date), so this is also the check that a pack from a clone
// never ships without dist/: every file package.json points at (exports, main, module, types,
// typesVersions, bin) is in it, with the chunks it imports, nothing in dist/ is there that
// nothing points at, and no test,
// example or build configuration is.
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const ROOT = resolve(__dirname, '..')
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
const norm = (p: string) => p.replace(/^\.\//, '')

/** Every file path in a package.json field, however deeply nested (conditions, typesVersions). */
const targets = (value: unknown): string[] =>
  typeof value === 'string' ? [norm(value)] : value && typeof value === 'object' ? Object.values(value).flatMap(targets) : []

let files = new Map<string, number>() // path → mode
beforeAll(() => {
  // stderr: the prepare script's output; stdout: the JSON alone.
  const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 16 << 20 })
  const [report] = JSON.parse(out)
  files = new Map(report.files.map((f: { path: string; mode: number }) => [f.path, f.mode]))
}, 180_000)

describe('npm pack', () => {
  const pointed = [...new Set(targets([pkg.exports, pkg.main, pkg.module, pkg.types, pkg.typesVersions, pkg.bin]))].filter((f) => !f.endsWith('package.json'))

  it('has prepare build dist/, so a clone or a git dependency gets its build', () => {
    expect(pkg.scripts.prepare).toMatch(/\bnpm run build\b/)
  })

  it('ships every file package.json points at', () => {
    expect(pointed).toEqual(expect.arrayContaining(['dist/waymark.js', 'dist/waymark.cjs', 'dist/index.d.ts', 'dist/elements.js', 'dist/cli.js']))
    expect(pointed.filter((f) => !(f.endsWith('/*') ? [...files.keys()].some((g) => g.startsWith(f.slice(0, -1))) : files.has(f)))).toEqual([])
  })

  it('ships the bin executable, with its shebang', () => {
    for (const bin of targets(pkg.bin)) {
      expect(files.get(bin)! & 0o111, `${bin} is executable`).not.toBe(0)
      expect(readFileSync(join(ROOT, bin), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/)
    }
  })

  // The page `waymark studio` serves: the bin's own files, read beside dist/cli.js.
  const STUDIO = ['dist/studio/index.html', 'dist/studio/studio.js', 'dist/studio/studio.css']

  it('ships the studio page the bin serves', () => {
    expect(STUDIO.filter((f) => !files.has(f))).toEqual([])
  })

  // A pointed file's own imports: the chunks of the parts the core loads on demand.
  const imported = (file: string, seen = new Set<string>()): Set<string> => {
    if (seen.has(file) || !/\.c?js$/.test(file)) return seen
    seen.add(file)
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(/(?:from |import\(|require\()['"]\.\/([^'"]+)['"]/g)) imported(`dist/${m[1]}`, seen)
    return seen
  }
  // A pattern export ("./script/*") points at every file its folder holds.
  const pointedAt = (f: string): boolean =>
    pointed.some((p) => (p.endsWith('/*') ? f.startsWith(p.slice(0, -1)) : p === f)) || pointed.some((p) => imported(p).has(f))

  it('ships nothing in dist/ that package.json does not point at, but their imports, source maps and the studio', () => {
    const dist = [...files.keys()].filter((f) => f.startsWith('dist/') && !STUDIO.includes(f))
    expect(dist.filter((f) => !pointedAt(f) && !pointedAt(f.replace(/\.map$/, '')))).toEqual([])
  })

  it('ships the chunks the npm entry imports, and the split script tag whole', () => {
    expect([...imported('dist/waymark.js')].filter((f) => !files.has(f))).toEqual([])
    expect([...imported('dist/waymark.cjs')].filter((f) => !files.has(f))).toEqual([])
    expect([...files.keys()].filter((f) => f.startsWith('dist/script/') && !f.endsWith('.map')).sort())
      .toEqual(['delivery', 'elements', 'identity', 'orders', 'places', 'preview', 'sync'].map((p) => `dist/script/waymark-${p}.js`).concat('dist/script/waymark.css', 'dist/script/waymark.js'))
  })

  // V8's compile hint must be the file's first line to count; terser keeps it (rollup.config.mjs).
  it("starts the script tags' first files with V8's compile hint, and no part or npm file", () => {
    const hinted = [...files.keys()].filter((f) => /\.c?js$/.test(f) && readFileSync(join(ROOT, f), 'utf8').startsWith('//# allFunctionsCalledOnLoad\n'))
    expect(hinted.sort()).toEqual(['dist/script/waymark.js', 'dist/waymark.iife.js'])
  })

  it('ships dist/, src/ and the usual documents, and no tests, examples or build configuration', () => {
    const allowed = /^(dist\/([^/]+|studio\/[^/]+|script\/[^/]+)|src\/.+|package\.json|README\.md|LICENSE|CHANGELOG\.md)$/
    expect([...files.keys()].filter((f) => !allowed.test(f))).toEqual([])
    expect([...files.keys()].filter((f) => /(^|\/)(test|examples|node_modules)\/|\.test\.|^src\/.*\.(mjs|js)$/.test(f))).toEqual([])
  })
})
