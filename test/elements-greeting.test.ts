import { describe, expect, it } from 'vitest'
import { defineElements } from '../src/elements/index'
import { mount, settle, setup, shadow, stubWaymark } from './elements-stub'

const line = (el: Element) => shadow(el).querySelector('[part="greeting"]') as HTMLElement

describe('<waymark-greeting>', () => {
  it('shows nothing on a first visit', () => {
    setup()
    const el = mount('waymark-greeting')
    expect(line(el).textContent).toBe('')
    expect(line(el).hidden).toBe(true)
  })

  it('shows first-visit-text on a first visit when it is set, and follows the attribute', () => {
    setup()
    const el = mount('waymark-greeting', { 'first-visit-text': 'Hello, nice to meet you' })
    expect(line(el).textContent).toBe('Hello, nice to meet you')
    expect(line(el).hidden).toBe(false)
    el.setAttribute('first-visit-text', 'Welcome!')
    expect(line(el).textContent).toBe('Welcome!')
  })

  it('greets a returning visitor by name in English and in Russian', () => {
    setup({ returning: true, traits: { firstName: 'Anna' } })
    expect(line(mount('waymark-greeting', { 'first-visit-text': 'ignored' })).textContent).toBe('Welcome back, Anna!')
    setup({ locale: 'ru-RU', returning: true, traits: { firstName: 'Анна' } })
    expect(line(mount('waymark-greeting')).textContent).toBe('С возвращением, Анна!')
  })

  it('updates when the profile changes (identify, or a logout here or in another tab) and on a new visit', () => {
    const wm = setup({ returning: true })
    const el = mount('waymark-greeting')
    expect(line(el).textContent).toBe('Welcome back!')
    wm.state.traits.firstName = 'Анна'
    wm.emit('profile', { profile: {} as never, reason: 'identify' })
    expect(line(el).textContent).toBe('Welcome back, Анна!')
    wm.state.returning = false
    wm.emit('profile', { profile: {} as never, reason: 'reset' }) // issue 14, item 2: another tab's logout
    expect(line(el).textContent).toBe('')
    wm.state.returning = true
    wm.emit('event', { type: 'session' } as never)
    expect(line(el).textContent).toBe('Welcome back, Анна!')
  })

  it('renders again when a new playbook arrives', () => {
    const wm = setup({ returning: true, traits: { firstName: 'Anna' } })
    const el = mount('waymark-greeting')
    wm.state.traits.firstName = 'Bob'
    wm.emit('playbook', { version: '2', from: 'network' })
    expect(line(el).textContent).toBe('Welcome back, Bob!')
  })

  it('renders again once the stored state is loaded (ready)', async () => {
    const wm = stubWaymark()
    let loaded = () => {}
    wm.ready = new Promise<void>((r) => (loaded = r))
    defineElements(wm)
    const el = mount('waymark-greeting')
    expect(line(el).textContent).toBe('')
    Object.assign(wm.state, { returning: true, traits: { firstName: 'Anna' } })
    loaded()
    await settle()
    expect(line(el).textContent).toBe('Welcome back, Anna!')
  })

  it('shows a hostile name as literal text, creating no element', () => {
    setup({ returning: true, traits: { firstName: '<img src=x onerror=alert(1)>' } })
    const el = mount('waymark-greeting')
    expect(line(el).textContent).toBe('Welcome back, <img src=x onerror=alert(1)>!')
    expect(shadow(el).querySelector('img')).toBeNull()
    expect(document.querySelector('img')).toBeNull()
  })

  it('stops listening once removed from the page', () => {
    const wm = setup({ returning: true, traits: { firstName: 'Anna' } })
    const el = mount('waymark-greeting')
    el.remove()
    wm.state.traits.firstName = 'Bob'
    wm.emit('event', { type: 'identify' } as never)
    expect(line(el).textContent).toBe('Welcome back, Anna!')
  })
})
