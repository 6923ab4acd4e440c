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

const started = (source: () => Promise<Playbook>) => {
  const sync = createSync({
    source, refreshSeconds: 300, lock: 'sync-tasks', read: async () => undefined,
    write: async () => void steps.push('store'), post: () => void steps.push('post'),
    apply: (p, from) => void steps.push(`apply ${p.version} ${from}`), fail: (m) => void steps.push(`fail ${m}`), log: () => {},
  })
  void sync.start(undefined)
  return sync
}

afterEach(() => void (steps.length = 0))

describe('a fetched playbook is validated and applied in separate tasks (issue 17: no long task)', () => {
  it('lets the page run a task between validating and applying, and stores it in the task that applied it', async () => {
    const sync = started(async () => PLAYBOOK)
    await vi.waitFor(() => expect(steps).toContain('store'))
    expect(steps).toEqual(['validate', 'task', 'apply 2026-12-02.1 network', 'post', 'store'])
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

  it('refuses an invalid copy in the task that validated it', async () => {
    const sync = started(async () => ({ rules: 'none' }) as unknown as Playbook)
    await vi.waitFor(() => expect(steps.some((s) => s.startsWith('fail'))).toBe(true))
    expect(steps.slice(0, 1)).toEqual(['validate'])
    expect(steps).not.toContain('task')
    sync.stop()
  })
})
