import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { VALIDATOR_VERSION } from '../src/playbook/validate'

// A stored playbook that carries this build's mark is applied without validating it again
// (src/playbook/cached.ts, validMark). The mark holds VALIDATOR_VERSION, so a build that accepts
// less must bump it, or devices would keep applying stored copies it would now refuse. This
// test makes the bump a decision: the sources that decide what is accepted are fingerprinted,
// and any change to them fails here until the fingerprint below is updated, with the version
// bumped when what is accepted changed (not for a comment, a rename or a speed-up).
const SOURCES = [
  'src/playbook/validate.ts', 'src/playbook/validator-version.ts', 'src/playbook/dates.ts', 'src/rules/condition-check.ts',
  'src/rules/condition.ts', 'src/rules/regex.ts', 'src/rules/regex-parse.ts', 'src/is.ts',
]
const FINGERPRINT = { version: 2, sources: 'RdFNl_R4d2GerYjl' }

describe('the validator version', () => {
  it('is bumped (or confirmed unchanged) whenever the sources that decide what a playbook may be change', () => {
    const h = createHash('sha256')
    for (const f of SOURCES) h.update(f + '\0' + readFileSync(join(__dirname, '..', f), 'utf8').replace(/\r\n/g, '\n').replace(/export const VALIDATOR_VERSION = \d+/, ''))
    const sources = h.digest('base64url').slice(0, 16)
    expect(
      { version: VALIDATOR_VERSION, sources },
      `The validation sources changed. If what a playbook may be changed, bump VALIDATOR_VERSION in src/playbook/validator-version.ts; either way, set FINGERPRINT in this test to ${JSON.stringify({ version: VALIDATOR_VERSION, sources })}`,
    ).toEqual(FINGERPRINT)
  })
})
