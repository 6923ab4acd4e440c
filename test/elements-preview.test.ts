import { describe, expect, it, vi } from 'vitest'
import { DEBUG, type DebugData } from '../src/preview'
import type { Explanation, Playbook } from '../src/types'
import { defineElements } from '../src/elements/index'
import { make, settle as settleDb } from './helpers'
import { mount, offer, overlay, settle, setup, shadow, stubWaymark } from './elements-stub'

const q = (root: ShadowRoot, part: string) => root.querySelector<HTMLElement>(`[part~="${part}"]`)
const previewOf = (spec: Parameters<typeof offer>[0]) => offer({ ...spec, preview: true } as never)

describe('a preview link’s offer', () => {
  it('carries a visible "Preview" mark, in the page’s language', () => {
    const wm = setup()
    wm.emit('offer', previewOf({ kind: 'toast', title: 'Welcome' }))
    expect(q(overlay(), 'preview')!.textContent).toBe('Preview')
    expect(q(overlay(), 'toast')!.getAttribute('aria-labelledby')).toBe('title') // the mark does not name it
    const ru = setup({ locale: 'ru-RU' })
    ru.emit('offer', previewOf({ kind: 'modal', title: 'Дегустация' }))
    expect(q(overlay(), 'preview')!.textContent).toBe('Предпросмотр')
    q(overlay(), 'close')!.click()
    ru.emit('offer', offer({ kind: 'toast', title: 'A live one' })) // the elements now render ru's offers
    expect(q(overlay(), 'title')!.textContent).toBe('A live one')
    expect(q(overlay(), 'preview')).toBeNull()
  })

  it('shows an inline offer in its slot when the page has one, else as a toast', () => {
    const wm = setup()
    const slot = mount('waymark-slot', { name: 'catalogue-top' })
    wm.emit('offer', previewOf({ kind: 'inline', placement: 'catalogue-top', title: 'Hello' }))
    expect(q(shadow(slot), 'inline')).not.toBeNull()
    expect(q(shadow(slot), 'preview')!.textContent).toBe('Preview')
    expect(document.querySelector('waymark-overlay')).toBeNull()
    wm.emit('offer', previewOf({ kind: 'inline', placement: 'cart-bottom', title: 'Elsewhere' }))
    expect(q(overlay(), 'toast')!.textContent).toContain('Elsewhere')
    expect(q(overlay(), 'preview')).not.toBeNull()
  })

  it('shows as a toast when its slot is on the page but not shown (another view of a one-page app)', () => {
    const wm = setup()
    const slot = mount('waymark-slot', { name: 'catalogue-top' })
    Object.assign(slot, { checkVisibility: () => false })
    wm.emit('offer', previewOf({ kind: 'inline', placement: 'catalogue-top', title: 'Hello' }))
    expect(q(shadow(slot), 'inline')).toBeNull()
    expect(q(overlay(), 'toast')).not.toBeNull()
  })

  it('stays until closed: a live offer for its place waits behind it, then shows', () => {
    const wm = setup()
    const slot = mount('waymark-slot', { name: 'catalogue-top' })
    wm.emit('offer', previewOf({ kind: 'inline', placement: 'catalogue-top', title: 'Previewed' }))
    const live = offer({ kind: 'inline', placement: 'catalogue-top', title: 'Live' })
    wm.emit('offer', live)
    expect(q(shadow(slot), 'title')!.textContent).toBe('Previewed')
    q(shadow(slot), 'close')!.click()
    expect(q(shadow(slot), 'title')!.textContent).toBe('Live')
    expect(q(shadow(slot), 'preview')).toBeNull()
    expect(live.dismiss).not.toHaveBeenCalled()

    wm.emit('offer', previewOf({ kind: 'modal', title: 'Previewed modal' }))
    const toast = offer({ kind: 'toast', title: 'Live toast' })
    wm.emit('offer', toast)
    expect(q(overlay(), 'title')!.textContent).toBe('Previewed modal')
    q(overlay(), 'close')!.click()
    expect(q(overlay(), 'toast')!.textContent).toContain('Live toast')
    expect(toast.dismiss).not.toHaveBeenCalled()
    // A preview replaces a live offer as any offer does (dismissing it), and another preview too.
    wm.emit('offer', previewOf({ kind: 'toast', title: 'Second preview' }))
    expect(toast.dismiss).toHaveBeenCalledTimes(1)
    wm.emit('offer', previewOf({ kind: 'toast', title: 'Third preview' }))
    expect(q(overlay(), 'title')!.textContent).toBe('Third preview')
  })

  it('closes on its close button, and its click and dismiss record nothing beyond the offer’s own', () => {
    const wm = setup()
    const o = previewOf({ kind: 'toast', title: 'Welcome' })
    wm.emit('offer', o)
    q(overlay(), 'close')!.click()
    expect(q(overlay(), 'toast')).toBeNull()
    expect(o.dismiss).toHaveBeenCalledTimes(1) // the core's preview dismiss does nothing (test/preview.test.ts)
  })
})

/** A stub instance with debug data and a scripted explain. */
function debugged(data: DebugData, explain: (id: string) => Explanation) {
  const wm = Object.assign(stubWaymark(), { [DEBUG]: data, explain: vi.fn(explain) })
  defineElements(wm)
  return wm
}
const panel = () => shadow(document.querySelector('waymark-debug')!)
const lines = (part: string) => [...q(panel(), part)!.children].map((li) => li.textContent)

describe('the debug panel', () => {
  it('opens only for an instance that has debug data', () => {
    setup()
    expect(document.querySelector('waymark-debug')).toBeNull()
  })

  it('shows the playbook in force and where it came from, the latest triggers and each rule’s reason, and updates', async () => {
    const data: DebugData = { playbook: { version: '2026-11-30.2', from: 'network' }, rules: ['a', 'b'], triggers: [{ name: 'session_start', at: new Date(2026, 0, 1, 9, 5, 7).getTime() }, { name: 'page', at: new Date(2026, 0, 1, 9, 5, 8).getTime() }] }
    const reasons: Record<string, string> = { a: 'fires', b: 'cap: 1 of 1 per session' }
    const wm = debugged(data, (id) => ({ rule: id, fires: reasons[id] === 'fires', reason: reasons[id], trigger: null }))
    const root = panel()
    expect(q(root, 'debug')!.getAttribute('role')).toBe('region')
    expect(q(root, 'debug-playbook')!.textContent).toBe('Playbook 2026-11-30.2 from network')
    expect(lines('debug-triggers')).toEqual(['09:05:08 page', '09:05:07 session_start']) // newest first
    expect(lines('debug-rules')).toEqual(['a: fires now', 'b: cap: 1 of 1 per session'])
    expect(q(root, 'debug-fires')!.textContent).toBe('a: fires now')
    expect(q(root, 'debug-blocked')!.textContent).toBe('b: cap: 1 of 1 per session')

    data.playbook = { version: null, from: 'tab' }
    data.triggers.push({ name: 'cart_viewed', at: new Date(2026, 0, 1, 9, 6, 0).getTime() })
    reasons.a = 'condition not met: event.total'
    wm.emit('event', {} as never)
    wm.emit('event', {} as never)
    expect(lines('debug-triggers')).toHaveLength(2) // renders once the burst is over
    await settle()
    expect(q(root, 'debug-playbook')!.textContent).toBe('Playbook (no version) from tab')
    expect(lines('debug-triggers')[0]).toBe('09:06:00 cart_viewed')
    expect(lines('debug-rules')[0]).toBe('a: condition not met: event.total')
    expect(wm.explain).toHaveBeenCalledTimes(4)
  })

  it('closes with Escape or its close button', () => {
    const data: DebugData = { playbook: null, rules: [], triggers: [] }
    debugged(data, () => ({ rule: '', fires: false, reason: '', trigger: null }))
    expect(q(panel(), 'debug-playbook')!.textContent).toBe('No playbook in force yet')
    const close = q(panel(), 'close')!
    expect(close.getAttribute('aria-label')).toBe('Close')
    close.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }))
    expect(document.querySelector('waymark-debug')).toBeNull()
    document.body.append(document.createElement('waymark-debug'))
    q(panel(), 'close')!.click()
    expect(document.querySelector('waymark-debug')).toBeNull()
  })

  it('with a real instance: the version and source, the triggers and the engine’s reasons', async () => {
    history.replaceState(null, '', '/catalog?waymark-debug')
    const playbook: Playbook = {
      version: 'd-1',
      rules: [
        { id: 'off', enabled: false, on: ['page'], offer: { kind: 'toast', title: 'Off' } },
        { id: 'big-cart', on: ['cart_viewed'], if: { 'event.total': { $gte: 40 } }, offer: { kind: 'toast', title: 'Big' } },
        { id: 'once', on: ['go'], cap: { session: 1 }, offer: { kind: 'headless' } },
      ],
    }
    const wm = make({ playbook, preview: true })
    defineElements(wm)
    await wm.ready
    await settleDb(50)
    expect(q(panel(), 'debug-playbook')!.textContent).toBe('Playbook d-1 from inline')
    expect(lines('debug-rules')).toEqual(['off: disabled', 'big-cart: condition not met: event.total', 'once: fires now'])
    wm.track('go')
    await settle()
    expect(lines('debug-triggers')[0]).toMatch(/^\d\d:\d\d:\d\d go$/)
    expect(lines('debug-rules')[2]).toBe('once: cap: 1 of 1 per session')
    // Without `preview: true` the parameter is ignored.
    document.querySelector('waymark-debug')!.remove()
    defineElements(make({ playbook }))
    expect(document.querySelector('waymark-debug')).toBeNull()
  })
})
