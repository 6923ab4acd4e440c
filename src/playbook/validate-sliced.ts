/**
 * `validatePlaybook` for the sync, in tasks of about 10 ms: a playbook of hundreds of rules,
 * validated cold in one go, would be a long task of a slowed phone (100 rules: 30–60 ms at 4×
 * CPU). Rules are checked independently of each other but for their ids being unique, so the
 * document without its rules, then its rules a few at a time, then the ids, decide the same
 * validity as the whole document does. Only a valid playbook is decided that way: any problem
 * found sends the document to `validatePlaybook` whole, so that its messages are exactly the
 * public validator's, in document order (an invalid copy is the rare case, and refused anyway).
 */
import { isArr, isObj } from '../is'
import { nextTask } from '../next-task'
import { type ValidationResult, validatePlaybook } from './validate'

/** Rules checked between two looks at the clock. */
const STEP = 10
/** A task's share of validation, in ms, before the page gets a turn. */
const SLICE_MS = 10

/**
 * Validates `doc` as `validatePlaybook` does, letting the page run between slices of rules.
 * Only for a document parsed from JSON by its caller: plain data that no other code holds.
 */
export async function validateSliced(doc: unknown): Promise<ValidationResult> {
  const rules = isObj(doc) && doc.rules
  if (!isArr(rules) || rules.length <= STEP) return validatePlaybook(doc)
  let ok = validatePlaybook({ ...(doc as object), rules: [] }).ok
  let since = performance.now()
  for (let i = 0; ok && i < rules.length; i += STEP) {
    if (performance.now() - since > SLICE_MS) await nextTask(), (since = performance.now())
    ok = validatePlaybook({ rules: rules.slice(i, i + STEP) }).ok
  }
  // Each id is a non-empty string by now; unique across the slices too.
  return ok && new Set(rules.map((r) => r.id)).size == rules.length ? { ok, playbook: doc as never } : validatePlaybook(doc)
}
