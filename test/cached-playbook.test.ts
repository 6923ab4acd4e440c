import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { cachedPlaybook, sourceKey, validMark } from '../src/playbook/cached'
import { deferSync } from '../src/playbook/deferred-sync'
import type { CacheRecord } from '../src/playbook/fetch'
import { createSync, type Sync, type SyncDeps } from '../src/playbook/sync'
import type { Playbook } from '../src/types'

const URL_SOURCE = '/playbook.json'
const PLAYBOOK: Playbook = { version: '2026-11-30.1', rules: [] }
const record = (doc: unknown, over: Partial<CacheRecord> = {}): CacheRecord => {
  const text = JSON.stringify(doc)
  return { src: sourceKey(URL_SOURCE), text, at: Date.now(), mark: validMark(text), ...over }
}

describe('cachedPlaybook: the stored copy put in force without the sync', () => {
  it('takes a marked copy of the same source', () => {
    expect(cachedPlaybook(record(PLAYBOOK), URL_SOURCE)).toEqual(PLAYBOOK)
    expect(cachedPlaybook(record(PLAYBOOK, { src: 'function' }), async () => PLAYBOOK)).toEqual(PLAYBOOK)
  })

  it.each([
    ['no copy', undefined, URL_SOURCE, undefined],
    ['another source', record(PLAYBOOK, { src: 'https://elsewhere.test/p.json' }), URL_SOURCE, undefined],
    ['no mark', record(PLAYBOOK, { mark: undefined }), URL_SOURCE, undefined],
    ['a mark of another text', record(PLAYBOOK, { mark: validMark('{}') }), URL_SOURCE, undefined],
    ['a mark of a text of the same length', record({ ...PLAYBOOK, version: '2026-11-30.2' }, { mark: validMark(JSON.stringify(PLAYBOOK)) }), URL_SOURCE, undefined],
    ['a mark that is not a string', record(PLAYBOOK, { mark: 1 as unknown as string }), URL_SOURCE, undefined],
    ['a mark of another validator version', record(PLAYBOOK, { mark: validMark(JSON.stringify(PLAYBOOK)).replace(/^\d+/, '0') }), URL_SOURCE, undefined],
    ['a public key (the signature is checked by the sync)', record(PLAYBOOK), URL_SOURCE, 'MFkw…'],
    ['expired', record({ ...PLAYBOOK, expires: '2020-01-01T00:00:00Z' }), URL_SOURCE, undefined],
    ['older than the floor', record(PLAYBOOK, { floor: '2026-12-01' }), URL_SOURCE, undefined],
    ['an inline source (validated by the sync)', record(PLAYBOOK, { src: 'inline' }), PLAYBOOK, undefined],
  ])('leaves %s to the sync', (_, stored, source, key) => {
    expect(cachedPlaybook(stored, source, key)).toBeUndefined()
  })

  it('unwraps an unsigned-checked envelope only when no key is set', () => {
    const envelope = { payload: JSON.stringify(PLAYBOOK), signature: 'x' }
    expect(cachedPlaybook(record(envelope), URL_SOURCE)).toEqual(PLAYBOOK)
    expect(cachedPlaybook(record({ payload: JSON.stringify({ rules: [] }), signature: 'x' }), URL_SOURCE)).toBeUndefined() // signed without a version
  })

  it('never throws on a marked text that is not JSON', () => {
    const text = '{not json'
    expect(cachedPlaybook({ src: sourceKey(URL_SOURCE), text, at: 1, mark: validMark(text) }, URL_SOURCE)).toBeUndefined()
  })
})

describe('deferSync with a usable stored copy', () => {
  const deps = (apply = vi.fn()): SyncDeps => ({
    source: URL_SOURCE, refreshSeconds: 300, lock: 'l', read: async () => undefined, write: async () => {}, post: () => {},
    apply, fail: vi.fn(), log: () => {},
  })

  it('puts it in force at once, before the sync code arrives, and hands it over as applied', async () => {
    const apply = vi.fn()
    const start = vi.fn<Sync['start']>(async () => {})
    let arrive!: () => void
    const load = () => new Promise<{ createSync(): Sync }>((r) => (arrive = () => r({ createSync: () => ({ start, refresh: async () => {}, receive: () => {}, stop: () => {} }) })))
    const stored = record(PLAYBOOK, { at: Date.now() - 31_000 }) // a check is due: the code loads now
    const sync = deferSync(load, deps(apply))
    await sync.start(stored) // resolves with the code still on its way
    expect(apply).toHaveBeenCalledExactlyOnceWith(PLAYBOOK, 'cache')
    expect(start).not.toHaveBeenCalled()
    arrive()
    await vi.waitFor(() => expect(start).toHaveBeenCalledExactlyOnceWith(stored, PLAYBOOK))
    expect(apply).toHaveBeenCalledTimes(1)
  })

  it('waits for the sync code for a copy it cannot take (no mark)', async () => {
    const apply = vi.fn()
    const start = vi.fn<Sync['start']>(async () => {})
    let arrive!: () => void
    const load = () => new Promise<{ createSync(): Sync }>((r) => (arrive = () => r({ createSync: () => ({ start, refresh: async () => {}, receive: () => {}, stop: () => {} }) })))
    const stored = record(PLAYBOOK, { mark: undefined })
    let done = false
    void deferSync(load, deps(apply)).start(stored).then(() => (done = true))
    await new Promise((r) => setTimeout(r))
    expect(done).toBe(false)
    arrive()
    await vi.waitFor(() => expect(done).toBe(true))
    expect(start).toHaveBeenCalledExactlyOnceWith(stored)
    expect(apply).not.toHaveBeenCalled()
  })
})

describe('deferSync with a copy checked just now: the sync code loads when a check can be due', () => {
  const setup = (refreshSeconds = 300, at = Date.now()) => {
    const calls: string[] = []
    const load = vi.fn(async () => ({
      createSync: (): Sync => ({
        start: async (stored, applied) => void calls.push(`start ${(stored as CacheRecord).at} ${applied?.version}`),
        refresh: async () => void calls.push('refresh'),
        receive: () => void calls.push('receive'),
        stop: () => void calls.push('stop'),
      }),
    }))
    const apply = vi.fn()
    const sync = deferSync(load, { source: URL_SOURCE, refreshSeconds, lock: 'l', read: async () => undefined, write: async () => {}, post: () => {}, apply, fail: vi.fn(), log: () => {} })
    return { sync, load, calls, apply, stored: record(PLAYBOOK, { at }) }
  }
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] }))
  afterEach(() => vi.useRealTimers())

  it('puts the copy in force at once, and loads the code only 30 s after its check, starting the sync with it', async () => {
    const { sync, load, calls, apply, stored } = setup()
    await vi.advanceTimersByTimeAsync(10_000) // 10 s into the page: no code yet
    await sync.start(stored)
    expect(apply).toHaveBeenCalledExactlyOnceWith(PLAYBOOK, 'cache')
    await vi.advanceTimersByTimeAsync(19_000)
    expect(load).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(load).toHaveBeenCalledOnce()
    expect(calls).toEqual([`start ${stored.at} ${PLAYBOOK.version}`])
  })

  it('waits refreshSeconds instead, when shorter', async () => {
    const { sync, load, stored } = setup(10)
    await sync.start(stored)
    await vi.advanceTimersByTimeAsync(9_999)
    expect(load).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(load).toHaveBeenCalledOnce()
  })

  it('loads at once for a copy checked "in the future" (a clock set back), as the sync checks it at once', async () => {
    const { sync, load, calls, stored } = setup(300, Date.now() + 86_400_000)
    await sync.start(stored)
    await vi.advanceTimersByTimeAsync(0)
    expect(load).toHaveBeenCalledOnce()
    expect(calls).toEqual([`start ${stored.at} ${PLAYBOOK.version}`])
  })

  it('refresh() and another tab\'s copy start the sync at once, before they run, and only once', async () => {
    const { sync, load, calls, stored } = setup()
    await sync.start(stored)
    await sync.refresh()
    sync.receive(stored)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(load).toHaveBeenCalledOnce()
    expect(calls).toEqual([`start ${stored.at} ${PLAYBOOK.version}`, 'refresh', 'receive'])
  })

  it('stopped before then, loads nothing', async () => {
    const { sync, load, stored } = setup()
    await sync.start(stored)
    sync.stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(load).not.toHaveBeenCalled()
  })
})

describe('the sync given a copy already in force', () => {
  it('takes it as the copy in force: the same rules fetched again (other whitespace) are not applied again', async () => {
    const apply = vi.fn()
    const fetched = JSON.stringify(PLAYBOOK, null, 2)
    vi.stubGlobal('fetch', vi.fn(async () => new Response(fetched, { status: 200, headers: { 'content-type': 'application/json' } })))
    try {
      const stored = record(PLAYBOOK, { at: Date.now() - 3_600_000 })
      const sync = createSync({
        source: URL_SOURCE, refreshSeconds: 300, lock: 'cached-test', read: async () => undefined, write: async () => {}, post: () => {},
        apply, fail: vi.fn(), log: () => {},
      })
      await sync.start(stored, PLAYBOOK)
      await sync.refresh()
      expect(fetch).toHaveBeenCalledTimes(1)
      expect(apply).not.toHaveBeenCalled()
      sync.stop()
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
