/**
 * The preview: every rule's offer drawn by the SDK's own elements code (offer-view.ts, in a
 * shadow root with the elements' stylesheet), in the chosen language, themed by the
 * `--waymark-*` properties set here, with a preview link to the rule on the real site.
 */
import { offerView } from '../elements/offer-view'
import { adoptStyles } from '../elements/styles'
import { offerTexts } from '../texts'
import type { Offer, Waymark } from '../types'
import { fill, h } from './dom'
import { t } from './i18n'
import type { Store } from './state'
import { languagesOf } from './texts-view'

/** The theme properties the studio sets, with their inputs' types and defaults. */
const THEME: Array<[name: string, label: 'accent' | 'bg' | 'fg' | 'radius' | 'font', type: string, value: string]> = [
  ['--waymark-accent', 'accent', 'color', '#1d4ed8'],
  ['--waymark-bg', 'bg', 'color', '#ffffff'],
  ['--waymark-fg', 'fg', 'color', '#1b1f24'],
  ['--waymark-radius', 'radius', 'text', '8px'],
  ['--waymark-font', 'font', 'text', 'system-ui, sans-serif'],
]

const THEME_KEY = 'waymark-studio:theme'
const SITE_KEY = 'waymark-studio:site'

const load = (key: string): string | null => {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}
const keep = (key: string, value: string) => {
  try {
    localStorage.setItem(key, value)
  } catch {
    // Not kept across reloads; it still applies now.
  }
}

// In the studio the overlays sit in the flow of the preview pane, not fixed over the page.
let flowSheet: CSSStyleSheet | undefined
function inFlow(root: ShadowRoot): void {
  if (!flowSheet) {
    flowSheet = new CSSStyleSheet()
    flowSheet.replaceSync('.banner,.toast,.backdrop{position:relative;inset:auto;z-index:auto;animation:none}.toast{margin-inline-start:auto}.backdrop{min-height:12rem}.modal{max-height:none}')
  }
  root.adoptedStyleSheets = [...root.adoptedStyleSheets, flowSheet]
}

/** The link that opens the site with `?waymark-preview=<id>`, or null without a usable site URL. */
export function previewLink(site: string, id: string): string | null {
  try {
    const url = new URL(site)
    if (url.protocol != 'http:' && url.protocol != 'https:') return null
    url.searchParams.set('waymark-preview', id)
    return url.href
  } catch {
    return null
  }
}

/**
 * An offer as the elements receive it: texts for `locale` as the SDK picks and fills them
 * (`offerTexts`), with no visitor data. The document may be half-edited: an offer whose texts
 * cannot be read yet (a `null` title, a `cta` that is not an object) is drawn without them.
 */
function offerFor(rule: any, locale: string): Offer {
  const spec = rule.offer
  let texts: Partial<Pick<Offer, 'title' | 'body' | 'cta'>> = {}
  try {
    texts = offerTexts(spec, locale, {})
  } catch {}
  if (!spec.cta || typeof spec.cta != 'object') texts.cta = undefined
  return { ...spec, ...texts, id: 'studio', rule: String(rule.id), trigger: 'preview', at: Date.now(), preview: true, click() {}, dismiss() {} }
}

/** Draws one rule's offer into a fresh shadow root. */
function draw(rule: any, locale: string, redraw: () => void): HTMLElement {
  const host = h('div', { class: 'offer-host', lang: locale })
  const root = host.attachShadow({ mode: 'open' })
  adoptStyles(root)
  inFlow(root)
  const offer = offerFor(rule, locale)
  // offer-view reads only the locale and the instance's texts (none here: the built-in ones).
  const wm = { locale, text: () => undefined } as unknown as Waymark
  const kind = offer.kind
  if (kind == 'headless') {
    root.append(h('p', {}, t('headless')))
    return host
  }
  const view = offerView(offer, wm, kind, redraw)
  if (kind == 'banner') view.classList.add(offer.placement === 'bottom' ? 'bottom' : 'top')
  root.append(kind == 'modal' ? h('div', { part: 'backdrop', class: 'backdrop' }, view) : view)
  return host
}

/** The preview section; returns it and the function that draws it again after an edit. */
export function previewView(store: Store): { section: HTMLElement; update: () => void } {
  const gallery = h('div', { class: 'gallery' })
  const theme = h('fieldset', { class: 'theme' }, h('legend', {}, t('theme')))
  let saved: Record<string, string> = {}
  try {
    saved = JSON.parse(load(THEME_KEY) || '{}')
  } catch {
    saved = {}
  }
  for (const [name, label, type, value] of THEME) {
    const input = h('input', { id: 'theme' + name, type, value: saved[name] || value })
    const apply = () => {
      gallery.style.setProperty(name, input.value) // CSSOM: allowed under style-src 'self'
      saved[name] = input.value
      keep(THEME_KEY, JSON.stringify(saved))
    }
    input.addEventListener('input', apply)
    apply()
    theme.append(h('div', { class: 'field' }, h('label', { for: input.id }, t(label)), input))
  }
  const site = h('input', { id: 'site-url', type: 'url', value: load(SITE_KEY) || '', placeholder: 'https://shop.example' })
  const locale = h('select', { id: 'preview-locale' })
  const update = () => {
    const langs = languagesOf(store.doc, store.extraLanguages)
    const chosen = locale.value || langs[0]
    fill(locale, ...langs.map((l) => h('option', { value: l, selected: l == chosen }, l)))
    const rules: any[] = Array.isArray(store.doc?.rules) ? store.doc.rules : []
    fill(
      gallery,
      ...rules
        .filter((r) => r && typeof r == 'object' && r.offer && typeof r.offer == 'object')
        .map((rule) => {
          const id = String(rule.id)
          const href = previewLink(site.value, id)
          return h(
            'figure',
            { class: 'preview', 'data-rule': id },
            h('figcaption', {}, h('span', {}, id + (rule.enabled === false ? ` (${t('off')})` : '')), href && h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, t('openPreview', { id }))),
            draw(rule, locale.value || chosen, update),
          )
        }),
    )
  }
  site.addEventListener('input', () => {
    keep(SITE_KEY, site.value)
    update()
  })
  locale.addEventListener('change', update)
  const section = h(
    'section',
    { 'aria-labelledby': 'preview-h', class: 'preview-section' },
    h('h2', { id: 'preview-h' }, t('preview')),
    h('div', { class: 'inline-form' }, h('label', { for: locale.id }, t('previewLocale')), locale),
    h('div', { class: 'field' }, h('label', { for: site.id }, t('siteUrl')), site),
    theme,
    gallery,
  )
  update()
  return { section, update }
}
