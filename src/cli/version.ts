/**
 * The package's version, read from package.json at run time: the same code runs from
 * `src/cli/` (tests) and bundled from `dist/` (the bin), one or two levels below it.
 */
import { readFileSync } from 'node:fs'

/** The version in waymark's package.json, or `unknown` if it cannot be found. */
export function packageVersion(): string {
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'))
      if (pkg.name == 'waymark') return String(pkg.version)
    } catch {
      // not there: try one level up
    }
  }
  return 'unknown'
}
