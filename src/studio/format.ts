/**
 * Writes the edited playbook back in the file's own layout, so a save changes only the lines
 * that were edited: every value equal to the one on disk keeps its original text (spacing,
 * alignment, escapes and all), a changed object or array keeps its own shape (one line or one
 * member per line, with its indentation), and only new values get a fresh layout.
 */

/** Where a value sits in the original text, and how its container was laid out. */
interface Span {
  start: number
  end: number
  /** The parsed value, to tell an unchanged value from an edited one. */
  value: unknown
  /** Object members / array items. */
  members?: Map<string, Span>
  items?: Span[]
  /** For a container spread over lines: its members' indentation and its closing bracket's. */
  inner?: string
  outer?: string
}

/** The indentation unit of a text: the leading whitespace of its first indented line (2 spaces if none). */
export function indentOf(text: string): string {
  const m = /\n([ \t]+)\S/.exec(text)
  return m ? m[1] : '  '
}

// Spans of a text JSON.parse accepts (the caller has checked): a small recursive scanner.
function spans(text: string): Span {
  let i = 0
  const ws = () => {
    while (i < text.length && ' \t\n\r\uFEFF'.includes(text[i])) i++
  }
  const lineIndent = (at: number) => {
    const from = text.lastIndexOf('\n', at - 1) + 1
    return /^[ \t]*/.exec(text.slice(from, at))![0]
  }
  const layout = (span: Span, open: number, first: number | null, close: number) => {
    if (!text.slice(open, close).includes('\n')) return span
    span.inner = first === null ? lineIndent(close) + '  ' : lineIndent(first)
    span.outer = lineIndent(close)
    return span
  }
  const value = (): Span => {
    ws()
    const start = i
    const c = text[i]
    if (c == '{' || c == '[') {
      const object = c == '{'
      const members = new Map<string, Span>()
      const items: Span[] = []
      let first: number | null = null
      i++
      ws()
      while (text[i] != (object ? '}' : ']')) {
        ws()
        if (first === null) first = i
        if (object) {
          const keyStart = i
          skipString()
          const key = JSON.parse(text.slice(keyStart, i)) as string
          ws()
          i++ // ':'
          members.set(key, value())
        } else items.push(value())
        ws()
        if (text[i] == ',') i++
        ws()
      }
      const close = i++
      const span: Span = { start, end: i, value: JSON.parse(text.slice(start, i)) }
      if (object) span.members = members
      else span.items = items
      return layout(span, start, first, close)
    }
    if (c == '"') skipString()
    else while (i < text.length && !',]} \t\n\r'.includes(text[i])) i++
    return { start, end: i, value: JSON.parse(text.slice(start, i)) }
  }
  const skipString = () => {
    for (i++; text[i] != '"'; i++) if (text[i] == '\\') i++
    i++
  }
  return value()
}

/** Deep equality of JSON values (object key order counts: it shows in the file). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a != 'object' || typeof b != 'object' || a === null || b === null || Array.isArray(a) != Array.isArray(b)) return false
  const ka = Object.keys(a)
  const kb = Object.keys(b)
  return ka.length == kb.length && ka.every((k, n) => k == kb[n] && same((a as any)[k], (b as any)[k]))
}

const isContainer = (v: unknown): v is Record<string, unknown> | unknown[] => typeof v == 'object' && v !== null

/**
 * A formatter for edits of `text` (a JSON text that parses): `format(doc)` writes `doc` in
 * the text's layout. A text that does not parse gets `JSON.stringify(doc, null, 2)`.
 */
export function formatter(text: string): (doc: unknown) => string {
  let root: Span | null = null
  try {
    JSON.parse(text.replace(/^\uFEFF/, ''))
    root = spans(text)
  } catch {
    root = null
  }
  const unit = indentOf(text)
  const eol = text.includes('\r\n') ? '\r\n' : '\n'
  const bom = text.charCodeAt(0) == 0xfeff ? '\uFEFF' : ''
  const final = !root || /\n$/.test(text) ? eol : ''

  // A value the file does not have: on one line when short and flat enough, else spread out.
  const fresh = (v: unknown, outer: string): string => {
    if (!isContainer(v)) return JSON.stringify(v) ?? 'null'
    const entries: Array<[string | null, unknown]> = Array.isArray(v) ? v.map((x) => [null, x]) : Object.entries(v)
    if (!entries.length) return Array.isArray(v) ? '[]' : '{}'
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}']
    const key = (k: string | null) => (k === null ? '' : JSON.stringify(k) + ': ')
    const flat = `${open}${Array.isArray(v) ? '' : ' '}${entries.map(([k, x]) => key(k) + JSON.stringify(x)).join(', ')}${Array.isArray(v) ? '' : ' '}${close}`
    if (flat.length <= 72 && !entries.some(([, x]) => isContainer(x) && JSON.stringify(x).length > 40)) return flat
    const inner = outer + unit
    return `${open}${eol}${entries.map(([k, x]) => inner + key(k) + fresh(x, inner)).join(',' + eol)}${eol}${outer}${close}`
  }

  const write = (v: unknown, span: Span | undefined, outer: string): string => {
    if (span && same(v, span.value)) return text.slice(span.start, span.end)
    const kind = (x: unknown) => (Array.isArray(x) ? 'a' : isContainer(x) ? 'o' : 's')
    if (!span || !isContainer(v) || kind(v) != kind(span.value)) return fresh(v, outer)
    const array = Array.isArray(v)
    const parts = array
      ? v.map((x, n) => write(x, span.items![n], span.inner ?? outer))
      : Object.entries(v).map(([k, x]) => JSON.stringify(k) + ': ' + write(x, span.members!.get(k), span.inner ?? outer))
    const [open, close] = array ? ['[', ']'] : ['{', '}']
    if (!parts.length) return open + close
    if (span.inner === undefined) {
      // One line: keep the original's padding inside the brackets (`{ "a": 1 }` or `{"a":1}`),
      // unless what it holds now spreads over lines itself.
      const pad = /^[[{]\s/.test(text.slice(span.start, span.start + 2)) ? ' ' : ''
      const line = open + pad + parts.join(', ') + pad + close
      return line.includes('\n') ? fresh(v, outer) : line
    }
    return `${open}${eol}${parts.map((p) => span.inner + p).join(',' + eol)}${eol}${span.outer}${close}`
  }

  return (doc) => (root ? bom + write(doc, root, '') + final : JSON.stringify(doc, null, 2) + '\n')
}
