/**
 * The rules: each with its on/off switch (a `role="switch"` button named by the rule id), its
 * triggers, schedule, caps, rollout and priority, its offer's kind and link, and its condition.
 */
import { conditionView } from './condition-view'
import { h, idFor } from './dom'
import { asList, asNumber, asText, register, selectField, textField } from './fields'
import { t } from './i18n'
import { parseJson } from '../cli/json-position'
import { pathOf } from './paths'
import { set, type Store } from './state'

const KINDS = ['banner', 'toast', 'modal', 'inline', 'headless']

/** The switch of rule `n`: on unless `enabled` is false. */
function ruleSwitch(store: Store, n: number, id: string): HTMLElement {
  const rule = store.doc.rules[n]
  const on = () => rule.enabled !== false
  const path = pathOf(['rules', n, 'enabled'])
  const state = h('span', { class: 'state', 'aria-hidden': 'true' })
  const button = h('button', { type: 'button', role: 'switch', class: 'switch', id: idFor(path), 'aria-label': t('rule', { id }) }, h('span', { class: 'track', 'aria-hidden': 'true' }), state)
  const paint = () => {
    button.setAttribute('aria-checked', String(on()))
    state.textContent = on() ? t('on') : t('off')
  }
  // Absent means on: switching a rule back on removes the key again unless the file on disk
  // spells `enabled` out for this rule, so a switch turned off and on again leaves no diff.
  const spelled = () => {
    const disk = parseJson(store.disk.text)
    const was = disk.ok ? (disk.value as any)?.rules?.[n] : undefined
    return !!was && typeof was == 'object' && was.id === rule.id && 'enabled' in was
  }
  button.addEventListener('click', () => {
    set(store.doc, ['rules', n, 'enabled'], on() ? false : spelled() ? true : undefined)
    paint()
    store.changed()
  })
  paint()
  const messages = register(store, path, button)
  return h('div', { class: 'switch-field' }, button, messages)
}

/** One rule's card. */
function ruleView(store: Store, n: number): HTMLElement {
  const rule = store.doc.rules[n]
  const id = typeof rule?.id == 'string' ? rule.id : `#${n + 1}`
  const base = ['rules', n]
  const path = pathOf(base)
  const heading = h('h3', { id: idFor(path) + '-h', tabindex: -1 }, id)
  const card = h('article', { class: 'rule', 'aria-labelledby': heading.id, 'data-rule': id })
  const messages = register(store, path, heading)
  if (rule === null || typeof rule != 'object') {
    card.append(h('header', {}, heading), messages)
    return card
  }
  const p = (...rest: Array<string | number>) => [...base, ...rest]
  card.append(
    h('header', {}, ruleSwitch(store, n, id), heading),
    messages,
    h(
      'div',
      { class: 'grid' },
      textField(store, p('id'), 'id'),
      textField(store, p('on'), t('triggers'), asList, { list: 'waymark-events' }),
      textField(store, p('from'), t('from'), asText, { placeholder: '2026-11-01T00:00:00Z' }),
      textField(store, p('until'), t('until'), asText, { placeholder: '2026-12-31T23:59:59Z' }),
      textField(store, p('cap', 'session'), t('capSession'), asNumber, { inputmode: 'numeric' }),
      textField(store, p('cap', 'day'), t('capDay'), asNumber, { inputmode: 'numeric' }),
      textField(store, p('cap', 'total'), t('capTotal'), asNumber, { inputmode: 'numeric' }),
      textField(store, p('rollout'), t('rollout'), asNumber, { inputmode: 'decimal' }),
      textField(store, p('priority'), t('priority'), asNumber, { inputmode: 'numeric' }),
      selectField(store, p('offer', 'kind'), t('kind'), KINDS),
      textField(store, p('offer', 'placement'), t('placement')),
      textField(store, p('offer', 'code'), t('code')),
      textField(store, p('offer', 'cta', 'href'), t('href')),
    ),
    conditionView(store, p('if')),
  )
  return card
}

/** The rules section. */
export function rulesView(store: Store): HTMLElement {
  const rules: unknown[] = Array.isArray(store.doc?.rules) ? store.doc.rules : []
  const section = h('section', { 'aria-labelledby': 'rules-h', class: 'rules' }, h('h2', { id: 'rules-h' }, t('rules')))
  rules.forEach((_, n) => section.append(ruleView(store, n)))
  return section
}

/** Datalists for trigger and path inputs: the events the playbook names, and the context paths. */
export function datalists(store: Store, paths: string[]): HTMLElement {
  const events = new Set<string>(['page', 'session_start', 'identify'])
  for (const r of Array.isArray(store.doc?.rules) ? store.doc.rules : []) for (const e of Array.isArray(r?.on) ? r.on : []) events.add(String(e))
  for (const s of Array.isArray(store.doc?.stages) ? store.doc.stages : []) {
    for (const e of Array.isArray(s?.on) ? s.on : []) events.add(String(e))
    if (s?.id) events.add(`stage:${s.id}`)
  }
  const list = (id: string, values: Iterable<string>) => {
    const el = h('datalist', { id })
    for (const v of values) el.append(h('option', { value: v }))
    return el
  }
  return h('div', { hidden: true }, list('waymark-events', events), list('waymark-paths', paths))
}
