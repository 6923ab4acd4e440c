/**
 * Validation as you type: the validator's errors and the linter's warnings, each put under
 * the field its path names (the control gets aria-invalid and aria-describedby), and a
 * summary whose entries move focus to their field.
 */
import { lintPlaybook } from '../cli/lint'
import { validatePlaybook } from '../playbook/validate'
import { fill, h } from './dom'
import { t } from './i18n'
import { fieldFor, parseMessage } from './paths'
import type { Store } from './state'

/** What a check of the document found. */
export interface Findings {
  errors: string[]
  warnings: string[]
}

/** Validates the document, and lints it when valid (the linter expects a valid playbook). */
export function check(doc: unknown): Findings {
  const result = validatePlaybook(doc)
  if (!result.ok) return { errors: result.errors, warnings: [] }
  let warnings: string[] = []
  try {
    warnings = lintPlaybook(result.playbook).map((w) => (w.path ? `${w.path}: ${w.message}` : w.message))
  } catch {
    warnings = [] // a linter bug must not stop editing
  }
  return { errors: [], warnings }
}

/** Puts the findings at their fields and into `summary`. */
export function showFindings(store: Store, findings: Findings, summary: HTMLElement): void {
  for (const { control, messages } of store.fields.values()) {
    messages.replaceChildren()
    messages.hidden = true
    control.removeAttribute('aria-invalid')
    const described = (control.getAttribute('aria-describedby') || '').split(' ').filter((id) => id && id != messages.id)
    if (described.length) control.setAttribute('aria-describedby', described.join(' '))
    else control.removeAttribute('aria-describedby')
  }
  const entries = h('ul', { class: 'summary-list' })
  const add = (message: string, kind: 'error' | 'warning') => {
    const { path, text } = parseMessage(message)
    const key = path ? fieldFor(path, store.fields.keys()) : null
    const field = key === null ? undefined : store.fields.get(key)
    if (field) {
      field.messages.append(h('li', { class: kind }, key === path ? text : message))
      field.messages.hidden = false
      if (kind == 'error') field.control.setAttribute('aria-invalid', 'true')
      const ids = new Set((field.control.getAttribute('aria-describedby') || '').split(' ').filter(Boolean))
      ids.add(field.messages.id)
      field.control.setAttribute('aria-describedby', [...ids].join(' '))
    }
    const item = h('li', { class: kind })
    if (field) {
      const go = h('button', { type: 'button', class: 'link' }, message)
      go.addEventListener('click', () => {
        field.control.scrollIntoView({ block: 'center' })
        field.control.focus()
      })
      item.append(go)
    } else item.append(message)
    entries.append(item)
  }
  findings.errors.forEach((m) => add(m, 'error'))
  findings.warnings.forEach((m) => add(m, 'warning'))
  const title = findings.errors.length ? `${t('problems')} (${findings.errors.length})` : findings.warnings.length ? `${t('warnings')} (${findings.warnings.length})` : t('noProblems')
  fill(summary, h('h2', { id: 'summary-h' }, title), entries.childElementCount ? entries : null)
  summary.classList.toggle('invalid', findings.errors.length > 0)
}
