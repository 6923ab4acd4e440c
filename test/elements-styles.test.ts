import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { defineElements } from '../src/elements/index'
import css from '../src/elements/styles.css?raw'
import { mount, offer, overlay, settle, shadow, stubWaymark } from './elements-stub'

describe('element styles', () => {
  it('links the served stylesheet where constructable stylesheets are missing (jsdom)', () => {
    expect('adoptedStyleSheets' in document).toBe(false)
    defineElements(stubWaymark(), { stylesheet: '/assets/waymark.css' })
    const link = shadow(mount('waymark-greeting')).querySelector('link')!
    expect(link.rel).toBe('stylesheet')
    expect(link.getAttribute('href')).toBe('/assets/waymark.css')
  })

  it('shares one constructable stylesheet between all shadow roots where it exists', () => {
    const made: unknown[] = []
    vi.stubGlobal('CSSStyleSheet', class {
      text = ''
      constructor() { made.push(this) }
      replaceSync(text: string) { this.text = text }
    })
    Object.defineProperty(ShadowRoot.prototype, 'adoptedStyleSheets', {
      configurable: true,
      get() { return this._sheets || [] },
      set(v) { this._sheets = v },
    })
    try {
      defineElements(stubWaymark())
      const a = shadow(mount('waymark-greeting'))
      const b = shadow(mount('waymark-order-status', { 'order-id': 'A-1' }))
      expect(made).toHaveLength(1)
      expect(a.adoptedStyleSheets[0]).toBe(b.adoptedStyleSheets[0])
      expect((a.adoptedStyleSheets[0] as unknown as { text: string }).text).toContain('--waymark-accent')
      expect(a.querySelector('link')).toBeNull()
    } finally {
      delete (ShadowRoot.prototype as { adoptedStyleSheets?: unknown }).adoptedStyleSheets
    }
  })

  it('themes through custom properties, turns motion off on request and wraps at 320 px', () => {
    for (const v of ['--waymark-accent', '--waymark-bg', '--waymark-fg', '--waymark-radius', '--waymark-font'])
      expect(css).toContain(`var(${v},`)
    expect(css).toMatch(/@media \(prefers-reduced-motion: reduce\)[^@]*animation: none !important;[^@]*transition: none !important/)
    expect(css).toContain('max-width: 100%')
    expect(css).toContain('flex-wrap: wrap')
  })

  it('keeps banners off the page’s navigation: --waymark-banner-top insets a fixed one, an in-flow host holds a top one in the page', () => {
    const rule = (selector: string) => css.match(new RegExp(`(?:^|\\}|\\*/)\\s*${selector.replace(/[()[\].]/g, '\\$&')}\\s*\\{([^}]*)\\}`))?.[1] ?? ''
    expect(rule('.banner, .toast, .backdrop')).toContain('position: fixed')
    expect(rule('.banner')).toContain('top: var(--waymark-banner-top, 0)')
    expect(rule('.banner.bottom')).toMatch(/top: auto;\s*bottom: 0/) // the inset is for top banners only
    expect(rule(':host([in-flow]) .top')).toContain('position: relative')
    // Declared after the fixed overlays, so it wins whatever the specificity.
    expect(css.indexOf(':host([in-flow]) .top')).toBeGreaterThan(css.indexOf('.banner, .toast, .backdrop'))
  })

  it('renders no style attribute and exposes parts', async () => {
    const wm = stubWaymark({ order: (id) => Promise.resolve({ id, status: 'shipped', eta: Date.now() + 2 * 864e5, carrier: 'DHL', trackingUrl: '/t' }) })
    defineElements(wm)
    const status = mount('waymark-order-status', { 'order-id': 'A-1' })
    mount('waymark-slot', { name: 'x' })
    wm.emit('offer', offer({ kind: 'modal', title: 't', body: 'b', code: 'C', cta: { label: 'go', href: '/' } }))
    wm.emit('offer', offer({ kind: 'inline', placement: 'x', title: 't' }))
    await settle()
    const roots = [...document.querySelectorAll('*')].filter((e) => e.shadowRoot).map((e) => e.shadowRoot!)
    expect(roots.length).toBeGreaterThanOrEqual(3)
    for (const root of roots) expect(root.querySelectorAll('[style]')).toHaveLength(0)
    const parts = (root: ShadowRoot) => [...root.querySelectorAll('[part]')].flatMap((e) => e.getAttribute('part')!.split(' '))
    expect(parts(overlay())).toEqual(expect.arrayContaining(['backdrop', 'modal', 'close', 'title', 'body', 'code', 'copy', 'cta']))
    expect(parts(shadow(status))).toEqual(expect.arrayContaining(['order', 'steps', 'step', 'step-current', 'eta', 'eta-days', 'carrier', 'tracking']))
  })

  it('never writes markup or runs strings as code anywhere in the source', () => {
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(join(dir, d.name)) : [join(dir, d.name)]))
    for (const file of files('src').filter((f) => /\.(ts|css)$/.test(f)))
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/)
    // Inline styles would need style-src 'unsafe-inline': the elements style through their sheet only.
    for (const file of files('src/elements')) expect(readFileSync(file, 'utf8'), file).not.toMatch(/\.style\b|'style'/)
  })
})
