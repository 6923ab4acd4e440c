/**
 * The simulator: one event with its props, for one visitor (returning or not, name, stage,
 * locale, time), decided by the SDK's own engine through `simulatePlaybook`: which rules
 * fire, with the text the visitor's locale gets, and the engine's reason for each other rule.
 */
import { simulatePlaybook } from '../cli/simulate-core'
import { parseJson } from '../cli/json-position'
import { validatePlaybook } from '../playbook/validate'
import { fill, h } from './dom'
import { t } from './i18n'
import type { Store } from './state'

const pad = (n: number) => String(n).padStart(2, '0')
const localInput = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`

/** The simulator section. */
export function simulatorView(store: Store): HTMLElement {
  const field = (label: string, control: HTMLElement) => h('div', { class: 'field' }, h('label', { for: control.id }, label), control)
  const firstEvent = store.doc?.rules?.find?.((r: any) => Array.isArray(r?.on))?.on?.[0] ?? 'page'
  const event = h('input', { id: 'sim-event', type: 'text', list: 'waymark-events', value: firstEvent })
  const props = h('textarea', { id: 'sim-props', rows: 3, class: 'code', spellcheck: 'false' })
  props.value = '{}'
  const returning = h('input', { id: 'sim-returning', type: 'checkbox' })
  const name = h('input', { id: 'sim-name', type: 'text', value: '' })
  const stage = h('select', { id: 'sim-stage' }, h('option', { value: '' }, '—'))
  for (const s of Array.isArray(store.doc?.stages) ? store.doc.stages : []) if (s?.id) stage.append(h('option', { value: String(s.id) }, String(s.id)))
  const locale = h('input', { id: 'sim-locale', type: 'text', value: navigator.language || 'en', size: 8 })
  const time = h('input', { id: 'sim-time', type: 'datetime-local', value: localInput(new Date()) })
  const run = h('button', { type: 'submit' }, t('simulate'))
  const result = h('div', { class: 'sim-result', 'aria-live': 'polite', id: 'sim-result' })

  const simulate = () => {
    const valid = validatePlaybook(store.doc)
    if (!valid.ok) return fill(result, h('p', { class: 'error' }, t('fixFirst')))
    const parsed = parseJson(props.value.trim() || '{}')
    if (!parsed.ok || parsed.value === null || typeof parsed.value != 'object' || Array.isArray(parsed.value))
      return fill(result, h('p', { class: 'error' }, t('notJson', { why: parsed.ok ? 'must be an object' : parsed.message })))
    const when = time.value ? new Date(time.value).getTime() : Date.now()
    const context = {
      visit: { returning: returning.checked, count: returning.checked ? 2 : 1 },
      user: name.value ? { id: null, firstName: name.value } : { id: null },
      journey: { stage: stage.value || null },
      device: { locale: locale.value || 'en' },
    }
    const sim = simulatePlaybook(valid.playbook, { event: event.value.trim(), props: parsed.value as Record<string, unknown>, context, now: isNaN(when) ? Date.now() : when, locale: locale.value || 'en' })
    const list = h('ul', { class: 'outcomes' })
    for (const r of sim.rules) {
      const item = h('li', { class: r.fires ? 'fires' : 'blocked', 'data-rule': r.rule }, h('strong', {}, r.rule), ': ', r.fires ? t('fires') : r.reason)
      if (r.fires && r.offer) {
        const texts = [r.offer.title, r.offer.body, r.offer.cta?.label].filter((s): s is string => typeof s == 'string' && !!s)
        if (texts.length) item.append(h('p', { class: 'text-for' }, t('textFor', { locale: locale.value || 'en' }), ': ', h('q', { lang: locale.value || 'en' }, texts.join(' · '))))
      }
      list.append(item)
    }
    fill(result, list, sim.notListening.length ? h('p', { class: 'hint' }, t('notListening', { ids: sim.notListening.join(', ') })) : null)
  }

  const form = h(
    'form',
    { class: 'simulator', 'aria-labelledby': 'sim-h' },
    h('div', { class: 'grid' }, field(t('event'), event), field(t('name'), name), field(t('stage'), stage), field(t('locale'), locale), field(t('time'), time)),
    h('div', { class: 'check' }, returning, h('label', { for: returning.id }, t('returning'))),
    field(t('props'), props),
    run,
  )
  form.addEventListener('submit', (e) => {
    e.preventDefault()
    simulate()
  })
  return h('section', { 'aria-labelledby': 'sim-h', class: 'sim-section' }, h('h2', { id: 'sim-h' }, t('simulator')), form, result)
}
