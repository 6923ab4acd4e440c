// @vitest-environment node
// The built `waymark` bin (dist/cli.js, made by `npm run build`) run as users run it, in its
// own Node process. Needs no browser; the in-process tests of every command are in test/cli.test.ts.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const CLI = join(ROOT, 'dist', 'cli.js')
const waymark = (...args) => spawnSync(process.execPath, [CLI, ...args], { cwd: ROOT, encoding: 'utf8' })

describe('dist/cli.js', () => {
  test('exists, is executable and starts with a node shebang', () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`)
    expect(statSync(CLI).mode & 0o111).not.toBe(0)
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
  })

  test('validates the example playbook: exit 0 and the summary on stdout', () => {
    const { status, stdout, stderr } = waymark('validate', 'examples/server/playbook.json')
    expect(stderr).toBe('')
    expect(status).toBe(0)
    expect(stdout).toBe('examples/server/playbook.json: valid · version 2026-11-30.3 · 6 stages · 8 rules (8 enabled) · texts: en, ru\n')
  })

  test('sets the exit code for a usage error and writes no stack trace', () => {
    const { status, stdout, stderr } = waymark('validate', 'no-such-file.json')
    expect(status).toBe(2)
    expect(stdout).toBe('')
    expect(stderr).toContain('no-such-file.json: cannot read (no such file)')
    expect(stderr).not.toMatch(/\n\s+at /)
  })

  test("prints package.json's version", () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(waymark('--version').stdout).toBe(version + '\n')
  })
})
