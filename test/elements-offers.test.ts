import { describe, expect, it, vi } from 'vitest'
import { mount, offer, overlay, settle, setup, shadow } from './elements-stub'

const q = (root: ShadowRoot, part: string) => root.querySelector<HTMLElement>(`[part~="${part}"]`)
const key = (key: string, shiftKey = false) => {
  const target = (document.activeElement?.shadowRoot?.activeElement || document.activeElement || document.body) as HTMLElement
  target.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, composed: true, cancelable: true }))
}
const focused = () => overlay().activeElement

describe('overlay offers', () => {
  it('shows a banner at the top by default and at the bottom when placed there', () => {
    const wm = setup()
    wm.emit('offer', offer({ kind: 'banner', title: 'Free shipping', body: 'From €50' }))
    const banner = q(overlay(), 'banner')!
    expect(banner.classList.contains('top')).toBe(true)
    expect(banner.getAttribute('role')).toBe('region')
    expect(overlay().getElementById(banner.getAttribute('aria-labelledby')!)!.textContent).toBe('Free shipping')
    expect(q(banner.getRootNode() as ShadowRoot, 'title')!.textContent).toBe('Free shipping')
    expect(q(overlay(), 'body')!.textContent).toBe('From €50')
    expect(document.body.lastElementChild!.localName).toBe('waymark-overlay')
    wm.emit('offer', offer({ kind: 'banner', title: 'Below', placement: 'bottom' }))
    expect(q(overlay(), 'banner')!.classList.contains('bottom')).toBe(true)
  })

  it('shows overlays in the <waymark-overlay> the page placed (in-flow: a top banner pushes the page down)', () => {
    const wm = setup()
    const header = mount('header')
    const host = mount('waymark-overlay', { 'in-flow': '' })
    const main = mount('main')
    wm.emit('offer', offer({ kind: 'banner', title: 'Free shipping' }))
    expect(document.querySelectorAll('waymark-overlay')).toHaveLength(1)
    expect(q(shadow(host), 'banner')!.classList.contains('top')).toBe(true)
    expect([header.nextElementSibling, main.previousElementSibling]).toEqual([host, host]) // where the page put it
    wm.emit('offer', offer({ kind: 'toast', title: 'Then a toast' })) // every kind goes there; only a top banner flows
    expect(q(shadow(host), 'toast')).not.toBeNull()
    expect(q(shadow(host), 'banner')).toBeNull()
    // The page took its host away (a re-render): the next overlay gets one at the end of <body>.
    host.remove()
    wm.emit('offer', offer({ kind: 'banner', title: 'Again' }))
    expect(document.body.lastElementChild!.localName).toBe('waymark-overlay')
    expect(document.body.lastElementChild).not.toBe(host)
    expect(q(overlay(), 'banner')).not.toBeNull()
  })

  it('waits for the document to be parsed before showing an overlay, so a host further down is found', () => {
    const wm = setup()
    const state = vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading')
    wm.emit('offer', offer({ kind: 'banner', title: 'Early' }))
    expect(document.querySelector('waymark-overlay')).toBeNull()
    const host = mount('waymark-overlay', { 'in-flow': '' }) // parsed after the offer fired
    mount('main')
    state.mockReturnValue('interactive')
    document.dispatchEvent(new Event('DOMContentLoaded'))
    expect(document.querySelectorAll('waymark-overlay')).toHaveLength(1)
    expect(q(shadow(host), 'title')!.textContent).toBe('Early')
  })

  it('labels an overlay by its body when it has no title', () => {
    const wm = setup()
    wm.emit('offer', offer({ kind: 'toast', body: 'Only a body' }))
    const toast = q(overlay(), 'toast')!
    expect(toast.getAttribute('aria-labelledby')).toBe('body')
    wm.emit('offer', offer({ kind: 'banner' }))
    expect(q(overlay(), 'banner')!.hasAttribute('aria-labelledby')).toBe(false)
  })

  it('shows a toast as a status that stays until it is closed', () => {
    vi.useFakeTimers()
    const wm = setup()
    const o = offer({ kind: 'toast', title: 'Welcome back' })
    wm.emit('offer', o)
    const toast = q(overlay(), 'toast')!
    expect(toast.getAttribute('role')).toBe('status')
    vi.advanceTimersByTime(10 * 60_000)
    expect(toast.isConnected).toBe(true)
    q(overlay(), 'close')!.click()
    expect(o.dismiss).toHaveBeenCalledTimes(1)
    expect(toast.isConnected).toBe(false)
  })

  it('opens a modal dialog labelled by its title, with focus inside and a backdrop', () => {
    const wm = setup()
    wm.emit('offer', offer({ kind: 'modal', title: 'A gift', body: 'Take it', code: 'GIFT', cta: { label: 'Shop', href: '/shop' } }))
    const dialog = q(overlay(), 'modal')!
    expect(dialog.getAttribute('role')).toBe('dialog')
    expect(dialog.getAttribute('aria-modal')).toBe('true')
    expect(overlay().getElementById(dialog.getAttribute('aria-labelledby')!)!.textContent).toBe('A gift')
    expect(dialog.parentElement!.getAttribute('part')).toBe('backdrop')
    expect(focused()).toBe(q(overlay(), 'close'))
  })

  it('traps Tab and Shift+Tab inside the modal', () => {
    const wm = setup()
    wm.emit('offer', offer({ kind: 'modal', title: 'A gift', code: 'GIFT', cta: { label: 'Shop', href: '/shop' } }))
    const [close, copy, cta] = ['close', 'copy', 'cta'].map((p) => q(overlay(), p)!)
    cta.focus()
    key('Tab')
    expect(focused()).toBe(close)
    key('Tab', true)
    expect(focused()).toBe(cta)
    copy.focus()
    key('Tab') // not at an edge: the browser moves focus itself
    expect(focused()).toBe(copy)
    const outside = mount('button')
    outside.focus()
    expect(focused()).toBe(close) // focus that escaped is brought back
  })

  it('closes the modal on Escape, dismissing it and giving focus back', () => {
    const wm = setup()
    const opener = mount('button')
    opener.focus()
    const o = offer({ kind: 'modal', title: 'A gift' })
    wm.emit('offer', o)
    expect(document.activeElement).not.toBe(opener)
    key('Escape')
    expect(o.dismiss).toHaveBeenCalledTimes(1)
    expect(q(overlay(), 'modal')).toBeNull()
    expect(document.activeElement).toBe(opener)
    key('Escape')
    expect(o.dismiss).toHaveBeenCalledTimes(1)
  })

  it('closes the modal with its close button and with a click on the backdrop', () => {
    const wm = setup()
    const a = offer({ kind: 'modal', title: 'A' })
    wm.emit('offer', a)
    q(overlay(), 'close')!.click()
    expect(a.dismiss).toHaveBeenCalledTimes(1)
    expect(q(overlay(), 'modal')).toBeNull()
    const b = offer({ kind: 'modal', title: 'B' })
    wm.emit('offer', b)
    q(overlay(), 'title')!.click()
    expect(b.dismiss).not.toHaveBeenCalled()
    q(overlay(), 'backdrop')!.click()
    expect(b.dismiss).toHaveBeenCalledTimes(1)
    expect(q(overlay(), 'backdrop')).toBeNull()
  })

  it('keeps one overlay at a time: a new one dismisses the one on screen', () => {
    const wm = setup()
    const opener = mount('button')
    opener.focus()
    const first = offer({ kind: 'modal', title: 'First' })
    wm.emit('offer', first)
    const second = offer({ kind: 'toast', title: 'Second' })
    wm.emit('offer', second)
    expect(first.dismiss).toHaveBeenCalledTimes(1)
    expect(overlay().querySelectorAll('.offer')).toHaveLength(1)
    expect(q(overlay(), 'title')!.textContent).toBe('Second')
    expect(document.activeElement).toBe(opener)
    expect(document.querySelectorAll('waymark-overlay')).toHaveLength(1)
  })

  it('calls click() when the call to action is clicked, leaving the link to navigate', () => {
    const wm = setup()
    const o = offer({ kind: 'banner', title: 'Sale', cta: { label: 'Shop now', href: 'https://shop.example/sale' } })
    wm.emit('offer', o)
    const cta = q(overlay(), 'cta') as HTMLAnchorElement
    expect(cta.tagName).toBe('A')
    expect(cta.href).toBe('https://shop.example/sale')
    expect(cta.rel).toBe('noopener noreferrer')
    let prevented: boolean | undefined
    // Seen after the SDK's handler; then cancelled, as jsdom cannot navigate.
    document.addEventListener('click', (e) => ((prevented = e.defaultPrevented), e.preventDefault()), { once: true })
    cta.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }))
    expect(o.click).toHaveBeenCalledTimes(1)
    expect(prevented).toBe(false)
    expect(q(overlay(), 'banner')).toBeNull()
  })

  it('renders a call to action with an unsafe or missing href as a button, not a link', () => {
    const wm = setup()
    for (const href of ['javascript:alert(1)', 'data:text/html,<b>x</b>', undefined]) {
      const o = offer({ kind: 'toast', title: 'x', cta: { label: 'Go', href } })
      wm.emit('offer', o)
      expect(overlay().querySelector('a')).toBeNull()
      const cta = q(overlay(), 'cta')!
      expect(cta.tagName).toBe('BUTTON')
      cta.click()
      expect(o.click).toHaveBeenCalledTimes(1)
    }
  })

  it('copies the promo code with the copy button', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    vi.stubGlobal('navigator', { ...navigator, clipboard: { writeText } })
    const wm = setup({ locale: 'ru' })
    wm.emit('offer', offer({ kind: 'toast', title: 'Код', code: 'SHIP50' }))
    expect(q(overlay(), 'code')!.textContent).toBe('SHIP50')
    const copy = q(overlay(), 'copy')!
    expect(copy.textContent).toBe('Скопировать код')
    copy.click()
    await settle()
    expect(writeText).toHaveBeenCalledWith('SHIP50')
    expect(copy.textContent).toBe('Скопировано')
  })

  it('selects the code for the visitor when the clipboard is unavailable', async () => {
    vi.stubGlobal('navigator', { ...navigator, clipboard: undefined })
    const wm = setup()
    wm.emit('offer', offer({ kind: 'banner', code: 'SHIP50' }))
    // jsdom keeps no selection inside a shadow root (browsers do): the range asked for is what counts.
    const addRange = vi.spyOn(Selection.prototype, 'addRange')
    q(overlay(), 'copy')!.click()
    await settle()
    expect(addRange).toHaveBeenCalledTimes(1)
    expect(addRange.mock.calls[0][0].toString()).toBe('SHIP50')
    expect(q(overlay(), 'copy')!.textContent).toBe('Copy code')
  })

  it('sets every offer text as text', () => {
    const wm = setup()
    const evil = '<img src=x onerror=alert(1)>'
    wm.emit('offer', offer({ kind: 'modal', title: evil, body: evil, code: evil, cta: { label: evil } }))
    expect(overlay().querySelector('img')).toBeNull()
    expect(q(overlay(), 'title')!.textContent).toBe(evil)
    expect(q(overlay(), 'body')!.textContent).toBe(evil)
    expect(q(overlay(), 'code')!.textContent).toBe(evil)
    expect(q(overlay(), 'cta')!.textContent).toBe(evil)
  })

  it('labels the close button in the visitor’s language, or as the playbook says', () => {
    setup({ locale: 'ru' }).emit('offer', offer({ kind: 'banner', title: 'x' }))
    expect(q(overlay(), 'close')!.getAttribute('aria-label')).toBe('Закрыть')
    setup({ texts: { 'offer.close': 'Dismiss' } }).emit('offer', offer({ kind: 'banner', title: 'x' }))
    expect(q(overlay(), 'close')!.getAttribute('aria-label')).toBe('Dismiss')
  })

  it('ignores headless offers', () => {
    const wm = setup()
    mount('waymark-slot', { name: 'pdp' })
    wm.emit('offer', offer({ kind: 'headless', title: 'For the page', placement: 'pdp' }))
    expect(document.querySelector('waymark-overlay')).toBeNull()
    expect(shadow(document.querySelector('waymark-slot')!).querySelector('.offer')).toBeNull()
  })
})

describe('<waymark-slot>', () => {
  it('shows an inline offer in the slot named by its placement', () => {
    const wm = setup()
    const cart = mount('waymark-slot', { name: 'cart' })
    const other = mount('waymark-slot', { name: 'footer' })
    wm.emit('offer', offer({ kind: 'inline', placement: 'cart', title: 'Add socks', cta: { label: 'Add', href: '/socks' } }))
    expect(q(shadow(cart), 'inline')!.textContent).toContain('Add socks')
    expect(shadow(other).querySelector('.offer')).toBeNull()
    expect(document.querySelector('waymark-overlay')).toBeNull()
  })

  it('shows an inline offer that fired before its slot was connected, the latest one per placement', () => {
    const wm = setup()
    wm.emit('offer', offer({ kind: 'inline', placement: 'later', title: 'Old' }))
    wm.emit('offer', offer({ kind: 'inline', placement: 'later', title: 'New' }))
    const slot = mount('waymark-slot', { name: 'later' })
    expect(q(shadow(slot), 'title')!.textContent).toBe('New')
    expect(shadow(slot).querySelectorAll('.offer')).toHaveLength(1)
  })

  it('removes a closed inline offer for good, and follows a renamed slot', () => {
    const wm = setup()
    const o = offer({ kind: 'inline', placement: 'pdp', title: 'Bundle' })
    wm.emit('offer', o)
    const slot = mount('waymark-slot', { name: 'pdp' })
    q(shadow(slot), 'close')!.click()
    expect(o.dismiss).toHaveBeenCalledTimes(1)
    expect(shadow(slot).querySelector('.offer')).toBeNull()
    expect(shadow(mount('waymark-slot', { name: 'pdp' })).querySelector('.offer')).toBeNull()

    wm.emit('offer', offer({ kind: 'inline', placement: 'cart', title: 'Socks' }))
    slot.setAttribute('name', 'cart')
    expect(q(shadow(slot), 'title')!.textContent).toBe('Socks')
  })

  it('calls click() from an inline call to action', () => {
    const wm = setup()
    const slot = mount('waymark-slot', { name: 'pdp' })
    const o = offer({ kind: 'inline', placement: 'pdp', cta: { label: 'Add' } })
    wm.emit('offer', o)
    q(shadow(slot), 'cta')!.click()
    expect(o.click).toHaveBeenCalledTimes(1)
    expect(shadow(slot).querySelector('.offer')).toBeNull()
  })
})

describe('a logout takes the previous user’s offers down (issue 14, item 2)', () => {
  it('removes the overlay and inline offers on a "reset" profile change, recording nothing', () => {
    const wm = setup()
    const banner = offer({ kind: 'banner', title: 'Anna, shipping is free from €50' })
    const inline = offer({ kind: 'inline', title: 'Anna, your picks', placement: 'cart' })
    const slot = mount('waymark-slot', { name: 'cart' })
    wm.emit('offer', banner)
    wm.emit('offer', inline)
    expect(q(overlay(), 'banner')).not.toBeNull()
    expect(shadow(slot).querySelector('.offer')).not.toBeNull()
    wm.emit('profile', { profile: {} as never, reason: 'identify' })
    expect(q(overlay(), 'banner')).not.toBeNull() // a name added is no logout
    wm.emit('profile', { profile: {} as never, reason: 'reset' })
    expect(q(overlay(), 'banner')).toBeNull()
    expect(shadow(slot).querySelector('.offer')).toBeNull()
    for (const o of [banner, inline]) expect([o.click, o.dismiss].map((f) => f.mock.calls.length)).toEqual([0, 0])
    const next = offer({ kind: 'toast', title: 'Welcome' }) // the new visitor's offers show as before
    wm.emit('offer', next)
    expect(q(overlay(), 'toast')).not.toBeNull()
  })
})
