/**
 * Labelled form controls bound to a JSON path of the document: each writes its value into
 * the document as the user types and registers itself, so validation messages for its path
 * appear right under it.
 */
import { h, idFor } from './dom'
import { pathOf } from './paths'
import { get, set, type Store } from './state'

/** A path, as parts (`['rules', 0, 'cap', 'day']`). */
export type Parts = Array<string | number>

/** Registers a control for a path: returns the message box to place under it. */
export function register(store: Store, path: string, control: HTMLElement): HTMLElement {
  const messages = h('ul', { class: 'messages', id: control.id + '-msg', hidden: true })
  store.fields.set(path, { control, messages })
  return messages
}

/** How a text control's string becomes the value stored. */
export type Parse = (text: string) => unknown

/** Empty → absent; otherwise the text. */
export const asText: Parse = (s) => (s === '' ? undefined : s)

/**
 * Empty → absent; a number → that number; anything else stays text, so the validator says
 * what is wrong with it (the field does not silently drop a typo).
 */
export const asNumber: Parse = (s) => (s.trim() === '' ? undefined : isFinite(+s) ? +s : s)

/** Comma-separated names → an array; empty → absent. */
export const asList: Parse = (s) => {
  const list = s.split(',').map((x) => x.trim()).filter(Boolean)
  return list.length ? list : undefined
}

const show = (v: unknown): string => (v === undefined || v === null ? '' : Array.isArray(v) ? v.join(', ') : String(v))

/** A labelled text input bound to `parts`. */
export function textField(store: Store, parts: Parts, label: string, parse: Parse = asText, attrs: Record<string, string> = {}): HTMLElement {
  const path = pathOf(parts)
  const input = h('input', { id: idFor(path), type: 'text', value: show(get(store.doc, parts)), ...attrs })
  input.addEventListener('input', () => {
    set(store.doc, parts, parse(input.value))
    store.changed()
  })
  const messages = register(store, path, input)
  return h('div', { class: 'field' }, h('label', { for: input.id }, label), input, messages)
}

/** A labelled select bound to `parts`. */
export function selectField(store: Store, parts: Parts, label: string, options: string[]): HTMLElement {
  const path = pathOf(parts)
  const current = show(get(store.doc, parts))
  const select = h('select', { id: idFor(path) })
  for (const o of current && !options.includes(current) ? [current, ...options] : options)
    select.append(h('option', { value: o, selected: o === current }, o))
  select.addEventListener('change', () => {
    set(store.doc, parts, select.value)
    store.changed()
  })
  const messages = register(store, path, select)
  return h('div', { class: 'field' }, h('label', { for: select.id }, label), select, messages)
}
