// @vitest-environment node
// The studio's pure parts: message → field, the line diff, and writing edits in the file's layout.
import { describe, expect, it } from 'vitest'
import { hunks, lineDiff } from '../src/studio/diff'
import { formatter, indentOf } from '../src/studio/format'
import { fieldFor, parseMessage, pathOf } from '../src/studio/paths'

describe('message paths', () => {
  it('splits the path from the text, dropping the rule id', () => {
    expect(parseMessage('rules[2].cap.day: must be a non-negative integer')).toEqual({ path: 'rules[2].cap.day', text: 'must be a non-negative integer' })
    expect(parseMessage('rules[3] (free-shipping-nudge).if.event.total: unknown operator "$gtt"')).toEqual({
      path: 'rules[3].if.event.total',
      text: 'unknown operator "$gtt"',
    })
    expect(parseMessage('rules[3].if.event.total: unknown operator "$gtt" (rule "free-shipping-nudge")')).toEqual({
      path: 'rules[3].if.event.total',
      text: 'unknown operator "$gtt"',
    })
    expect(parseMessage('texts.ru.greeting.returning: must be a string').path).toBe('texts.ru.greeting.returning')
    expect(parseMessage('version: must be a string').path).toBe('version')
    expect(parseMessage('must be an object')).toEqual({ path: '', text: 'must be an object' })
  })

  it('writes a field path as the validator does', () => {
    expect(pathOf(['rules', 2, 'cap', 'day'])).toBe('rules[2].cap.day')
    expect(pathOf(['rules', 0, 'offer', 'title', 'ru'])).toBe('rules[0].offer.title.ru')
  })

  it('maps a message to the deepest registered field on a part boundary', () => {
    const fields = ['rules[0]', 'rules[0].if', 'rules[0].cap.day', 'rules[1].cap', 'rules[10].on', 'texts.ru.greeting.returning']
    expect(fieldFor('rules[0].cap.day', fields)).toBe('rules[0].cap.day')
    expect(fieldFor('rules[0].if.event.total', fields)).toBe('rules[0].if')
    expect(fieldFor('rules[0].if.$or[1].x', fields)).toBe('rules[0].if')
    expect(fieldFor('rules[1].cap.week', fields)).toBe('rules[1].cap')
    expect(fieldFor('rules[1]0.on', fields)).toBe(null)
    expect(fieldFor('rules[10].on', fields)).toBe('rules[10].on')
    expect(fieldFor('rules[0].offer.kind', fields)).toBe('rules[0]')
    expect(fieldFor('stages[0].id', fields)).toBe(null)
  })
})

describe('line diff', () => {
  it('marks kept, removed and added lines with their numbers', () => {
    const d = lineDiff('a\nb\nc\nd\n', 'a\nB\nc\nd\ne\n')
    expect(d.map((l) => l.op + l.text)).toEqual([' a', '-b', '+B', ' c', ' d', '+e'])
    expect(d[2]).toEqual({ op: '+', text: 'B', b: 2 })
    expect(d[3]).toEqual({ op: ' ', text: 'c', a: 3, b: 3 })
  })

  it('finds the fewest changes in the middle', () => {
    const d = lineDiff('x\n1\n2\n3\n4\ny\n', 'x\n2\n3\n5\n4\ny\n')
    expect(d.filter((l) => l.op != ' ').map((l) => l.op + l.text)).toEqual(['-1', '+5'])
  })

  it('is empty of changes for equal texts, and hunks keep context around changes', () => {
    expect(lineDiff('a\r\nb\r\n', 'a\nb\n').every((l) => l.op == ' ')).toBe(true)
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n')
    const after = before.replace('l3', 'L3').replace('l15', 'L15')
    const h = hunks(lineDiff(before, after), 1)
    expect(h.map((l) => (l ? l.op + l.text : '…'))).toEqual([' l2', '-l3', '+L3', ' l4', '…', ' l14', '-l15', '+L15', ' l16'])
    expect(hunks(lineDiff(before, before))).toEqual([])
  })
})

describe('writing in the file layout', () => {
  // Laid out by hand, as the demo playbook is: short objects on one line, columns aligned.
  const example = `{
  "version": "2026-11-30.2",
  "stages": [
    { "id": "consider", "on": ["page"] },
    { "id": "buy",      "on": ["cart_viewed", "checkout_started"] }
  ],
  "rules": [
    {
      "id": "free-shipping-nudge",
      "enabled": true,
      "on": ["cart_viewed"],
      "if": { "event.total": { "$gte": 40, "$lt": 50 }, "visit.returning": true },
      "offer": { "kind": "banner", "title": "{user.firstName|Friend}, shipping is free from \\u20ac50" },
      "cap": { "session": 1, "day": 1, "total": 3 }
    },
    {
      "id": "welcome",
      "on": ["page"],
      "offer": {
        "kind": "toast",
        "title": "{user.firstName|Друг}, привет\\u00a0!"
      }
    }
  ]
}
`

  it('gives back the file unchanged when nothing was edited', () => {
    expect(formatter(example)(JSON.parse(example))).toBe(example)
    const compact = '{"a":1,"b":[1,2]}'
    expect(formatter(compact)(JSON.parse(compact))).toBe(compact)
    const crlf = '{\r\n\t"a": 1\r\n}\r\n'
    expect(formatter(crlf)(JSON.parse(crlf))).toBe(crlf)
  })

  it('changes only the edited lines', () => {
    const doc = JSON.parse(example)
    doc.rules[0].enabled = false
    doc.rules[0].cap.day = 2
    doc.rules[1].offer.title = 'Новый'
    const out = formatter(example)(doc)
    expect(JSON.parse(out)).toEqual(doc)
    const changed = lineDiff(example, out).filter((l) => l.op != ' ')
    const lines = changed.map((l) => l.op + l.text.trim())
    expect(lines.filter((l) => !l.includes('"title"')).sort()).toEqual([
      '+"cap": { "session": 1, "day": 2, "total": 3 }',
      '+"enabled": false,',
      '-"cap": { "session": 1, "day": 1, "total": 3 }',
      '-"enabled": true,',
    ])
    expect(lines.filter((l) => l.includes('"title"'))).toEqual([expect.stringMatching(/^-"title": "\{user/), '+"title": "Новый"'])
  })

  it('lays new values out on one line when short, spread when long, in the file indentation', () => {
    expect(indentOf('{\n    "a": 1\n}')).toBe('    ')
    const text = '{\n    "rules": []\n}\n'
    const f = formatter(text)
    expect(f({ rules: [], cap: { day: 1 } })).toBe('{\n    "rules": [],\n    "cap": { "day": 1 }\n}\n')
    const long = { title: 'x'.repeat(50), body: 'y'.repeat(30) }
    expect(f({ rules: [long] })).toBe(`{\n    "rules": [\n        {\n            "title": "${long.title}",\n            "body": "${long.body}"\n        }\n    ]\n}\n`)
    expect(formatter('{ not json')({ a: 1 })).toBe('{\n  "a": 1\n}\n')
  })
})

describe('condition rows', async () => {
  const { fromRows, readValue, showValue, toRows } = await import('../src/studio/condition-view')
  it('reads simple conditions as rows and writes them back the same', () => {
    const c = { 'event.total': { $gte: 40, $lt: 50 }, 'visit.returning': true, 'device.locale': { $in: ['ru', 'uk'] } }
    const rows = toRows(c)!
    expect(rows).toEqual([
      { path: 'event.total', op: '$gte', value: 40 },
      { path: 'event.total', op: '$lt', value: 50 },
      { path: 'visit.returning', op: '=', value: true },
      { path: 'device.locale', op: '$in', value: ['ru', 'uk'] },
    ])
    expect(fromRows(rows)).toEqual(c)
    expect(toRows(undefined)).toEqual([])
    expect(fromRows([])).toBeUndefined()
  })

  it('leaves $or, $not and nested values to raw JSON', () => {
    expect(toRows({ $or: [{ a: 1 }] })).toBeNull()
    expect(toRows({ 'device.locale': { $not: { $regex: '^ru' } } })).toBeNull()
    expect(toRows({ a: { b: 1 } })).toBeNull()
  })

  it('reads typed values as JSON when they are, as text otherwise', () => {
    expect(readValue('40', '$gte')).toBe(40)
    expect(readValue('true', '=')).toBe(true)
    expect(readValue('Anna', '=')).toBe('Anna')
    expect(readValue('ru, uk', '$in')).toEqual(['ru', 'uk'])
    expect(showValue('40')).toBe('"40"')
    expect(showValue('Anna')).toBe('Anna')
  })
})

describe('findings', async () => {
  const { check } = await import('../src/studio/messages')
  it('validates, then lints a valid playbook; both name paths that map to fields', () => {
    const bad = check({ rules: [{ id: 'a', on: ['x'], offer: { kind: 'toast' }, cap: { day: -1 } }] })
    expect(bad.errors.map((m) => parseMessage(m).path)).toEqual(['rules[0].cap.day'])
    const typo = check({ rules: [{ id: 'a', on: ['page'], if: { 'visit.returing': true }, offer: { kind: 'toast' } }] })
    expect(typo.errors).toEqual([])
    expect(typo.warnings.length).toBe(1)
    expect(fieldFor(parseMessage(typo.warnings[0]).path, ['rules[0]', 'rules[0].if'])).toBe('rules[0].if')
    expect(typo.warnings[0]).toMatch(/did you mean "visit\.returning"/)
  })
})
