// @vitest-environment node
// The `waymark` CLI, run in-process through `run()` with files in a temporary directory.
// Signatures are checked with WebCrypto, exactly as the SDK checks them in the browser.
import { createPublicKey, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { run, USAGE } from '../src/cli/main'
import { PUBLIC_KEY_LABEL } from '../src/cli/keygen'
import { validatePlaybook } from '../src/playbook/validate'
import { bucket } from '../src/rules/engine'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const SERVER_PLAYBOOK = join(ROOT, 'examples', 'server', 'playbook.json')
const dir = mkdtempSync(join(tmpdir(), 'waymark-cli-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Runs the CLI in `dir`; returns the exit code and what it printed. */
async function cli(...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await run(argv, {
    out: (s) => void out.push(s),
    err: (s) => void err.push(s),
    readFile: (path) => readFileSync(path, 'utf8'),
    cwd: dir,
  })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

let files = 0
/** Writes a file in `dir` (JSON unless a string is given) and returns its name there. */
function write(content: unknown, name = `file-${++files}.json`): string {
  writeFileSync(join(dir, name), typeof content == 'string' ? content : JSON.stringify(content, null, 2))
  return name
}

/** A valid rule with `extra` merged over it. */
const rule = (extra: Record<string, unknown> = {}) => ({ id: 'r', on: ['x'], offer: { kind: 'toast' }, ...extra })

// WebCrypto, as the browser SDK calls it.
const ECDSA = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' }
const importSpki = (b64: string) => crypto.subtle.importKey('spki', Buffer.from(b64, 'base64'), ECDSA, false, ['verify'])
const verifies = async (spki: string, env: { payload: string; signature: string }) =>
  crypto.subtle.verify(ECDSA, await importSpki(spki), Buffer.from(env.signature, 'base64'), new TextEncoder().encode(env.payload))

/** A fresh key pair made by `waymark keygen --out`: file names and the public key. */
async function keys(prefix = `key-${++files}`) {
  const { code, out } = await cli('keygen', '--out', prefix)
  expect(code).toBe(0)
  return { pem: `${prefix}.pem`, pub: `${prefix}.pub`, spki: out.split('\n').pop()! }
}

/** The signed envelope of `playbookFile`, made by `waymark sign`. */
async function signed(playbookFile: string, pem: string) {
  const { code, out, err } = await cli('sign', playbookFile, '--key', pem)
  expect([code, err]).toEqual([0, ''])
  return JSON.parse(out) as { payload: string; signature: string }
}

describe('waymark validate', () => {
  it('prints a one-line summary and exits 0 for a valid playbook', async () => {
    const { code, out, err } = await cli('validate', SERVER_PLAYBOOK)
    expect([code, err]).toEqual([0, ''])
    expect(out).toBe(`${SERVER_PLAYBOOK}: valid · version 2026-11-30.3 · 6 stages · 8 rules (8 enabled) · texts: en, ru`)
  })

  it('summarises a playbook without stages, version or texts', async () => {
    const file = write({ rules: [rule(), rule({ id: 'off', enabled: false })] })
    expect((await cli('validate', file)).out).toBe(`${file}: valid · no version · default stages · 2 rules (1 enabled) · no texts`)
  })

  it('prints exactly the validator errors, one per line with its path, and exits 1', async () => {
    const doc = { colour: 1, rules: [rule({ if: { 'event.total': { $gtt: 5 } } }), rule({ offer: { kind: 'inline' } })] }
    const { code, out, err } = await cli('validate', write(doc))
    const expected = validatePlaybook(doc)
    expect(expected.ok).toBe(false)
    expect(code).toBe(1)
    expect(out).toBe('')
    expect(err.split('\n')).toEqual(!expected.ok && expected.errors)
    expect(err).toContain('rules[0].if.event.total: unknown operator "$gtt"')
  })

  it('exits 1 with the line and column of a syntax error, the same on every Node', async () => {
    const cut = write('{ "rules": [')
    expect(await cli('validate', cut)).toMatchObject({ code: 1, err: `${cut}: not JSON: line 1, column 13: expected a value, but the text ends here` })
    const comma = write('{\n  "version": "1"\n  "rules": []\n}')
    expect(await cli('validate', comma)).toMatchObject({
      code: 1,
      err: `${comma}: not JSON: line 3, column 3: expected "," or "}" after a property, found a string`,
    })
  })

  it("names the line and column inside a signed envelope's payload", async () => {
    const file = write({ payload: '{"rules": [,]}', signature: '' })
    expect(await cli('validate', file)).toMatchObject({ code: 1, err: `${file}: payload: not JSON: line 1, column 12: expected a value, found ","` })
  })

  it('warns about what is valid but never fires, on stderr, and still exits 0', async () => {
    const file = write({ stages: [{ id: 'buy', on: ['cart_viewed'] }], rules: [rule({ id: 'nudge', on: ['cart_view'], if: { 'visit.returing': true } })] })
    const { code, out, err } = await cli('validate', file)
    expect(code).toBe(0)
    expect(out).toBe(`${file}: valid · no version · 1 stage · 1 rule (1 enabled) · no texts`)
    expect(err.split('\n')).toEqual([
      'warning: rules[0] (nudge).on[0]: "cart_view" is not emitted by anything the playbook knows; did you mean "cart_viewed"?',
      'warning: rules[0] (nudge).if.visit.returing: unknown context path; did you mean "visit.returning"?',
    ])
  })

  it('accepts a file with a byte order mark', async () => {
    expect((await cli('validate', write('\uFEFF{}'))).code).toBe(0)
  })

  it('exits 2 for a file that does not exist', async () => {
    const { code, err } = await cli('validate', 'missing.json')
    expect(code).toBe(2)
    expect(err).toContain('missing.json: cannot read (no such file)')
  })

  describe('a signed envelope', () => {
    it('is verified with --public-key given as a .pub file, inline base64 or a PEM public key', async () => {
      const { pem, pub, spki } = await keys()
      const file = write(await signed(SERVER_PLAYBOOK, pem))
      const pemPublic = write(createPublicKey(readFileSync(join(dir, pem))).export({ type: 'spki', format: 'pem' }) as string, 'public.pem')
      for (const key of [pub, spki, pemPublic]) {
        const { code, out } = await cli('validate', file, '--public-key', key)
        expect(code).toBe(0)
        expect(out).toMatch(/: valid · version 2026-11-30\.3 · .* · signature verified$/)
      }
    })

    it('is rejected when one byte of the payload changed', async () => {
      const { pem, pub } = await keys()
      const env = await signed(SERVER_PLAYBOOK, pem)
      const file = write({ ...env, payload: env.payload.replace('"priority":10', '"priority":11') })
      const { code, out, err } = await cli('validate', file, '--public-key', pub)
      expect([code, out]).toEqual([1, ''])
      expect(err).toBe(`${file}: signature does not verify`)
    })

    it('is rejected under another key', async () => {
      const { pem } = await keys()
      const other = await keys()
      const { code, err } = await cli('validate', write(await signed(SERVER_PLAYBOOK, pem)), '--public-key', other.pub)
      expect(code).toBe(1)
      expect(err).toContain('signature does not verify')
    })

    it('is validated without a key, saying the signature was not checked', async () => {
      const { pem } = await keys()
      const { code, out } = await cli('validate', write(await signed(SERVER_PLAYBOOK, pem)))
      expect(code).toBe(0)
      expect(out).toContain('signature not checked')
    })

    it('has its payload validated, with the same paths', async () => {
      const file = write({ payload: JSON.stringify({ rules: [rule({ colour: 1 })] }), signature: '' })
      const { code, err } = await cli('validate', file)
      expect([code, err]).toEqual([1, 'rules[0].colour: unknown key (rule "r")'])
    })

    it('is refused without a version, or past its expires, as devices refuse it', async () => {
      const unversioned = write({ payload: JSON.stringify({ rules: [rule()] }), signature: '' })
      expect(await cli('validate', unversioned)).toEqual({ code: 1, out: '', err: `${unversioned}: signed but without a version` })
      const expired = write({ payload: JSON.stringify({ version: '1', expires: '2020-01-01' }), signature: '' })
      expect(await cli('validate', expired)).toEqual({ code: 1, out: '', err: `${expired}: expired at 2020-01-01` })
    })

    it('is required when --public-key is given', async () => {
      const { pub } = await keys()
      const { code, err } = await cli('validate', SERVER_PLAYBOOK, '--public-key', pub)
      expect(code).toBe(1)
      expect(err).toContain('not signed')
    })
  })

  it('exits 1 for a public key that is not P-256', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'pem' }) as string
    const { code, err } = await cli('validate', SERVER_PLAYBOOK, '--public-key', write(rsa, 'rsa.pub.pem'))
    expect(code).toBe(1)
    expect(err).toContain('not an ECDSA P-256 key (got RSA)')
  })
})

const SIMULATED = {
  version: 'sim-1',
  rules: [
    {
      id: 'nudge',
      on: ['cart_viewed'],
      if: { 'event.total': { $gte: 40, $lt: 50 }, 'visit.returning': true },
      offer: {
        kind: 'banner', placement: 'top', title: '{user.firstName|Friend}, shipping is free', body: 'Total {event.total|?}',
        cta: { label: 'Keep shopping', href: '/catalog' }, code: 'SHIP50',
      },
      priority: 10,
      cap: { session: 1 },
    },
    { id: 'lower', on: ['cart_viewed'], offer: { kind: 'toast', title: 'hi' }, priority: 1 },
    { id: 'off', enabled: false, on: ['cart_viewed'], offer: { kind: 'toast' } },
    { id: 'later', on: ['cart_viewed'], offer: { kind: 'modal' }, from: '2027-01-01T00:00:00Z' },
    { id: 'past', on: ['cart_viewed'], offer: { kind: 'modal' }, until: '2020-01-01T00:00:00Z' },
    { id: 'slot', on: ['cart_viewed'], offer: { kind: 'inline', placement: 'side' }, rollout: 0.5 },
    { id: 'delivered', on: ['order:delivered'], if: { 'order.status': 'delivered' }, offer: { kind: 'toast', title: 'Enjoy' } },
    { id: 'other', on: ['page'], offer: { kind: 'toast' } },
  ],
}

describe('waymark simulate', () => {
  const file = write(SIMULATED, 'simulated.json')
  const AT = ['--at', '2026-11-23T10:00:00Z']
  const returning = ['--context', '{"visit":{"returning":true},"user":{"firstName":"Анна"}}']

  it('shows the rules that fire, with their offer texts filled from the context', async () => {
    const { code, out, err } = await cli('simulate', file, '--event', 'cart_viewed', '--props', '{"total":45}', ...returning, ...AT)
    expect([code, err]).toEqual([0, ''])
    expect(out).toContain('  fires  nudge: banner top, priority 10\n')
    expect(out).toContain('      title  Анна, shipping is free\n      body   Total 45\n      cta    Keep shopping → /catalog\n      code   SHIP50')
    expect(out).toContain('  no     lower: outranked by "nudge"')
  })

  describe('--locale and texts per language', () => {
    const polyglot = write({
      rules: [
        rule({
          id: 'nudge',
          on: ['cart_viewed'],
          offer: {
            kind: 'banner',
            title: { en: '{user.firstName|Friend}, shipping is free', ru: '{user.firstName|Друг}, доставка бесплатна' },
            body: 'Total {event.total}',
            cta: { label: { en: 'Keep shopping', ru: 'Продолжить' }, href: '/catalog' },
          },
        }),
        rule({ id: 'plain', on: ['cart_viewed'], offer: { kind: 'inline', placement: 'side', title: 'One text' } }),
      ],
    })
    const run = (...args: string[]) => cli('simulate', polyglot, '--event', 'cart_viewed', '--props', '{"total":45}', ...AT, ...args)

    it('shows offers in English by default, and what each listed language gets under a rule with texts per language', async () => {
      const { code, out, err } = await run()
      expect([code, err]).toEqual([0, ''])
      expect(out).toContain(
        [
          '  fires  nudge: banner, priority 0',
          '      title  Friend, shipping is free',
          '      body   Total 45',
          '      cta    Keep shopping → /catalog',
          '      texts per language:',
          '      in en     Friend, shipping is free · Total 45 · Keep shopping',
          '      in ru     Друг, доставка бесплатна · Total 45 · Продолжить',
          '  fires  plain: inline side, priority 0',
          '      title  One text',
          'assumed:',
        ].join('\n'),
      )
    })

    it('shows the offer in the language --locale picks (ru-RU → ru; de → en)', async () => {
      expect((await run('--locale', 'ru-RU')).out).toContain('      title  Друг, доставка бесплатна\n      body   Total 45\n      cta    Продолжить → /catalog\n')
      expect((await run('--locale', 'de')).out).toContain('      title  Friend, shipping is free\n')
      const json = JSON.parse((await run('--locale', 'ru', '--json')).out)
      expect(json.context.device.locale).toBe('ru')
      expect(json.rules[0].offer).toEqual({ kind: 'banner', title: 'Друг, доставка бесплатна', body: 'Total 45', cta: { label: 'Продолжить', href: '/catalog' } })
      expect(json.rules[0].languages).toEqual([
        { locale: 'en', title: 'Friend, shipping is free', body: 'Total 45', cta: 'Keep shopping' },
        { locale: 'ru', title: 'Друг, доставка бесплатна', body: 'Total 45', cta: 'Продолжить' },
      ])
      expect(json.rules[1].languages).toBeUndefined()
    })

    it('refuses a --locale that is not a language tag', async () => {
      const { code, err } = await run('--locale', 'russian language')
      expect(code).toBe(2)
      expect(err).toContain('simulate: --locale is not a language tag: "russian language" (e.g. en, ru-RU)')
    })
  })

  it('names the condition path that is not met, with its value', async () => {
    const { out } = await cli('simulate', file, '--event', 'cart_viewed', '--props', '{"total":30}', ...returning, ...AT)
    expect(out).toContain('  no     nudge: condition not met: event.total (event.total is 30)')
    expect(out).toContain('  fires  lower: toast, priority 1')
  })

  it('decides a first visit unless --context says otherwise', async () => {
    const { out } = await cli('simulate', file, '--event', 'cart_viewed', '--props', '{"total":45}', ...AT)
    expect(out).toContain('nudge: condition not met: visit.returning (visit.returning is false)')
  })

  it('reports disabled, scheduled and ended rules with the SDK reasons', async () => {
    const { out } = await cli('simulate', file, '--event', 'cart_viewed', ...AT)
    expect(out).toContain('  no     off: disabled')
    expect(out).toContain('  no     later: scheduled from 2027-01-01T00:00:00Z')
    expect(out).toContain('  no     past: ended 2020-01-01T00:00:00Z')
  })

  it('reports a rollout as a share of visitors without --id', async () => {
    const { out } = await cli('simulate', file, '--event', 'cart_viewed', ...AT)
    expect(out).toContain('  fires  slot: inline side, priority 0, for 50% of visitors (rollout 0.5;')
  })

  it("lets the visitor's bucket decide a rollout with --id", async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `visitor-${i}`)
    const inside = ids.find((id) => bucket(id, 'slot') < 0.5)!
    const outside = ids.find((id) => bucket(id, 'slot') >= 0.5)!
    const yes = await cli('simulate', file, '--event', 'cart_viewed', '--id', inside, ...AT)
    expect(yes.out).toContain(`  fires  slot: inline side, priority 0, for visitor "${inside}" (bucket ${bucket(inside, 'slot')} is inside rollout 0.5)`)
    const no = await cli('simulate', file, '--event', 'cart_viewed', '--id', outside, ...AT)
    expect(no.out).toContain(`  no     slot: held out by rollout 0.5 (bucket ${bucket(outside, 'slot')} for visitor "${outside}")`)
  })

  it('sets order.status for an order:<status> trigger', async () => {
    const { out } = await cli('simulate', file, '--event', 'order:delivered', ...AT)
    expect(out).toContain('  fires  delivered: toast, priority 0')
  })

  it('sets place.id for a place:<id> trigger, and takes it from --context for any other (issue 18)', async () => {
    const places = write({
      places: [{ id: 'store-tverskaya', lat: 55.7652, lng: 37.6056, radius: 150 }],
      rules: [
        { id: 'coffee', on: ['place:store-tverskaya'], if: { 'place.id': 'store-tverskaya' }, offer: { kind: 'toast', title: 'Кофе в подарок' } },
        { id: 'in-store-cart', on: ['cart_viewed'], if: { 'place.id': { $exists: true, $ne: null } }, offer: { kind: 'toast', title: 'Заберите здесь' } },
      ],
    })
    expect((await cli('simulate', places, '--event', 'place:store-tverskaya', ...AT)).out).toContain('  fires  coffee: toast')
    expect((await cli('simulate', places, '--event', 'cart_viewed', ...AT)).out).toContain('  no     in-store-cart: condition not met: place.id')
    const there = await cli('simulate', places, '--event', 'cart_viewed', '--context', '{"place":{"id":"store-tverskaya"}}', ...AT)
    expect(there.out).toContain('  fires  in-store-cart: toast')
  })

  it('summarises the rules that do not listen on one line and states its assumptions', async () => {
    const { out } = await cli('simulate', file, '--event', 'order:delivered', ...AT)
    expect(out).toContain('not listening to order:delivered: nudge, lower, off, later, past, slot, other\n')
    expect(out).toContain('assumed: no earlier impressions')
  })

  it('prints a machine-readable object with --json', async () => {
    const { code, out } = await cli('simulate', file, '--event', 'cart_viewed', '--props', '{"total":45}', ...returning, ...AT, '--json')
    expect(code).toBe(0)
    const result = JSON.parse(out)
    expect(result).toMatchObject({ file, version: 'sim-1', event: 'cart_viewed', at: '2026-11-23T10:00:00.000Z', anonymousId: null })
    expect(result.rules.map((r: { rule: string; fires: boolean; reason: string }) => [r.rule, r.fires, r.reason])).toEqual([
      ['nudge', true, 'fires'],
      ['lower', false, 'outranked by "nudge"'],
      ['off', false, 'disabled'],
      ['later', false, 'scheduled from 2027-01-01T00:00:00Z'],
      ['past', false, 'ended 2020-01-01T00:00:00Z'],
      ['slot', true, 'fires'],
    ])
    expect(result.rules[0].offer).toEqual({ ...SIMULATED.rules[0].offer, title: 'Анна, shipping is free', body: 'Total 45' })
    expect(result.rules[5].rollout).toBe(0.5)
    expect(result.notListening).toEqual(['delivered', 'other'])
    expect(result.context).toMatchObject({ event: { total: 45 }, visit: { count: 1, returning: true }, journey: { counts: { cart_viewed: 1 } } })
  })

  it('exits 1 with the errors of an invalid playbook', async () => {
    const { code, err } = await cli('simulate', write({ rules: [rule({ on: [] })] }), '--event', 'x')
    expect([code, err]).toEqual([1, 'rules[0].on: must be an array of event names (rule "r")'])
  })

  it.each([
    [['--props', '{total:1}'], '--props is not valid JSON'],
    [['--context', '[1'], '--context is not valid JSON'],
    [['--context', '[1]'], '--context must be a JSON object'],
    [['--at', 'someday'], '--at is not a date'],
    // the playbook's own date rules: a day that exists, a time with its offset
    [['--at', '2026-11-31'], '--at is not a date: "2026-11-31" (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)'],
    [['--at', '2026-11-23T10:00:00'], '--at is not a date: "2026-11-23T10:00:00"'],
    [['--colour', 'red'], 'unknown flag --colour'],
  ])('exits 2 for a usage error: %j', async (extra, message) => {
    const { code, err } = await cli('simulate', file, '--event', 'x', ...extra)
    expect(code).toBe(2)
    expect(err).toContain(`simulate: ${message}`)
  })

  it('exits 2 without --event or FILE', async () => {
    expect(await cli('simulate', file)).toMatchObject({ code: 2, err: expect.stringContaining('missing --event NAME') })
    expect(await cli('simulate', '--event', 'x')).toMatchObject({ code: 2, err: expect.stringContaining('missing FILE') })
  })
})

describe('waymark keygen', () => {
  it('prints a PEM private key and a base64 SPKI public key that WebCrypto imports', async () => {
    const { code, out } = await cli('keygen')
    expect(code).toBe(0)
    const lines = out.split('\n')
    const pem = out.slice(out.indexOf('-----BEGIN PRIVATE KEY-----'), out.indexOf('-----END PRIVATE KEY-----') + 25)
    expect(pem).toMatch(/^-----BEGIN PRIVATE KEY-----\n[\s\S]+\n-----END PRIVATE KEY-----$/)
    const spki = lines[lines.indexOf(PUBLIC_KEY_LABEL) + 1]
    expect(spki).toMatch(/^[A-Za-z0-9+/]+=*$/)
    const key = await importSpki(spki)
    expect(key.algorithm).toMatchObject({ name: 'ECDSA', namedCurve: 'P-256' })
    // The two halves belong together.
    expect(createPublicKey(pem).export({ type: 'spki', format: 'der' }).toString('base64')).toBe(spki)
  })

  it('writes PREFIX.pem (mode 0600) and PREFIX.pub with --out, and never overwrites them', async () => {
    const { pem, pub, spki } = await keys('site')
    expect(statSync(join(dir, pem)).mode & 0o777).toBe(0o600)
    expect(readFileSync(join(dir, pub), 'utf8').trim()).toBe(spki)
    const again = await cli('keygen', '--out', 'site')
    expect(again.code).toBe(1)
    expect(again.err).toContain('site.pem: already exists, not overwritten')
  })
})

describe('waymark sign', () => {
  it('prints an envelope that WebCrypto verifies, and a flipped byte does not', async () => {
    const { pem, spki } = await keys()
    const env = await signed(SERVER_PLAYBOOK, pem)
    expect(Object.keys(env)).toEqual(['payload', 'signature'])
    expect(env.payload).toBe(JSON.stringify(JSON.parse(readFileSync(SERVER_PLAYBOOK, 'utf8'))))
    expect(env.signature).toMatch(/^[A-Za-z0-9+/]{86}==$/) // 64 bytes, standard padded base64
    expect(await verifies(spki, env)).toBe(true)
    expect(await verifies(spki, { ...env, payload: env.payload.replace('€50', '€60') })).toBe(false)
    const sig = Buffer.from(env.signature, 'base64')
    sig[10] ^= 1
    expect(await verifies(spki, { ...env, signature: sig.toString('base64') })).toBe(false)
  })

  it('refuses to sign an invalid playbook, printing its errors', async () => {
    const { pem } = await keys()
    const { code, out, err } = await cli('sign', write({ rules: [rule({ rollout: 2 })] }), '--key', pem)
    expect([code, out, err]).toEqual([1, '', 'rules[0].rollout: must be a number from 0 to 1 (rule "r")'])
  })

  it('refuses keys that are not ECDSA P-256', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    const p384 = generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string
    expect(await cli('sign', SERVER_PLAYBOOK, '--key', write(rsa, 'rsa.pem'))).toMatchObject({ code: 1, err: expect.stringContaining('not an ECDSA P-256 key (got RSA)') })
    expect(await cli('sign', SERVER_PLAYBOOK, '--key', write(p384, 'p384.pem'))).toMatchObject({ code: 1, err: expect.stringContaining('(got EC secp384r1)') })
    expect(await cli('sign', SERVER_PLAYBOOK, '--key', write('hello', 'junk.pem'))).toMatchObject({ code: 1, err: 'junk.pem: not a PEM private key' })
  })

  it('refuses to sign an envelope again', async () => {
    const { pem } = await keys()
    const { code, err } = await cli('sign', write(await signed(SERVER_PLAYBOOK, pem)), '--key', pem)
    expect(code).toBe(1)
    expect(err).toContain('already a signed envelope')
  })

  it('exits 2 without --key', async () => {
    expect(await cli('sign', SERVER_PLAYBOOK)).toMatchObject({ code: 2, err: expect.stringContaining('sign: missing --key') })
  })

  it('refuses to sign a playbook without a version (devices would refuse it)', async () => {
    const { pem } = await keys()
    const { code, out, err } = await cli('sign', write({ rules: [rule()] }), '--key', pem)
    expect([code, out]).toEqual([1, ''])
    expect(err).toMatch(/^file-\d+\.json: no version; a signed playbook must carry one .*"version": "2026-11-25\.1"$/)
  })

  it('--expires 30d puts expires, 30 days ahead in UTC, in the signed payload', async () => {
    const { pem, spki } = await keys()
    const before = Date.now()
    const { code, out, err } = await cli('sign', SERVER_PLAYBOOK, '--key', pem, '--expires', '30d')
    expect([code, err]).toEqual([0, ''])
    const env = JSON.parse(out)
    const { expires, ...rest } = JSON.parse(env.payload)
    expect(expires).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
    expect(Date.parse(expires) - before).toBeGreaterThan(30 * 864e5 - 2000)
    expect(Date.parse(expires) - Date.now()).toBeLessThanOrEqual(30 * 864e5)
    expect(rest).toEqual(JSON.parse(readFileSync(SERVER_PLAYBOOK, 'utf8')))
    expect(await verifies(spki, env)).toBe(true)
    expect(validatePlaybook(JSON.parse(env.payload)).ok).toBe(true)
  })

  it('--expires takes hours and ISO 8601 dates, and replaces the file\'s own expires', async () => {
    const { pem } = await keys()
    const expiresOf = async (...args: string[]) => JSON.parse(JSON.parse((await cli('sign', ...args)).out).payload).expires
    const file = write({ version: '1', expires: '2999-01-01' })
    expect(Date.parse(await expiresOf(file, '--key', pem, '--expires', '12h')) - Date.now()).toBeGreaterThan(12 * 36e5 - 2000)
    expect(await expiresOf(file, '--key', pem, '--expires', '2999-12-31')).toBe('2999-12-31T23:59:59Z')
    expect(await expiresOf(file, '--key', pem, '--expires', '2999-12-31T12:00:00+03:00')).toBe('2999-12-31T09:00:00Z')
    expect(await expiresOf(file, '--key', pem)).toBe('2999-01-01')
  })

  it.each(['soon', '30', '30m', '-1d', '0d', '1.5d', '2020-01-01', '2999-02-30', '2999-12-31T12:00:00', '99999999999d'])('refuses --expires %j (exit 2)', async (value) => {
    const { pem } = await keys()
    const { code, out, err } = await cli('sign', SERVER_PLAYBOOK, '--key', pem, `--expires=${value}`) // = lets "-1d" through as a value
    expect([code, out]).toEqual([2, ''])
    expect(err).toContain(`sign: --expires must be a time ahead, such as 30d, 12h or an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ); got ${JSON.stringify(value)}`)
  })

  it('refuses to sign a playbook whose own expires has passed', async () => {
    const { pem } = await keys()
    const { code, err } = await cli('sign', write({ version: '1', expires: '2020-01-01T00:00:00Z' }), '--key', pem)
    expect(code).toBe(1)
    expect(err).toMatch(/expired at 2020-01-01T00:00:00Z; pass --expires to set a new expiry$/)
  })
})

describe('help, version and usage errors', () => {
  it.each([[[]], [['help']], [['--help']], [['validate', '--help']]])('prints the usage for %j', async (argv) => {
    expect(await cli(...argv)).toEqual({ code: 0, out: USAGE, err: '' })
  })

  it("prints package.json's version", async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'))
    expect(await cli('--version')).toEqual({ code: 0, out: version, err: '' })
  })

  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['validate'], 'validate: missing FILE'],
    [['validate', 'a.json', 'b.json'], 'validate: unexpected argument "b.json"'],
    [['validate', 'a.json', '--strict'], 'validate: unknown flag --strict'],
    [['validate', 'a.json', '--public-key'], 'validate: --public-key needs a value'],
    [['keygen', 'extra'], 'keygen: unexpected argument "extra"'],
  ])('exits 2 for %j', async (argv, message) => {
    const { code, out, err } = await cli(...argv)
    expect([code, out]).toEqual([2, ''])
    expect(err).toContain(message)
    expect(err).not.toMatch(/\n\s+at /) // no stack trace
  })
})
