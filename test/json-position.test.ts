// JSON syntax errors with their line and column (1-based), worded by our own scanner so that
// every engine (Node 20's "at position N" included) gives the same message.
import { describe, expect, it } from 'vitest'
import { findJsonError, lineColumn, parseJson } from '../src/cli/json-position'

describe('parseJson', () => {
  it.each([
    ['missing comma', '{\n  "a": 1\n  "b": 2\n}', 3, 3, 'expected "," or "}" after a property, found a string'],
    ['missing comma in an array', '[1\n, 2 3]', 2, 5, 'expected "," or "]" after an item, found "3"'],
    ['trailing comma in an object (at the comma)', '{\n  "a": 1,\n}', 2, 9, 'trailing comma: nothing may follow the last property but "}"'],
    ['trailing comma in an array', '[1, 2,\n]', 1, 6, 'trailing comma: nothing may follow the last item but "]"'],
    ['unterminated string (at its opening quote)', '{"a": "x', 1, 7, 'unterminated string: no closing "'],
    ['line break in a string', '{\n"a": "x\n"}', 2, 6, 'unterminated string: a line break before the closing " (write \\n inside a string)'],
    ['tab in a string', '["a\tb"]', 1, 4, 'control character in a string (write it escaped, e.g. \\t)'],
    ['bad escape', '["\\q"]', 1, 3, 'bad escape \\q in a string'],
    ['short \\u escape', '["\\u12"]', 1, 3, 'bad \\u escape: it needs 4 hex digits'],
    ['empty text', '', 1, 1, 'the text is empty: no JSON value'],
    ['only whitespace', '  \n ', 2, 2, 'the text is empty: no JSON value'],
    ['BOM, then a missing colon (the BOM is no column)', '\uFEFF{"a" 1}', 1, 6, 'expected ":" after a property name, found "1"'],
    ['BOM and an error on line 2', '\uFEFF{\n "a": x}', 2, 7, 'expected a value, found "x"'],
    ['bad token', '{"a": undefined}', 1, 7, 'expected a value, found "undefined"'],
    ['misspelt literal', '{"a": tru}', 1, 7, 'expected a value, found "tru"'],
    ['single quotes', "{'a': 1}", 1, 2, "expected a property name in double quotes (JSON strings need double quotes, not ')"],
    ['comment', '// note\n{}', 1, 1, 'expected a value (JSON has no comments)'],
    ['leading zero', '[01]', 1, 2, 'bad number "01"'],
    ['a lone minus', '[-]', 1, 2, 'bad number "-"'],
    ['a number with no fraction digits', '[1.]', 1, 2, 'bad number "1."'],
    ['cut short', '{ "rules": [', 1, 13, 'expected a value, but the text ends here'],
    ['after the value', '{"a": 1} x', 1, 10, 'unexpected "x" after the end of the JSON value'],
    ['CRLF line ends', '{\r\n"a": 1\r\n"b": 2}', 3, 1, 'expected "," or "}" after a property, found a string'],
  ])('%s', (_, text, line, column, reason) => {
    const result = parseJson(text)
    expect(result).toMatchObject({ ok: false, line, column, reason, message: `line ${line}, column ${column}: ${reason}` })
    // The engine agrees that the text is not JSON.
    expect(() => JSON.parse(text.replace(/^\uFEFF/, ''))).toThrow()
  })

  it('returns the value of valid JSON, a leading BOM skipped', () => {
    expect(parseJson('\uFEFF{"a": [1, -2.5e3, "\\u00e9\\n", true, null]}')).toEqual({ ok: true, value: { a: [1, -2500, 'é\n', true, null] } })
    expect(parseJson(' "x" ')).toEqual({ ok: true, value: 'x' })
  })

  it('points the offset into the text as given', () => {
    const text = '\uFEFF{"a" 1}'
    const result = parseJson(text)
    expect(!result.ok && text[result.offset]).toBe('1')
  })

  it("the scanner accepts everything JSON.parse accepts", () => {
    for (const text of ['{}', '[]', '0', '-0.1E+2', '"\\/\\b\\f\\r\\t"', '{"a":{"b":[[],{}]}}', ' \t\r\n null \n'])
      expect([text, findJsonError(text)]).toEqual([text, null])
  })

  it('counts lines ended by \\n, \\r\\n and \\r', () => {
    expect(lineColumn('a\nb\r\nc\rd', 7)).toEqual({ line: 4, column: 1 })
  })
})
