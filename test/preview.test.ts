import { describe, expect, it, vi } from 'vitest'
import { createPreview, DEBUG, DEBUG_TRIGGERS, type DebugData } from '../src/preview'
import { previewOffer } from '../src/preview-offer'
import { offerTexts } from '../src/texts'
import { buildContext } from '../src/context'
import type { Offer, Playbook, Rule, Waymark, WaymarkEvent } from '../src/types'
import { freshVisitor } from '../src/visitor'
import { createWaymark } from '../src/waymark'
import { optionsFromDataset } from '../src/snippet'
import { make, settle } from './helpers'

// A rule nothing would fire: off, listening to an event nobody sends, for nobody, not yet
// started, capped and rolled out to no one.
const hidden: Rule = {
  id: 'tasting-set',
  enabled: false,
  on: ['never_sent'],
  if: { 'user.id': 'nobody' },
  from: '2099-01-01T00:00:00Z',
  cap: { session: 1, total: 1 },
  rollout: 0,
  offer: { kind: 'modal', title: '{user.firstName|Friend}, taste before you choose', body: 'Three bags, on us.', cta: { label: 'Add the set', href: '/cart' }, code: 'TASTE3' },
}
const welcome: Rule = { id: 'welcome', on: ['go'], cap: { session: 1 }, offer: { kind: 'toast', title: 'Welcome' } }
const inline: Rule = { id: 'catalogue-welcome', on: ['page'], offer: { kind: 'inline', placement: 'catalogue-top', title: 'Hello' } }
const PLAYBOOK: Playbook = { version: 'p-1', rules: [hidden, welcome, inline] }

const at = (query: string): void => history.replaceState(null, '', `/catalog${query}`)
const debugOf = (wm: Waymark): DebugData | undefined => (wm as { [DEBUG]?: DebugData })[DEBUG]

/** An instance on a page opened with `query`, with what it emits, records and delivers. */
async function opened(query: string, options: Parameters<typeof make>[0] = {}) {
  at(query)
  const delivered: WaymarkEvent[] = []
  const wm = make({ playbook: PLAYBOOK, preview: true, collect: async (batch) => void delivered.push(...batch), ...options })
  const offers: Offer[] = []
  const events: WaymarkEvent[] = []
  wm.on('offer', (o) => offers.push(o))
  wm.on('event', (e) => events.push(e))
  wm.identify('u-1', { firstName: 'Anna' })
  await wm.ready
  await settle()
  return { wm, offers, events, delivered }
}

describe('preview links', () => {
  it('show the rule’s offer whatever its trigger, condition, schedule, cap, rollout or enabled, texts filled', async () => {
    const { wm, offers } = await opened('?waymark-preview=tasting-set')
    expect(offers).toEqual([
      expect.objectContaining({
        rule: 'tasting-set', kind: 'modal', preview: true, trigger: 'preview',
        title: 'Anna, taste before you choose', body: 'Three bags, on us.', cta: { label: 'Add the set', href: '/cart' }, code: 'TASTE3',
      }),
    ])
    expect(wm.explain('tasting-set')).toMatchObject({ fires: false, reason: 'disabled' }) // the engine still says no
    expect(wm.errors).toEqual([])
  })

  it('count, store and deliver nothing, and leave the caps as they were', async () => {
    const { wm, offers, events, delivered } = await opened('?waymark-preview=welcome')
    expect(offers).toHaveLength(1)
    offers[0].click()
    offers[0].dismiss()
    await wm.flush()
    expect(events.filter((e) => e.type === 'offer')).toEqual([])
    expect(delivered.filter((e) => e.type === 'offer')).toEqual([])
    expect(wm.journey().counts).not.toHaveProperty('offer_shown')
    // The session cap of 1 is untouched: the rule still fires once for real.
    expect(wm.explain('welcome')).toMatchObject({ fires: true })
    wm.track('go')
    wm.track('go')
    expect(offers.map((o) => [o.rule, !!o.preview])).toEqual([['welcome', true], ['welcome', false]])
    await wm.flush()
    expect(delivered.filter((e) => e.name === 'offer_shown').map((e) => e.props.rule)).toEqual(['welcome'])
  })

  it('take the rule from the fetched playbook when the stored copy lacks it, and show a changed offer again', async () => {
    at('')
    const first = make({ playbook: async () => ({ version: '1', rules: [welcome] }), preview: true })
    await first.ready
    await first.refresh()
    await settle()
    first.destroy()
    const fetched = vi.fn(async (): Promise<Playbook> => ({ version: '2', rules: [welcome, hidden] }))
    const { offers, wm } = await opened('?waymark-preview=tasting-set', { playbook: fetched })
    await vi.waitFor(() => expect(offers).toHaveLength(1))
    expect(offers[0]).toMatchObject({ rule: 'tasting-set', preview: true })
    expect(wm.errors).toEqual([])
    // A copy with other texts shows the offer again; the same one does not.
    fetched.mockResolvedValue({ version: '3', rules: [welcome, { ...hidden, offer: { ...hidden.offer, body: 'Four bags.' } }] })
    await wm.refresh()
    await wm.refresh()
    expect(offers.map((o) => o.body)).toEqual(['Three bags, on us.', 'Four bags.'])
  })

  it('report an unknown rule id once and show nothing', async () => {
    const { wm, offers } = await opened('?waymark-preview=no-such-rule')
    await wm.refresh()
    expect(offers).toEqual([])
    expect(wm.errors).toEqual(['waymark: preview: no rule "no-such-rule" in the playbook in force'])
  })

  it('are ignored, with the debug panel’s data, without `preview: true`', async () => {
    const { wm, offers } = await opened('?waymark-preview=tasting-set&waymark-debug', { preview: undefined })
    expect(offers).toEqual([])
    expect(wm.errors).toEqual([])
    expect(debugOf(wm)).toBeUndefined()
    expect(Object.getOwnPropertySymbols(wm)).toEqual([])
  })

  it('keep the URL as recorded: the parameters are not redacted away, and nothing else changes', async () => {
    const { events } = await opened('?waymark-preview=welcome&token=abc', { autoPage: true })
    const page = events.find((e) => e.name === 'page')!
    expect(page.props.url).toBe(`${location.origin}/catalog?waymark-preview=welcome&token=REDACTED`)
  })

  it('show a one-rule-many-languages offer in the visitor’s language', async () => {
    const rule = { id: 'hello', on: ['never_sent'], offer: { kind: 'toast', title: { en: 'Hello, {user.firstName|friend}', ru: 'Здравствуйте, {user.firstName|друг}' } } } as unknown as Rule
    const { offers, wm } = await opened('?waymark-preview=hello', { locale: 'ru-RU', playbook: { rules: [rule] } })
    expect(wm.errors).toEqual([])
    expect(offers).toEqual([expect.objectContaining({ rule: 'hello', title: 'Здравствуйте, Anna', preview: true })])
  })

  it('pick the visitor’s language from per-language texts', () => {
    const rule = { ...hidden, offer: { kind: 'toast', title: { en: 'Hello, {user.firstName|friend}', ru: 'Здравствуйте, {user.firstName|друг}' }, cta: { label: { en: 'Go', ru: 'Вперёд' } } } } as unknown as Rule
    const context = (locale: string) => buildContext(freshVisitor(Date.now()), {}, Date.now(), 'preview', { locale, redact: [], place: null })
    expect(previewOffer(rule, context('ru-RU'), 1, offerTexts)).toMatchObject({ title: 'Здравствуйте, друг', cta: { label: 'Вперёд' }, preview: true, at: 1 })
    expect(previewOffer(rule, context('en'), 1, offerTexts)).toMatchObject({ title: 'Hello, friend', cta: { label: 'Go' } })
  })
})

describe('the preview option', () => {
  it('is a boolean, false by default; a wrong type throws naming it; data-preview sets it', () => {
    expect(() => createWaymark({ preview: 'yes' as never })).toThrow('option "preview" must be a boolean')
    const tag = document.createElement('script')
    tag.setAttribute('data-preview', '')
    expect(optionsFromDataset(tag.dataset)).toEqual({ preview: true })
    tag.setAttribute('data-preview', 'false')
    expect(optionsFromDataset(tag.dataset)).toEqual({ preview: false })
  })
})

describe('the debug panel’s data', () => {
  it('holds the playbook in force, where it came from, its rules and the latest triggers', async () => {
    const { wm } = await opened('?waymark-debug')
    const data = debugOf(wm)!
    expect(data.playbook).toEqual({ version: 'p-1', from: 'inline' })
    expect(data.rules).toEqual(['tasting-set', 'welcome', 'catalogue-welcome'])
    expect(data.triggers.map((t) => t.name)).toEqual(['session_start', 'identify'])
    for (let i = 0; i < 12; i++) wm.track(`step_${i}`)
    expect(data.triggers).toHaveLength(DEBUG_TRIGGERS)
    expect(data.triggers.at(-1)).toEqual({ name: 'step_11', at: expect.any(Number) })
    expect(data.triggers[0].name).toBe('step_2')
  })
})

describe('the preview’s code (a part)', () => {
  const context = () => buildContext(freshVisitor(Date.now()), {}, Date.now(), 'preview', { locale: 'en', redact: [], place: null })
  const part = () => import('../src/preview-offer')

  it('loads only for a preview link: the panel alone, or neither parameter, loads nothing', async () => {
    const load = vi.fn(part)
    at('?waymark-debug')
    const panel = createPreview(context, () => {}, () => {}, load)!
    panel.use(PLAYBOOK, 'inline')
    await panel.start(async () => {})
    at('')
    expect(createPreview(context, () => {}, () => {}, load)).toBeUndefined()
    expect(load).not.toHaveBeenCalled()
  })

  it('shows the playbook put in force while it loads, once', async () => {
    let arrive!: () => void
    const arrived = new Promise<void>((r) => (arrive = r))
    const shown: Offer[] = []
    at('?waymark-preview=welcome')
    const preview = createPreview(context, (o) => shown.push(o), () => {}, () => arrived.then(part))!
    preview.use({ rules: [hidden] }, 'stored')
    const started = preview.start(async () => {})
    preview.use(PLAYBOOK, 'network') // the newer copy, before the part is there
    expect(shown).toEqual([])
    arrive()
    await started
    expect(shown).toEqual([expect.objectContaining({ rule: 'welcome', title: 'Welcome', preview: true })])
  })

  it('that does not load fails the start (the instance reports it as "preview failed"), and a later playbook is still taken', async () => {
    at('?waymark-preview=welcome')
    const shown: Offer[] = []
    const preview = createPreview(context, (o) => shown.push(o), () => {}, () => Promise.reject(new Error('part "preview" unavailable: gone')))!
    preview.use(PLAYBOOK, 'inline')
    await expect(preview.start(async () => {})).rejects.toThrow('part "preview" unavailable: gone')
    expect(() => preview.use(PLAYBOOK, 'network')).not.toThrow()
    expect(shown).toEqual([])
  })
})
