/**
 * An instance's conditions get the `$regex` matcher (regex.ts, a part: about 1 kB that most
 * playbooks never use) only for a playbook that has a regex, before it is put in force: a
 * rule never decides while its regex would fail closed for want of code.
 */
import type { Playbook } from '../types'
import { hasRegex, useRegex } from './condition'
import type { compileRegex } from './regex'

/** Loads regex.ts: a dynamic import, or the script tag's own copy (see `parts.ts`). */
export type RegexLoader = () => Promise<{ compileRegex: typeof compileRegex }>

// One load for every instance of the page, so playbooks waiting for it go in force in the
// order they came.
let loading: Promise<void> | undefined

/**
 * Runs `then` once the conditions can evaluate every `$regex` of `playbook`: at once (and
 * returns undefined) when it has none or the matcher is in place; else after the matcher
 * loads. If it cannot load, `fail` says so and the playbook still goes in force, its `$regex`
 * parts failing closed.
 */
export const withRegex = (playbook: Playbook, load: RegexLoader, fail: (message: string) => void, then: () => void): void | Promise<void> =>
  // Keys only: a text that says `"$regex":` has its quotes escaped in JSON.
  hasRegex() || !/"\$regexi?":/.test(JSON.stringify(playbook))
    ? then()
    : (loading ||= load().then(
        (m) => useRegex(m.compileRegex),
        (e: Error) => {
          loading = undefined // the next playbook tries again
          fail(`$regex conditions fail closed: the matcher did not load (${e.message})`)
        },
      )).then(then)
