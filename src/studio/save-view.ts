/**
 * Saving: the difference between the edited document and the file on disk, and the Save
 * button, which posts to the studio's server. The server validates again and writes only a
 * valid playbook; its 409 (the file changed on disk) and 422 (invalid) are shown here.
 */
import { hunks, lineDiff } from './diff'
import { fill, h } from './dom'
import { t } from './i18n'
import { editedText, type Disk, type Store } from './state'

/** Fetches the file as the server reads it now. */
export async function loadFile(): Promise<Disk> {
  const res = await fetch('/api/file', { cache: 'no-store' })
  if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 200)}`)
  return res.json()
}

/** The diff of the edited text against the disk text, as a list of lines. */
export function diffView(store: Store, box: HTMLElement): void {
  const lines = hunks(lineDiff(store.disk.text, editedText(store)))
  if (!lines.length) return fill(box, h('p', { class: 'hint' }, t('noChanges')))
  const list = h('ol', { class: 'diff' })
  for (const l of lines) {
    if (!l) list.append(h('li', { class: 'gap', 'aria-hidden': 'true' }, '…'))
    else {
      const sign = l.op == '+' ? '+' : l.op == '-' ? '−' : ' '
      const cls = l.op == '+' ? 'add' : l.op == '-' ? 'del' : 'keep'
      list.append(h('li', { class: cls }, h('span', { class: 'ln' }, String(l.op == '+' ? l.b : l.a)), h('span', { class: 'sign' }, sign), h('code', {}, l.text)))
    }
  }
  fill(box, list)
}

/** The save button and its status line; `valid()` says whether the document may be saved now. */
export function saveControls(store: Store, valid: () => boolean, onSaved: () => void, onReload: () => void) {
  const button = h('button', { type: 'button', id: 'save', class: 'primary' }, t('save'))
  const status = h('p', { id: 'save-status', role: 'status', class: 'status' })
  const reload = h('button', { type: 'button', class: 'secondary', hidden: true }, t('reload'))
  reload.addEventListener('click', onReload)
  button.addEventListener('click', async () => {
    const text = editedText(store)
    if (!valid()) {
      status.textContent = t('invalidSave')
      status.className = 'status error'
      return
    }
    status.textContent = t('saving')
    status.className = 'status'
    button.disabled = true
    try {
      const res = await fetch('/api/save', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ text, base: store.disk.hash }) })
      const body = await res.json()
      if (res.ok) {
        store.disk = { ...store.disk, text, hash: body.hash }
        status.textContent = body.signed ? t('savedSigned', { file: body.signed }) : t('saved')
        status.className = 'status ok'
        reload.hidden = true
        onSaved()
      } else if (res.status == 409) {
        status.textContent = t('conflict')
        status.className = 'status error'
        reload.hidden = false
      } else {
        status.textContent = `${t('refused', { n: body.errors?.length ?? 1 })} ${(body.errors || []).join('; ')}`
        status.className = 'status error'
      }
    } catch (e) {
      status.textContent = t('saveError', { why: e instanceof Error ? e.message : String(e) })
      status.className = 'status error'
    } finally {
      button.disabled = false
      paint()
    }
  })
  // Save stays focusable while invalid (a disabled button would vanish from the tab order);
  // aria-disabled says it refuses, and the click explains why.
  const paint = () => {
    const changed = editedText(store) !== store.disk.text
    button.setAttribute('aria-disabled', String(!valid() || !changed))
    button.title = !valid() ? t('invalidSave') : changed ? t('unsaved') : t('noChanges')
  }
  return { button, status, reload, paint }
}
