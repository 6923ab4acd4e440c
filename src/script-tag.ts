/** The `<script>` entry, built as `dist/waymark.iife.js`: starts Waymark from its own tag. */
import { defineElements } from './elements/index'
import { startFromScriptTag } from './snippet'

startFromScriptTag(
  window,
  (document.currentScript as HTMLScriptElement | null) || document.querySelector<HTMLScriptElement>('script[src*="waymark"]'),
  { defineElements },
)
