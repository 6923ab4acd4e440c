/**
 * `<waymark-debug>`: the panel `?waymark-debug` opens on a site with `preview: true` (contract:
 * "Preview links"). It shows the playbook version in force and where it came from, the latest
 * triggers, and for each rule whether it would fire now or what blocks it (`explain`). It reads
 * the instance's debug data (src/preview.ts) and renders again when an event or a playbook
 * arrives. Everything goes in as text; Escape or the close button takes it away.
 */
import { DEBUG, type DebugData } from '../preview'
import type { Waymark } from '../types'
import type { Base } from './base'
import { h, named, parsed } from './dom'
import { tx } from './texts'

/** The instance's debug data: only an instance made with `preview: true` on a `?waymark-debug` page has it. */
const dataOf = (wm: Waymark): DebugData | undefined => (wm as { [DEBUG]?: DebugData })[DEBUG]

// HH:MM:SS in the visitor's time: enough to tell the triggers apart.
const time = (at: number): string => new Date(at).toTimeString().slice(0, 8)

/** Defines the debug panel's class on the given base. */
export function debugElement(Base: Base) {
  return class WaymarkDebug extends Base {
    bind(wm: Waymark): () => void {
      const data = dataOf(wm)
      const playbook = h('p', named('debug-playbook'))
      const triggers = h('ol', named('debug-triggers'))
      const rules = h('ul', named('debug-rules'))
      const close = h('button', named('close', { type: 'button', 'aria-label': tx(wm, 'offer.close') }), '×')
      const panel = h('section', named('debug', { role: 'region', 'aria-label': 'Waymark debug' }),
        close, h('h2', {}, 'Waymark debug'), playbook, h('h3', {}, 'Latest triggers'), triggers, h('h3', {}, 'Rules'), rules)
      close.addEventListener('click', () => this.remove())
      panel.addEventListener('keydown', (e) => e.key == 'Escape' && this.remove())
      this.root.replaceChildren(data ? panel : '')
      let timer: ReturnType<typeof setTimeout> | undefined
      const render = (): void => {
        timer = undefined
        if (!data) return
        const p = data.playbook
        playbook.textContent = p ? `Playbook ${p.version ?? '(no version)'} from ${p.from}` : 'No playbook in force yet'
        triggers.replaceChildren(...data.triggers.map((t) => h('li', {}, `${time(t.at)} ${t.name}`)).reverse())
        rules.replaceChildren(
          ...data.rules.map((id) => {
            const e = wm.explain(id)
            return h('li', named(e.fires ? 'debug-fires' : 'debug-blocked'), h('b', {}, id), `: ${e.fires ? 'fires now' : e.reason}`)
          }),
        )
      }
      // A burst of events (a page view enters a stage, fires an offer) renders once, after it.
      const soon = (): void => void (timer ||= setTimeout(render, 0))
      render()
      const offs = [wm.on('event', soon), wm.on('playbook', soon)]
      return () => {
        clearTimeout(timer)
        offs.forEach((off) => off())
      }
    }
  }
}

/** Opens the panel for `wm` when its page asked for one; returns what takes it away. */
export function openDebug(wm: Waymark): () => void {
  if (!dataOf(wm)) return () => {}
  const panel = document.createElement('waymark-debug')
  parsed(() => document.body.append(panel))
  return () => panel.remove()
}
