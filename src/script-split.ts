/**
 * The split script tag's first file, built as `dist/script/waymark.js`: the same start as the
 * one-file `waymark.iife.js`, with the playbook sync and the elements loaded on demand as
 * parts from the same folder (`waymark-sync.js`, `waymark-elements.js`).
 */
import { partsFrom, loadPart } from './part-loader'
import { startFromScriptTag } from './snippet'
import { laterElements } from './split-elements'

const script = (document.currentScript as HTMLScriptElement | null) || document.querySelector<HTMLScriptElement>('script[src*="waymark"]')
partsFrom(script)
startFromScriptTag(window, script, laterElements(() => loadPart('elements')))
