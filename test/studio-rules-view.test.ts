import { describe, expect, it } from 'vitest'
import { rulesView } from '../src/studio/rules-view'
import { createStore } from '../src/studio/state'

// The studio's rule switches in jsdom: what a switch writes into the document.
const storeFor = (doc: unknown) => {
  const text = JSON.stringify(doc, null, 2) + '\n'
  const store = createStore({ file: 'playbook.json', text, hash: 'h', signing: false })
  store.doc = JSON.parse(text)
  return store
}
const toggle = (view: HTMLElement, id: string) =>
  [...view.querySelectorAll<HTMLButtonElement>('[role="switch"]')].find((b) => b.getAttribute('aria-label')!.includes(id))!.click()
const offer = { kind: 'toast', title: 'Hi' }

describe('studio: a rule switch', () => {
  it('turned off and on again leaves a rule without "enabled" as it was: no diff', () => {
    const store = storeFor({ rules: [{ id: 'welcome', on: ['page'], offer }] })
    const view = rulesView(store)
    toggle(view, 'welcome')
    expect(store.doc.rules[0].enabled).toBe(false)
    toggle(view, 'welcome')
    expect('enabled' in store.doc.rules[0]).toBe(false)
    expect(store.format(store.doc)).toBe(store.disk.text)
  })

  it('keeps "enabled" spelled out where the file has it', () => {
    const store = storeFor({ rules: [{ id: 'a', enabled: true, on: ['page'], offer }, { id: 'b', enabled: false, on: ['page'], offer }] })
    const view = rulesView(store)
    toggle(view, 'a')
    toggle(view, 'a')
    expect(store.doc.rules[0].enabled).toBe(true)
    toggle(view, 'b')
    expect(store.doc.rules[1].enabled).toBe(true)
    expect(view.querySelector('[role="switch"][aria-label*="b"]')?.getAttribute('aria-checked')).toBe('true')
  })
})
