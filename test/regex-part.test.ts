/**
 * The `$regex` matcher as an instance loads it (a part in the npm build): only for a playbook
 * that has a regex, and before that playbook decides anything; a stored copy's start waits
 * for it, so `ready` means its regexes match. (One load per page: the tests run in order.)
 */
import { describe, expect, it, vi } from 'vitest'
import { hasRegex } from '../src/rules/condition'
import { validMark, sourceKey } from '../src/playbook/cached'
import { deferSync } from '../src/playbook/deferred-sync'
import type { SyncDeps } from '../src/playbook/sync'
import type { Offer, Playbook } from '../src/types'
import { make } from './helpers'

const search: Playbook = {
  rules: [{ id: 'search-help', on: ['searched'], if: { 'event.q': { $regexi: '^(return|refund)' } }, offer: { kind: 'headless', title: 'Returns are free' } }],
}
const plain: Playbook = { rules: [{ id: 'cart', on: ['cart_viewed'], if: { 'event.total': { $gte: 40 } }, offer: { kind: 'headless', title: 'About "$regex": it is only text here' } }] }

describe('the $regex matcher in an instance', () => {
  it('is not loaded for a playbook without a regex', async () => {
    const wm = make({ playbook: plain })
    const offers: Offer[] = []
    wm.on('offer', (o) => offers.push(o))
    await wm.ready
    wm.track('cart_viewed', { total: 45 })
    expect(offers).toHaveLength(1)
    expect(hasRegex()).toBe(false)
  })

  it('is loaded before a playbook with one decides: its first event after ready matches', async () => {
    const wm = make({ playbook: search })
    const offers: Offer[] = []
    wm.on('offer', (o) => offers.push(o))
    await wm.ready
    wm.track('searched', { q: 'Refund for order 12' })
    wm.track('searched', { q: 'shoes' })
    expect(offers.map((o) => o.rule)).toEqual(['search-help'])
    expect(wm.errors).toEqual([])
    expect(hasRegex()).toBe(true)
  })

  it('a stored copy put in force at start: the start waits for the playbook to be in force', async () => {
    const text = JSON.stringify(search)
    const stored = { src: sourceKey('/playbook.json'), text, at: Date.now(), mark: validMark(text) }
    let done!: () => void
    const applying = new Promise<void>((r) => (done = r))
    const d = {
      source: '/playbook.json', refreshSeconds: 300, lock: 'l', read: async () => undefined, write: async () => {}, post: () => {},
      apply: vi.fn(() => applying), fail: vi.fn(), log: () => {},
    } satisfies SyncDeps
    const sync = deferSync(() => new Promise(() => {}), d)
    let started = false
    void sync.start(stored).then(() => (started = true))
    await new Promise((r) => setTimeout(r, 10))
    expect(d.apply).toHaveBeenCalledWith(search, 'cache')
    expect(started).toBe(false) // `ready` waits
    done()
    await new Promise((r) => setTimeout(r, 0))
    expect(started).toBe(true)
    sync.stop()
  })
})
