import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Playbook } from '../src/types'

// What the sync does, in order, and where it lets the page run a task in between ('task').
const steps: string[] = []

vi.mock('../src/next-task', () => ({ nextTask: vi.fn(async () => void steps.push('task')) }))
vi.mock('../src/playbook/validate', async (original) => {
  const real = await original<typeof import('../src/playbook/validate')>()
  return { ...real, validatePlaybook: (doc: unknown) => (steps.push('validate'), real.validatePlaybook(doc)) }
})

const { createSync } = await import('../src/playbook/sync')
const { nextTask } = await import('../src/next-task')

const PLAYBOOK: Playbook = { version: '2026-12-02.1', rules: [{ id: 'hello', on: ['page'], offer: { kind: 'headless' } }] }

const started = (source: (() => Promise<Playbook>) | Playbook) => {
  const sync = createSync({
    source, refreshSeconds: 300, lock: 'sync-tasks', read: async () => undefined,
    write: async () => void steps.push('store'), post: () => void steps.push('post'),
    apply: (p, from) => void steps.push(`apply ${p.version} ${from}`), fail: (m) => void steps.push(`fail ${m}`), log: () => {},
  })
  void sync.start(undefined)
  return sync
}

afterEach(() => {
  steps.length = 0
  vi.restoreAllMocks()
})

describe('a fetched playbook is validated and applied in separate tasks (issue 17: no long task)', () => {
  it('lets the page run a task between validating and applying, and another before sharing and storing it', async () => {
    const sync = started(async () => PLAYBOOK)
    await vi.waitFor(() => expect(steps).toContain('store'))
    expect(steps).toEqual(['validate', 'task', 'apply 2026-12-02.1 network', 'task', 'post', 'store'])
    sync.stop()
  })

  it('stores what it applied when stopped before the task that stores it', async () => {
    let stop = (): void => {}
    vi.mocked(nextTask).mockImplementationOnce(async () => void steps.push('task'))
    vi.mocked(nextTask).mockImplementationOnce(async () => void (steps.push('task'), stop()))
    const sync = started(async () => PLAYBOOK)
    stop = () => sync.stop()
    await vi.waitFor(() => expect(steps).toContain('store'))
    expect(steps).toEqual(['validate', 'task', 'apply 2026-12-02.1 network', 'task', 'post', 'store'])
  })

  it('shares and stores an unchanged copy (not modified) in the task that heard it: nothing was applied', async () => {
    const sync = started(async () => PLAYBOOK)
    await vi.waitFor(() => expect(steps).toContain('store'))
    steps.length = 0
    await sync.refresh()
    expect(steps).toEqual(['post', 'store'])
    sync.stop()
  })

  it('applies and stores nothing when stopped while that task ran', async () => {
    let stop = (): void => {}
    vi.mocked(nextTask).mockImplementationOnce(async () => void (steps.push('task'), stop()))
    const sync = started(async () => PLAYBOOK)
    stop = () => sync.stop()
    await vi.waitFor(() => expect(steps).toContain('task'))
    await new Promise((r) => setTimeout(r, 20))
    expect(steps).toEqual(['validate', 'task'])
  })

  it('validates a large playbook in slices, taking a turn whenever one has run past 10 ms', async () => {
    let now = 0
    vi.spyOn(performance, 'now').mockImplementation(() => (now += 6)) // each look at the clock: 6 ms on
    const rules = Array.from({ length: 40 }, (_, i) => ({ ...PLAYBOOK.rules[0], id: `r${i}` }))
    const sync = started(async () => ({ ...PLAYBOOK, rules }))
    await vi.waitFor(() => expect(steps).toContain('store'))
    // The document without its rules, then four slices of ten, a turn after each 12 ms.
    expect(steps).toEqual(['validate', 'validate', 'task', 'validate', 'validate', 'task', 'validate', 'task', 'apply 2026-12-02.1 network', 'task', 'post', 'store'])
    sync.stop()
  })

  it('refuses an invalid copy in the task that validated it', async () => {
    const sync = started(async () => ({ rules: 'none' }) as unknown as Playbook)
    await vi.waitFor(() => expect(steps.some((s) => s.startsWith('fail'))).toBe(true))
    expect(steps.slice(0, 1)).toEqual(['validate'])
    expect(steps).not.toContain('task')
    sync.stop()
  })

  it("checks and applies an inline playbook, the page's own object, in one go: no page code runs in between", async () => {
    const sync = started({ ...PLAYBOOK, rules: Array.from({ length: 40 }, (_, i) => ({ ...PLAYBOOK.rules[0], id: `r${i}` })) })
    await vi.waitFor(() => expect(steps.some((s) => s.startsWith('apply'))).toBe(true))
    expect(steps).toEqual(['validate', 'apply 2026-12-02.1 inline'])
    sync.stop()
  })
})
