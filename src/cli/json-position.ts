/**
 * JSON parsing whose errors say where, as a person reads a file: line and column, both
 * 1-based. Engines disagree on their own messages (Node 20 says only "at position N", newer
 * V8 adds line and column, Firefox and WebKit word it otherwise), so the position and the
 * wording come from a small scanner of our own: the same message in the CLI, under every
 * Node and in the studio's browser. Pure: no Node imports, it runs in a browser too.
 */

/** A JSON syntax error, positioned. */
export interface JsonError {
  ok: false
  /** `line 3, column 5: expected "," or "}" after a property`. */
  message: string
  /** What is wrong, without the position: `expected "," or "}" after a property`. */
  reason: string
  /** 1-based line. */
  line: number
  /** 1-based column, in UTF-16 code units (as editors count them); a leading BOM is not counted. */
  column: number
  /** 0-based offset into the text as given. */
  offset: number
}

// Thrown by the scanner: what was expected, and where.
type Fault = { reason: string; at: number }

const fault = (reason: string, at: number): Fault => ({ reason, at })
const isFault = (e: unknown): e is Fault => typeof e == 'object' && e !== null && 'reason' in e && 'at' in e

/**
 * Finds the first syntax error in `text`, or returns null when the scanner sees none. It
 * follows RFC 8259 exactly as JSON.parse does (no comments, no trailing commas, no single
 * quotes), but only checks: it builds no values.
 */
export function findJsonError(text: string): Fault | null {
  let i = text.charCodeAt(0) == 0xfeff ? 1 : 0
  const end = text.length
  const ws = () => {
    while (i < end && ' \t\n\r'.includes(text[i])) i++
  }
  // What the scanner found where something else was expected: the end, or the token.
  const found = (): string => {
    if (i >= end) return ', but the text ends here'
    if (text[i] == '/' && (text[i + 1] == '/' || text[i + 1] == '*')) return ' (JSON has no comments)'
    if (text[i] == "'") return " (JSON strings need double quotes, not ')"
    if (text[i] == '"') return ', found a string'
    return `, found ${JSON.stringify(token())}`
  }
  // The word at `i` (`undefined`, `01`, `tru`), or its one character.
  const token = () => (/^[\w$.+-]+/.exec(text.slice(i, i + 40)) || [text[i]])[0]
  const expect = (what: string): never => {
    throw fault(`expected ${what}${found()}`, i)
  }
  const string = () => {
    const start = i++
    for (;;) {
      if (i >= end) throw fault('unterminated string: no closing "', start)
      const c = text.charCodeAt(i)
      if (c == 0x22) return void i++
      if (c == 0x0a || c == 0x0d) throw fault('unterminated string: a line break before the closing " (write \\n inside a string)', start)
      if (c < 0x20) throw fault('control character in a string (write it escaped, e.g. \\t)', i)
      if (c == 0x5c) {
        const e = text[i + 1]
        if (e == 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) throw fault('bad \\u escape: it needs 4 hex digits', i)
          i += 6
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2
        else throw fault(`bad escape \\${e ?? ''} in a string`, i)
      } else i++
    }
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c == '{') {
      i++
      ws()
      if (text[i] == '}') return void i++
      for (;;) {
        if (text[i] != '"') expect('a property name in double quotes')
        string()
        ws()
        if (text[i] != ':') expect('":" after a property name')
        i++
        value()
        ws()
        if (text[i] == '}') return void i++
        if (text[i] != ',') expect('"," or "}" after a property')
        const comma = i++
        ws()
        if (text[i] == '}') throw fault('trailing comma: nothing may follow the last property but "}"', comma)
      }
    }
    if (c == '[') {
      i++
      ws()
      if (text[i] == ']') return void i++
      for (;;) {
        value()
        ws()
        if (text[i] == ']') return void i++
        if (text[i] != ',') expect('"," or "]" after an item')
        const comma = i++
        ws()
        if (text[i] == ']') throw fault('trailing comma: nothing may follow the last item but "]"', comma)
      }
    }
    if (c == '"') return string()
    const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))
    if (number && /^[-\d]/.test(c)) {
      // A number runs into something that keeps it from being one, e.g. `01`, `1.`, `2e`.
      const next = text[i + number[0].length]
      if (next !== undefined && /[\d.eE]/.test(next)) throw fault(`bad number ${JSON.stringify(token())}`, i)
      return void (i += number[0].length)
    }
    if (c == '-') throw fault(`bad number ${JSON.stringify(token())}`, i)
    for (const literal of ['true', 'false', 'null']) if (text.startsWith(literal, i)) return void (i += literal.length)
    if (i >= end && !text.trim()) throw fault('the text is empty: no JSON value', i)
    expect('a value')
  }
  try {
    value()
    ws()
    if (i < end) throw fault(`unexpected ${JSON.stringify(text[i])} after the end of the JSON value`, i)
    return null
  } catch (e) {
    if (isFault(e)) return e
    return null // a nesting too deep for this scanner's stack: the engine's message says where
  }
}

// The engine's own offset, for the rare text our scanner accepts but the engine does not.
function engineOffset(text: string, message: string): number {
  const pos = /position (\d+)/.exec(message)
  if (pos) return Math.min(+pos[1], text.length)
  const lc = /line (\d+) column (\d+)/.exec(message)
  if (!lc) return 0
  let offset = 0
  for (let line = 1; line < +lc[1]; line++) {
    const nl = text.indexOf('\n', offset)
    if (nl < 0) break
    offset = nl + 1
  }
  return Math.min(offset + +lc[2] - 1, text.length)
}

/** The 1-based line and column of `offset` in `text`; `\n`, `\r\n` and `\r` end lines. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1
  let start = 0
  for (let i = 0; i < offset; i++) {
    const c = text[i]
    if (c == '\n' || (c == '\r' && text[i + 1] != '\n')) {
      line++
      start = i + 1
    }
  }
  const bom = line == 1 && text.charCodeAt(0) == 0xfeff && offset > 0 ? 1 : 0
  return { line, column: offset - start + 1 - bom }
}

/**
 * Parses JSON text. A leading byte order mark, which some editors save, is skipped. On a
 * syntax error, says where: `line 3, column 5: expected "," or "}" after a property`.
 *
 * @param text the JSON text
 * @returns the value, or the error with its 1-based line and column and 0-based offset
 */
export function parseJson(text: string): { ok: true; value: unknown } | JsonError {
  try {
    return { ok: true, value: JSON.parse(text.replace(/^\uFEFF/, '')) }
  } catch (e) {
    const own = findJsonError(text)
    const engine = e instanceof Error ? e.message : String(e)
    const offset = own ? own.at : engineOffset(text.replace(/^\uFEFF/, ''), engine) + (text.charCodeAt(0) == 0xfeff ? 1 : 0)
    const reason = own ? own.reason : engine
    const { line, column } = lineColumn(text, offset)
    return { ok: false, message: `line ${line}, column ${column}: ${reason}`, reason, line, column, offset }
  }
}
