/**
 * The condition editor of a rule (`if`): a row per `path: value` or `path: { $op: value }`
 * for the documented paths and operators, and raw JSON for anything else ($or, $and, $not,
 * nested values). Messages about any part of the condition land on the editor as a whole.
 */
import { h, idFor } from './dom'
import type { Parts } from './fields'
import { register } from './fields'
import { t } from './i18n'
import { pathOf } from './paths'
import { get, set, type Store } from './state'
import { parseJson } from '../cli/json-position'

/** The context paths conditions read (contract: "Playbook"). */
export const PATHS = [
  'event.', 'user.id', 'user.firstName', 'visit.count', 'visit.returning', 'visit.daysSinceLast', 'session.count',
  'journey.stage', 'journey.stages', 'journey.counts.', 'page.path', 'page.url', 'page.referrer', 'page.query.',
  'device.mobile', 'device.locale', 'time.hour', 'time.weekday', 'order.status', 'place.id',
]

/** The operators a row offers; `=` is a plain `path: value`. */
export const OPERATORS = ['=', '$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex', '$size', '$all', '$type']

/** One row: a path, an operator and its value. */
export interface Row {
  path: string
  op: string
  value: unknown
}

const scalarOrList = (v: unknown) => v === null || typeof v != 'object' || (Array.isArray(v) && v.every((x) => x === null || typeof x != 'object'))

/** The rows of a condition, or null when it needs raw JSON. */
export function toRows(condition: unknown): Row[] | null {
  if (condition === undefined) return []
  if (condition === null || typeof condition != 'object' || Array.isArray(condition)) return null
  const rows: Row[] = []
  for (const [path, v] of Object.entries(condition)) {
    if (path.startsWith('$')) return null
    if (scalarOrList(v)) rows.push({ path, op: '=', value: v })
    else {
      const ops = Object.entries(v as object)
      if (!ops.length || ops.some(([op, x]) => !OPERATORS.includes(op) || op == '=' || !scalarOrList(x))) return null
      for (const [op, x] of ops) rows.push({ path, op, value: x })
    }
  }
  return rows
}

/** The condition of some rows (undefined for none): rows of one path merge into one object. */
export function fromRows(rows: Row[]): Record<string, unknown> | undefined {
  const out: Record<string, any> = {}
  for (const { path, op, value } of rows) {
    if (!path) continue
    const had = out[path]
    if (op == '=' && had === undefined) out[path] = value
    else {
      const ops = had !== undefined && scalarOrList(had) ? { $eq: had } : had || {}
      out[path] = op == '=' ? { ...ops, $eq: value } : { ...ops, [op]: value }
    }
  }
  return Object.keys(out).length ? out : undefined
}

/** How a value shows in its input: text as is (unless it would read as JSON), the rest as JSON. */
export function showValue(v: unknown): string {
  if (typeof v == 'string') return parseJson(v).ok ? JSON.stringify(v) : v
  return v === undefined ? '' : JSON.stringify(v)
}

/** A value typed into a row: JSON when it is (`40`, `true`, `["a","b"]`), else the text; a list for $in/$nin. */
export function readValue(text: string, op: string): unknown {
  const parsed = parseJson(text)
  if (parsed.ok) return parsed.value
  if (op == '$in' || op == '$nin' || op == '$all') return text.split(',').map((s) => s.trim()).filter(Boolean)
  return text
}

/** The editor of `rules[i].if`. */
export function conditionView(store: Store, parts: Parts): HTMLElement {
  const path = pathOf(parts)
  const condition = get(store.doc, parts)
  const rows = toRows(condition)
  const box = h('fieldset', { class: 'condition', id: idFor(path), tabindex: -1 }, h('legend', {}, t('condition')))
  const messages = register(store, path, box)
  const write = (value: unknown) => {
    set(store.doc, parts, value)
    store.changed()
  }
  if (rows) {
    const list = h('div', { class: 'rows' })
    const sync = () => write(fromRows(rows))
    rows.forEach((row, n) => list.append(rowView(row, `${box.id}-${n}`, sync, () => {
      rows.splice(n, 1)
      sync()
      store.render()
    })))
    if (!rows.length) list.append(h('p', { class: 'hint' }, t('conditionNone')))
    const add = h('button', { type: 'button', class: 'secondary' }, t('addCondition'))
    add.addEventListener('click', () => {
      rows.push({ path: '', op: '=', value: '' })
      store.render()
      document.getElementById(`${box.id}-${rows.length - 1}-path`)?.focus()
    })
    box.append(list, add)
  } else box.append(h('p', { class: 'hint' }, t('rawOnly')))
  box.append(rawView(condition, `${box.id}-raw`, !rows, write, store), messages)
  return box
}

function rowView(row: Row, id: string, sync: () => void, remove: () => void): HTMLElement {
  const path = h('input', { id: `${id}-path`, type: 'text', list: 'waymark-paths', value: row.path, class: 'path' })
  path.addEventListener('input', () => {
    row.path = path.value.trim()
    sync()
  })
  const op = h('select', { id: `${id}-op` })
  for (const o of OPERATORS) op.append(h('option', { value: o, selected: o == row.op }, o))
  const value = h('input', { id: `${id}-value`, type: 'text', value: showValue(row.value) })
  const read = () => {
    row.op = op.value
    row.value = readValue(value.value, row.op)
    sync()
  }
  op.addEventListener('change', read)
  value.addEventListener('input', read)
  const del = h('button', { type: 'button', class: 'secondary', 'aria-label': `${t('remove')} ${row.path}` }, '×')
  del.addEventListener('click', remove)
  const cell = (label: string, control: HTMLElement) => h('div', { class: 'field' }, h('label', { for: control.id }, label), control)
  return h('div', { class: 'row' }, cell(t('path'), path), cell(t('operator'), op), cell(t('value'), value), del)
}

function rawView(condition: unknown, id: string, open: boolean, write: (v: unknown) => void, store: Store): HTMLElement {
  const area = h('textarea', { id, rows: 4, spellcheck: 'false', class: 'code' })
  area.value = condition === undefined ? '' : JSON.stringify(condition, null, 2)
  const status = h('p', { class: 'hint', id: id + '-status', 'aria-live': 'polite' })
  area.setAttribute('aria-describedby', status.id)
  area.addEventListener('input', () => {
    if (!area.value.trim()) return write(undefined), void (status.textContent = '')
    const parsed = parseJson(area.value)
    status.textContent = parsed.ok ? '' : t('notJson', { why: parsed.message })
    if (parsed.ok) write(parsed.value)
  })
  // The form above is built from the condition: rebuild it when the JSON is left.
  area.addEventListener('change', () => store.render())
  const details = h('details', { open }, h('summary', {}, t('rawJson')), h('label', { for: id, class: 'vh' }, t('rawJson')), area, status)
  return details
}
