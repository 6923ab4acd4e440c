/**
 * DOM helpers of the studio: elements are built with createElement and text goes in as text
 * nodes only, so nothing from the playbook can become markup (and the page's Trusted Types
 * policy never has to allow a string sink).
 */

/** A child: a node, a text, or nothing. */
export type Child = Node | string | false | null | undefined

/** Attributes; `undefined` and `false` are left out, `true` is the empty attribute. */
export type Attrs = Record<string, string | number | boolean | undefined>

/** Creates an element with attributes and children (strings become text nodes). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== false) el.setAttribute(k, v === true ? '' : String(v))
  for (const c of children) if (c) el.append(c)
  return el
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...(children.filter(Boolean) as Array<Node | string>))
}

/** An id for a field from its JSON path, stable across renders (focus is restored by it). */
export const idFor = (path: string): string => 'f-' + path.replace(/[^\w-]/g, (c) => '_' + c.charCodeAt(0).toString(16))
