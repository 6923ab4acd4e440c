import './helpers'
import { describe, expect, it } from 'vitest'
import { startFromScriptTag } from '../src/snippet'
import { defineElements } from '../src/elements/index'
import type { Waymark } from '../src/types'

describe('script tag and elements', () => {
  it('registers the elements for the live instance, with the stylesheet next to the script', async () => {
    const script = document.createElement('script')
    script.src = 'https://cdn.example/waymark/1.0/waymark.iife.js'
    script.setAttribute('data-namespace', 'elements-tag')
    script.setAttribute('data-auto-page', 'false')
    const live = startFromScriptTag({} as Window, script, { defineElements }) as unknown as Waymark
    expect(customElements.get('waymark-order-status')).toBeTypeOf('function')
    const el = document.createElement('waymark-greeting')
    el.setAttribute('first-visit-text', 'Hello')
    document.body.append(el)
    expect(el.shadowRoot!.textContent).toBe('Hello')
    expect(el.shadowRoot!.querySelector('link')!.getAttribute('href')).toBe('https://cdn.example/waymark/1.0/waymark.css')
    await live.ready
    live.destroy()
    el.remove()
  })
})
