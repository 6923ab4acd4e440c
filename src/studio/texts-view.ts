/**
 * Texts side by side per language: each rule's `title`, `body` and `cta.label` (one string
 * for every language, or one per language), with missing translations marked, and the
 * playbook's own `texts` table (key × language).
 */
import { h, idFor } from './dom'
import { register, type Parts } from './fields'
import { t } from './i18n'
import { pathOf } from './paths'
import { get, set, type Store } from './state'

/** The offer texts a rule has, as paths under the offer. */
export const TEXT_PARTS: Array<[string, Parts]> = [
  ['title', ['title']],
  ['body', ['body']],
  ['cta.label', ['cta', 'label']],
]

const isMap = (v: unknown): v is Record<string, unknown> => v !== null && typeof v == 'object' && !Array.isArray(v)

/** The languages the playbook uses: in per-language offer texts and in `texts`, then those added here. */
export function languagesOf(doc: any, extra: string[] = []): string[] {
  const found = new Set<string>()
  for (const rule of Array.isArray(doc?.rules) ? doc.rules : [])
    for (const [, parts] of TEXT_PARTS) {
      const v = get(rule?.offer, parts)
      if (isMap(v)) Object.keys(v).forEach((l) => found.add(l))
    }
  if (isMap(doc?.texts)) Object.keys(doc.texts).forEach((l) => found.add(l))
  extra.forEach((l) => found.add(l))
  if (!found.size) found.add('en')
  return [...found]
}

/** One input of the table, bound to `parts`; an empty one removes the key. */
function cell(store: Store, parts: Parts, label: string): HTMLTableCellElement {
  const path = pathOf(parts)
  const value = get(store.doc, parts)
  const missing = value === undefined || value === ''
  const input = h('textarea', { id: idFor(path), rows: 2, 'aria-label': label, class: missing ? 'missing' : undefined })
  input.value = typeof value == 'string' ? value : value === undefined ? '' : JSON.stringify(value)
  const note = h('span', { class: 'missing-note', id: input.id + '-missing', hidden: !missing }, t('missing'))
  if (missing) input.setAttribute('aria-describedby', note.id)
  input.addEventListener('input', () => {
    set(store.doc, parts, input.value === '' ? undefined : input.value)
    const gone = input.value === ''
    input.classList.toggle('missing', gone)
    note.hidden = !gone
    if (gone) input.setAttribute('aria-describedby', note.id)
    else input.removeAttribute('aria-describedby')
    store.changed()
  })
  return h('td', {}, input, note, register(store, path, input))
}

/** The offer texts of every rule: a row per text, a column per language. */
function offerTexts(store: Store, langs: string[]): HTMLElement {
  const table = h('table', { class: 'texts' })
  table.append(h('caption', {}, t('offerTexts')), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('key')), ...langs.map((l) => h('th', { scope: 'col', lang: l }, l)))))
  const body = h('tbody')
  const rules: any[] = Array.isArray(store.doc?.rules) ? store.doc.rules : []
  rules.forEach((rule, n) => {
    if (!isMap(rule?.offer) || rule.offer.kind == 'headless') return
    const id = typeof rule.id == 'string' ? rule.id : `#${n + 1}`
    for (const [name, parts] of TEXT_PARTS) {
      const at: Parts = ['rules', n, 'offer', ...parts]
      const value = get(store.doc, at)
      if (value === undefined && name == 'cta.label' && !isMap(rule.offer.cta)) continue
      const row = h('tr', {}, h('th', { scope: 'row' }, `${id} · ${name}`))
      if (isMap(value) || value === undefined) langs.forEach((l) => row.append(cell(store, [...at, l], `${id} ${name} (${l})`)))
      else {
        // One text for every language: shown once, and turned into one per language on request.
        const td = cell(store, at, `${id} ${name} (${t('everyLanguage')})`)
        td.colSpan = langs.length
        const split = h('button', { type: 'button', class: 'secondary' }, t('perLanguage'))
        split.addEventListener('click', () => {
          set(store.doc, at, { [langs[0]]: value })
          store.render()
          document.getElementById(idFor(pathOf([...at, langs[1] ?? langs[0]])))?.focus()
        })
        td.append(split)
        row.append(td)
      }
      body.append(row)
    }
  })
  table.append(body)
  return table
}

/** The playbook's `texts`: a row per key, a column per language. */
function playbookTexts(store: Store, langs: string[]): HTMLElement | null {
  const texts = store.doc?.texts
  if (!isMap(texts)) return null
  const keys = new Set<string>()
  for (const l of Object.keys(texts)) if (isMap(texts[l])) Object.keys(texts[l]).forEach((k) => keys.add(k))
  const table = h('table', { class: 'texts' })
  table.append(h('caption', {}, t('playbookTexts')), h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, t('key')), ...langs.map((l) => h('th', { scope: 'col', lang: l }, l)))))
  const body = h('tbody')
  for (const key of keys) body.append(h('tr', {}, h('th', { scope: 'row' }, key), ...langs.map((l) => cell(store, ['texts', l, key], `${key} (${l})`))))
  table.append(body)
  return table
}

/** The texts section, with a way to add a language column. */
export function textsView(store: Store): HTMLElement {
  const langs = languagesOf(store.doc, store.extraLanguages)
  const input = h('input', { id: 'add-language', type: 'text', size: 6, pattern: '[A-Za-z]{2,3}(-[A-Za-z0-9]+)*' })
  const add = h('button', { type: 'button', class: 'secondary' }, t('add'))
  const submit = () => {
    const l = input.value.trim()
    if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]+)*$/.test(l) || langs.includes(l)) return
    store.extraLanguages.push(l)
    store.render()
    document.getElementById('add-language')?.focus()
  }
  add.addEventListener('click', submit)
  input.addEventListener('keydown', (e) => e.key == 'Enter' && submit())
  return h(
    'section',
    { 'aria-labelledby': 'texts-h', class: 'texts-section' },
    h('h2', { id: 'texts-h' }, t('texts')),
    h('div', { class: 'scroll' }, offerTexts(store, langs)),
    h('div', { class: 'scroll' }, playbookTexts(store, langs)),
    h('div', { class: 'inline-form' }, h('label', { for: input.id }, t('addLanguage')), input, add),
  )
}
