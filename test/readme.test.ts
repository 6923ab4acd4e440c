// The README is what product teams copy from: every playbook it shows must validate.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { validatePlaybook } from '../src/playbook/validate'

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8')
const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1])
// A playbook is a JSON object with one of its top-level keys; other blocks show events or envelopes.
const playbooks = blocks
  .filter((b) => !b.includes('…'))
  .map((b) => JSON.parse(b))
  .filter((doc) => doc && !Array.isArray(doc) && ['version', 'stages', 'rules', 'texts'].some((k) => k in doc))

describe('README', () => {
  it('shows playbooks', () => {
    expect(playbooks.length).toBeGreaterThanOrEqual(3)
  })

  it.each(playbooks.map((p, i) => [i, p]))('playbook #%i validates', (_, doc) => {
    expect(validatePlaybook(doc)).toEqual({ ok: true, playbook: doc })
  })
})
