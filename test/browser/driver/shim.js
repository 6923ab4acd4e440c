// The in-page half of the engine-neutral driver. The test origin (origin.mjs) puts this
// script first in <head> of every HTML page it serves, with the page's CSP nonce, followed by
// `__t.init(config)`. Classic WebDriver (WebKit) has no init scripts, no page-error events and
// no network emulation, so everything the tests need of that kind lives here, the same in
// every engine: error and console capture, a shifted clock, the offline flag, the context's
// init scripts, and element lookup through open shadow roots.
/* eslint-disable no-var */
(function () {
  'use strict'
  if (window.__t) return
  var RealDate = Date
  var report = function (kind, text) {
    t.reports.push({ kind: kind, text: text })
    try {
      // Not keepalive: a report must not take the SDK's page-hide budget.
      fetch('/__t/report', { method: 'POST', body: JSON.stringify({ kind: kind, text: text, url: location.href }) })
    } catch (e) { /* the report stays in t.reports */ }
  }
  var show = function (v) {
    if (v instanceof Error) return String(v)
    if (typeof v === 'string') return v
    try { return JSON.stringify(v) } catch (e) { return String(v) }
  }
  var t = window.__t = {
    reports: [],
    offline: false,
    /** Applies the context's settings; runs before any page script. */
    init: function (config) {
      if (config.clockOffset) t.shiftClock(config.clockOffset)
      if (config.offline) t.setOffline(true, true)
    },
    /** Date (not performance.now) runs `ms` ahead from now on, like a device whose clock is later. */
    shiftClock: function (ms) {
      var now = function () { return RealDate.now() + ms }
      var Shifted = new Proxy(RealDate, {
        construct: function (target, args, newTarget) {
          return args.length ? Reflect.construct(target, args, newTarget) : Reflect.construct(target, [now()], newTarget)
        },
        apply: function () { return new RealDate(now()).toString() },
        get: function (target, key) { return key === 'now' ? now : target[key] },
      })
      window.Date = Shifted
    },
    /** The offline flag as the page sees it; the test origin refuses the requests themselves. */
    setOffline: function (offline, quiet) {
      t.offline = offline
      if (!quiet) window.dispatchEvent(new Event(offline ? 'offline' : 'online'))
    },
    /** Every element matching `css` in the document and in every open shadow root. */
    all: function (css, root) {
      var out = []
      var walk = function (node) {
        if (node.querySelectorAll) out.push.apply(out, node.querySelectorAll(css))
        var all = node.querySelectorAll ? node.querySelectorAll('*') : []
        for (var i = 0; i < all.length; i++) if (all[i].shadowRoot) walk(all[i].shadowRoot)
      }
      walk(root || document)
      return out
    },
    /** The role an element has, explicit or implied by its tag (the few the tests use). */
    role: function (el) {
      var r = el.getAttribute('role')
      if (r) return r
      var tag = el.localName
      if (tag === 'button') return 'button'
      if (tag === 'a' && el.hasAttribute('href')) return 'link'
      if (tag === 'nav') return 'navigation'
      if (tag === 'dialog') return 'dialog'
      return ''
    },
    /** The accessible name, the simple way: aria-label, aria-labelledby, else the text. */
    name: function (el) {
      var label = el.getAttribute('aria-label')
      if (label) return label.trim()
      var by = el.getAttribute('aria-labelledby')
      if (by) {
        var root = el.getRootNode()
        return by.split(/\s+/).map(function (id) {
          var ref = root.getElementById ? root.getElementById(id) : root.querySelector('#' + CSS.escape(id))
          return ref ? ref.textContent : ''
        }).join(' ').replace(/\s+/g, ' ').trim()
      }
      return (el.textContent || '').replace(/\s+/g, ' ').trim()
    },
    /**
     * Elements found by a spec: { css } or { role, name?, exact? }, narrowed by { text } (text
     * contained) and { within: spec } (inside the first match of another spec).
     */
    find: function (spec) {
      var root = spec.within ? t.find(spec.within)[0] : undefined
      if (spec.within && !root) return []
      var list = []
      ;(root ? [root.shadowRoot, root] : [document]).forEach(function (scope) {
        if (scope) list = list.concat(t.all(spec.css || '*', scope))
      })
      if (spec.role) {
        list = list.filter(function (el) {
          if (t.role(el) !== spec.role) return false
          if (spec.name === undefined) return true
          var n = t.name(el)
          return spec.exact ? n === spec.name : n.toLowerCase().indexOf(String(spec.name).toLowerCase()) >= 0
        })
      }
      if (spec.text !== undefined) list = list.filter(function (el) { return (el.textContent || '').indexOf(spec.text) >= 0 })
      return list.filter(function (el, i) { return list.indexOf(el) === i })
    },
    /** Whether an element takes up space and is not hidden by CSS. */
    visible: function (el) {
      if (!el || !el.isConnected) return false
      var r = el.getBoundingClientRect()
      if (!r.width || !r.height) return false
      for (var n = el; n; n = n.parentNode || n.host) {
        if (n.nodeType !== 1) continue
        var s = getComputedStyle(n)
        if (s.display === 'none' || s.visibility === 'hidden') return false
      }
      return true
    },
    /** The viewport point at the middle of an element, scrolled into view first. */
    center: function (el) {
      el.scrollIntoView({ block: 'center', inline: 'center' })
      var r = el.getBoundingClientRect()
      return { x: Math.round(r.left + r.width / 2), y: Math.round(r.top + r.height / 2) }
    },
    /**
     * Where a click would land on the element, once it is ready for one: its middle, if the
     * element has not moved over the last asks (no layout shift under the pointer) and nothing
     * covers that point (through open shadow roots). Null until then.
     */
    clickPoint: function (el) {
      var c = t.center(el)
      var key = c.x + ',' + c.y
      el.__tSame = el.__tAt === key ? (el.__tSame || 0) + 1 : 0
      el.__tAt = key
      if (el.__tSame < 2) return null // the same place three asks (about 0.1 s) in a row
      var n = document.elementFromPoint(c.x, c.y)
      while (n && n.shadowRoot) {
        var inner = n.shadowRoot.elementFromPoint(c.x, c.y)
        if (!inner || inner === n) break
        n = inner
      }
      for (; n; n = n.parentNode || n.host) if (n === el) return c
      return null
    },
    /** The element that has focus, looking into shadow roots. */
    active: function () {
      var el = document.activeElement
      while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement
      return el
    },
  }
  // navigator.onLine follows the flag: with the origin refusing requests, the page is offline.
  try {
    var desc = Object.getOwnPropertyDescriptor(Navigator.prototype, 'onLine')
    Object.defineProperty(Navigator.prototype, 'onLine', {
      configurable: true,
      get: function () { return t.offline ? false : desc.get.call(this) },
    })
  } catch (e) { /* left as the browser has it */ }
  window.addEventListener('error', function (e) { report('pageerror', e.error ? String(e.error) : String(e.message)) })
  window.addEventListener('unhandledrejection', function (e) { report('pageerror', 'Unhandled rejection: ' + show(e.reason)) })
  ;['error', 'warn'].forEach(function (level) {
    var original = console[level]
    console[level] = function () {
      report(level === 'error' ? 'console.error' : 'console.warn', Array.prototype.map.call(arguments, show).join(' '))
      return original.apply(console, arguments)
    }
  })
})()
