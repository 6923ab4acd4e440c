/**
 * The recovery view for a file that is not JSON: where it breaks (line and column, from the
 * same parser as the CLI) and its raw text to fix. As soon as the text parses, the editor
 * opens on it; nothing is written until the playbook is also valid.
 */
import { parseJson } from '../cli/json-position'
import { h } from './dom'
import { t } from './i18n'
import type { Store } from './state'

/** The recovery section; `onParsed` runs with the value once the text parses. */
export function recoveryView(store: Store, onParsed: (value: unknown) => void): HTMLElement {
  const area = h('textarea', { id: 'raw-text', class: 'code raw', rows: 24, spellcheck: 'false', 'aria-describedby': 'recovery-where' })
  area.value = store.raw
  const where = h('p', { id: 'recovery-where', class: 'error', role: 'alert' })
  const go = h('button', { type: 'button', class: 'secondary' }, t('goTo'))
  let offset = 0
  const check = () => {
    const parsed = parseJson(area.value)
    store.raw = area.value
    if (parsed.ok) return onParsed(parsed.value)
    offset = parsed.offset
    where.textContent = `${t('at', { line: parsed.line, column: parsed.column })}: ${parsed.reason}`
    store.changed()
  }
  go.addEventListener('click', () => {
    area.focus()
    area.setSelectionRange(offset, Math.min(offset + 1, area.value.length))
  })
  area.addEventListener('input', check)
  const section = h(
    'section',
    { class: 'recovery', 'aria-labelledby': 'recovery-h' },
    h('h2', { id: 'recovery-h' }, t('recovery')),
    where,
    go,
    h('p', { class: 'hint' }, t('recoveryHelp')),
    h('label', { for: area.id }, t('rawText')),
    area,
  )
  queueMicrotask(check)
  return section
}
