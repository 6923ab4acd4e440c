/**
 * The studio page: loads the file from the server, builds the views, and after every edit
 * validates, lints, redraws the preview and the diff, and tells Save whether it may write.
 */
import { parseJson } from '../cli/json-position'
import { PATHS } from './condition-view'
import { fill, h } from './dom'
import { initLanguage, setLanguage, t, uiLanguage, UI_LANGUAGES } from './i18n'
import { check, showFindings, type Findings } from './messages'
import { previewView } from './preview'
import { recoveryView } from './recovery'
import { datalists, rulesView } from './rules-view'
import { diffView, loadFile, saveControls } from './save-view'
import { simulatorView } from './simulator'
import { createStore, type Store } from './state'
import { textsView } from './texts-view'
import { formatter } from './format'

/** Builds the whole page for a store, keeping focus on the control that had it. */
function mount(app: HTMLElement, store: Store): void {
  let findings: Findings = { errors: [], warnings: [] }
  const summary = h('section', { id: 'summary', class: 'summary', 'aria-labelledby': 'summary-h' })
  const diff = h('div', { id: 'diff' })
  let preview: ReturnType<typeof previewView> | null = null
  let timer: ReturnType<typeof setTimeout> | undefined

  const reload = async () => {
    const disk = await loadFile()
    const fresh = createStore(disk)
    Object.assign(store, { disk, raw: disk.text, format: fresh.format, extraLanguages: [] })
    const parsed = parseJson(disk.text)
    store.doc = parsed.ok ? parsed.value : null
    store.render()
  }
  const save = saveControls(store, () => store.doc !== null && !findings.errors.length, () => {
    store.format = formatter(store.disk.text) // the saved text is the new layout to keep
    store.changed()
  }, reload)

  store.changed = () => {
    findings = store.doc === null ? { errors: [t('recovery')], warnings: [] } : check(store.doc)
    showFindings(store, findings, summary)
    diffView(store, diff)
    save.paint()
    clearTimeout(timer)
    if (preview) timer = setTimeout(preview.update, 120)
  }

  store.render = () => {
    const active = document.activeElement
    const focusId = active && active !== document.body ? active.id : ''
    const caret = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement ? active.selectionStart : null
    store.fields.clear()
    const lang = h('select', { id: 'ui-language' }, ...UI_LANGUAGES.map((l) => h('option', { value: l, selected: l == uiLanguage() }, l == 'ru' ? 'Русский' : 'English')))
    lang.addEventListener('change', () => {
      setLanguage(lang.value)
      store.render()
    })
    const header = h(
      'header',
      { class: 'top' },
      h('h1', {}, t('title'), ' ', h('span', { class: 'file' }, store.disk.file)),
      h('div', { class: 'inline-form' }, h('label', { for: lang.id }, t('language')), lang),
      h('div', { class: 'actions' }, save.button, save.reload),
      save.status,
    )
    const changes = h('section', { 'aria-labelledby': 'diff-h', class: 'diff-section' }, h('h2', { id: 'diff-h' }, t('changes')), diff)
    let main: HTMLElement
    let aside: HTMLElement
    if (store.doc === null) {
      preview = null
      main = h('main', {}, summary, recoveryView(store, (value) => {
        store.doc = value
        store.render()
      }))
      aside = h('aside', { 'aria-label': t('changes') }, changes)
    } else {
      preview = previewView(store)
      main = h('main', {}, summary, rulesView(store), textsView(store), datalists(store, PATHS))
      aside = h('aside', { 'aria-label': `${t('preview')}, ${t('simulator')}` }, preview.section, simulatorView(store), changes)
    }
    fill(app, header, h('div', { class: 'layout' }, main, aside))
    store.changed()
    const again = focusId ? document.getElementById(focusId) : null
    if (again) {
      again.focus()
      if (caret !== null && (again instanceof HTMLInputElement || again instanceof HTMLTextAreaElement) && again.type != 'checkbox') again.setSelectionRange(caret, caret)
    }
  }
  store.render()
}

async function start(): Promise<void> {
  initLanguage()
  const app = document.getElementById('app')!
  try {
    const disk = await loadFile()
    const store = createStore(disk)
    const parsed = parseJson(disk.text)
    store.doc = parsed.ok ? parsed.value : null
    mount(app, store)
  } catch (e) {
    fill(app, h('main', {}, h('h1', {}, t('title')), h('p', { class: 'error', role: 'alert' }, t('loadError', { why: e instanceof Error ? e.message : String(e) }))))
  }
}

void start()
