// WebKit (Safari's engine) as WebKitGTK's MiniBrowser, through WebKitWebDriver and a small
// W3C WebDriver client over fetch. MiniBrowser has no headless mode: it runs under Xvfb.
// Each WebKitWebDriver process accepts one session, and each session is its own browser
// with its own (ephemeral) storage: that is a context here. Closing a session's last window
// ends it, so every context keeps one blank window of its own open.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer } from 'node:net'

export const WEBKIT_DRIVER = process.env.WEBKIT_DRIVER || '/usr/bin/WebKitWebDriver'
export const MINIBROWSER = process.env.MINIBROWSER || '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser'
const XVFB = '/usr/bin/Xvfb'
const SESSION_MS = 12_000

/** Why WebKit cannot run here, or '' when it can. */
export function missing () {
  const need = [[WEBKIT_DRIVER, 'webkit2gtk-driver'], [MINIBROWSER, 'libwebkit2gtk-4.1-0'], [XVFB, 'xvfb']]
  const absent = need.filter(([file]) => !existsSync(file))
  return absent.length ? `WebKit needs ${absent.map(([f, p]) => `${f} (apt-get install -y ${p})`).join(', ')}` : ''
}

/**
 * Why this engine cannot emulate the device position. Classic WebDriver has no command for
 * it, and neither has WebKitWebDriver 2.50: no Set Permission (the Permissions spec's
 * `POST /session/{id}/permissions`) and no position override among its endpoints, no
 * capability for either (its only vendor one is `webkitgtk:browserOptions`: binary, args,
 * certificates, useOverlayScrollbars), and no MiniBrowser option. Left alone, a read under
 * automation turns the permission to 'denied' and never calls back.
 */
export const geolocationMissing = 'WebKitWebDriver (classic W3C WebDriver) has no geolocation emulation: no Set Permission endpoint (POST /session/{id}/permissions) and no position override, as a command or as a capability (its only vendor capability is webkitgtk:browserOptions)'

const freePort = () => new Promise((resolve, reject) => {
  const s = createServer()
  s.once('error', reject)
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)) })
})

/** Starts Xvfb; contexts are WebDriver sessions, each with its own WebKitWebDriver. */
export async function launch () {
  const xvfb = spawn(XVFB, ['-displayfd', '3', '-screen', '0', '1280x1024x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] })
  const display = await new Promise((resolve, reject) => {
    let out = ''
    xvfb.stdio[3].on('data', (d) => { out += d; if (out.includes('\n')) resolve(':' + out.trim()) })
    xvfb.once('exit', (code) => reject(new Error(`Xvfb exited with ${code}`)))
  })
  const contexts = new Set()
  return {
    version: 'WebKitGTK',
    async newContext () {
      // A MiniBrowser that does not come up (seen once in a CI run, a session never answered)
      // is given up after SESSION_MS and started again, once: a session normally takes ~1 s.
      const context = await openSession(display).catch((e) => {
        console.warn(`[webkit] ${e.message}; starting another`)
        return openSession(display)
      })
      contexts.add(context)
      return { ...context, close: () => (contexts.delete(context), context.close()) }
    },
    async close () {
      await Promise.all([...contexts].map((c) => c.close()))
      xvfb.kill()
    },
  }
}

async function openSession (display) {
  const port = await freePort()
  const driver = spawn(WEBKIT_DRIVER, [`--port=${port}`], {
    env: { ...process.env, DISPLAY: display, LANG: 'en_US.UTF-8', LANGUAGE: 'en_US' },
    stdio: 'ignore',
  })
  const base = `http://127.0.0.1:${port}`
  for (let i = 0; ; i++) {
    try { await fetch(base + '/status'); break } catch (e) {
      if (i > 200) throw new Error(`WebKitWebDriver did not start on port ${port}: ${e.message}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }
  const call = async (method, path, body, signal) => {
    const res = await fetch(base + path, {
      method,
      headers: { 'content-type': 'application/json' },
      body: method === 'POST' ? JSON.stringify(body || {}) : undefined,
      signal,
    })
    const { value } = await res.json()
    if (value && value.error) throw Object.assign(new Error(`WebDriver ${value.error}: ${value.message}`), { code: value.error })
    return value
  }
  const { sessionId, capabilities } = await call('POST', '/session', {
    capabilities: {
      alwaysMatch: {
        browserName: 'MiniBrowser',
        'webkitgtk:browserOptions': { binary: MINIBROWSER, args: ['--automation'] },
      },
    },
  }, AbortSignal.timeout(SESSION_MS)).catch((e) => {
    driver.kill()
    throw new Error(`no WebKit session within ${SESSION_MS} ms (${e.name}: ${e.message})`)
  })
  const s = (method, path, body) => call(method, `/session/${sessionId}${path}`, body)
  await s('POST', '/timeouts', { script: 120_000, pageLoad: 60_000 })
  const keeper = await s('GET', '/window')

  // One command at a time per session, each in its own window: WebDriver has one current window.
  let queue = Promise.resolve()
  let current = keeper
  const inWindow = (handle, fn) => {
    const run = queue.then(async () => {
      if (current !== handle) {
        await s('POST', '/window', { handle })
        current = handle
      }
      return fn()
    })
    queue = run.catch(() => {})
    return run
  }

  const page = (handle) => ({
    goto: (url) => inWindow(handle, () => s('POST', '/url', { url })),
    reload: () => inWindow(handle, () => s('POST', '/refresh')),
    url: () => inWindow(handle, () => s('GET', '/url')),
    evaluate: (fn, arg) => inWindow(handle, async () => {
      // Serialised in the page, so the result is what JSON makes of it, as in the other engines.
      const script = `var done = arguments[1];
        Promise.resolve(arguments[0]).then(${fn})
          .then(function (v) { done({ j: v === undefined ? undefined : JSON.stringify(v) }) },
                function (e) { done({ e: String(e && e.stack || e) }) })`
      const r = await s('POST', '/execute/async', { script, args: [arg === undefined ? null : arg] })
      if (r && r.e) throw new Error(`in the page: ${r.e}`)
      return r && typeof r.j === 'string' ? JSON.parse(r.j) : undefined
    }),
    press: (key) => inWindow(handle, () => keys(s, key)),
    click: (x, y) => inWindow(handle, () => s('POST', '/actions', {
      actions: [{
        type: 'pointer', id: 'mouse', parameters: { pointerType: 'mouse' },
        actions: [
          { type: 'pointerMove', x, y, origin: 'viewport', duration: 0 },
          { type: 'pointerDown', button: 0 },
          { type: 'pointerUp', button: 0 },
        ],
      }],
    })),
    close: () => inWindow(handle, async () => {
      await s('DELETE', '/window')
      await s('POST', '/window', { handle: keeper })
      current = keeper
    }),
  })

  return {
    version: capabilities.browserVersion,
    async newPage () {
      const { handle } = await inWindow(current, () => s('POST', '/window/new', { type: 'window' }))
      return page(handle)
    },
    async close () {
      await queue
      await call('DELETE', `/session/${sessionId}`).catch(() => {})
      driver.kill()
    },
  }
}

// WebDriver's key codes for the keys the tests press.
const KEYS = { Tab: '\uE004', Enter: '\uE007', Escape: '\uE00C', Shift: '\uE008' }

function keys (s, combo) {
  const parts = combo.split('+').map((k) => KEYS[k] || k)
  const main = parts.pop()
  const actions = [
    ...parts.map((k) => ({ type: 'keyDown', value: k })),
    { type: 'keyDown', value: main }, { type: 'keyUp', value: main },
    ...parts.reverse().map((k) => ({ type: 'keyUp', value: k })),
  ]
  return s('POST', '/actions', { actions: [{ type: 'key', id: 'keyboard', actions }] })
}
