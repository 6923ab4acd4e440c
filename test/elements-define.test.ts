import { describe, expect, it } from 'vitest'
import { defineElements } from '../src/elements/index'
import { mount, offer, overlay, setup, shadow, stubWaymark } from './elements-stub'

const TAGS = ['waymark-greeting', 'waymark-order-status', 'waymark-slot', 'waymark-overlay']

describe('defineElements', () => {
  // First in the file: the elements are not registered yet, so this is the upgrade path.
  it('upgrades and renders elements that were in the page before it was called, once', () => {
    const el = mount('waymark-greeting', { 'first-visit-text': 'Hi' })
    const status = mount('waymark-order-status', { 'order-id': 'A-1' })
    const wm = setup()
    expect(shadow(el).textContent).toBe('Hi')
    expect(wm.order).toHaveBeenCalledTimes(1)
    expect(wm.watchOrder).toHaveBeenCalledTimes(1)
    expect(shadow(status).querySelector('[part="status"]')!.textContent).toBe('Loading the order…')
  })

  it('registers the elements once; a second call does not throw', () => {
    const wm = stubWaymark()
    expect(() => defineElements(wm)).not.toThrow()
    expect(() => defineElements(wm)).not.toThrow()
    for (const tag of TAGS) expect(customElements.get(tag)).toBeTypeOf('function')
  })

  it('rebinds existing and new elements, and the offers, to a later instance', () => {
    const first = setup({ returning: true, traits: { firstName: 'Anna' } })
    const el = mount('waymark-greeting')
    expect(shadow(el).textContent).toBe('Welcome back, Anna!')
    const second = setup({ returning: true, traits: { firstName: 'Bob' } })
    expect(shadow(el).textContent).toBe('Welcome back, Bob!')
    expect(shadow(mount('waymark-greeting')).textContent).toBe('Welcome back, Bob!')
    first.state.traits.firstName = 'Zed'
    first.emit('event', { type: 'identify' } as never)
    expect(shadow(el).textContent).toBe('Welcome back, Bob!')
    first.emit('offer', offer({ kind: 'banner', title: 'from the first' }))
    expect(document.querySelector('waymark-overlay')).toBeNull()
    second.emit('offer', offer({ kind: 'banner', title: 'from the second' }))
    expect(overlay().textContent).toContain('from the second')
  })
})
