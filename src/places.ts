/**
 * Places: an offer as the customer crosses the shop's threshold, decided on the device. The
 * position is read only when the page already has permission (or `locate()` asks for it),
 * compared with the playbook's places here, and dropped: only place ids leave this module.
 * Coordinates are never stored, sent, put in an event, given to a template or logged.
 */
import type { Place } from './types'
import { hidden, onShown } from './visibility'

/** Entering a place within this long of last being inside it does not fire again. */
export const REENTRY_MS = 30 * 60_000
/** A position read that has not answered by then (a prompt left open included) is a timeout. */
export const READ_MS = 30_000

/** Leaving needs a fix this far beyond the radius: a fix jittering at the edge neither leaves nor re-enters. */
export const leaveMargin = (radius: number): number => Math.max(25, radius / 5)

/** Great-circle distance in metres between two points in degrees (haversine, mean Earth radius). */
export function distance(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const r = Math.PI / 180
  const h = Math.sin(((lat2 - lat1) * r) / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(((lng2 - lng1) * r) / 2) ** 2
  return 12_742_000 * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** What the places need from the instance. */
export interface PlacesDeps {
  /** Whether a position may be read at all (consent not denied). */
  allowed(): boolean
  /** When the visitor was last known inside each place (epoch ms), kept with the visitor. */
  seen(): Record<string, number>
  /**
   * The visitor is inside place `id` now (to be noted in `seen`); `entered`: they came in, and
   * had not been inside it in the last 30 minutes (fire `place:<id>`).
   */
  inside(id: string, entered: boolean): void
  fail(message: string): void
  log(...args: unknown[]): void
}

/** The places of one instance. */
export interface Places {
  /** Takes the playbook's places (once per playbook) and checks the position if it may. */
  use(places: Place[] | undefined): void
  /** Reads the position now, asking for permission if need be; the place id, or null. */
  locate(): Promise<string | null>
  /** The place the visitor is at, or null. */
  current(): string | null
  stop(): void
}

type Fix = { lat: number; lng: number; accuracy: number }

/** Creates the places of an instance; nothing is read until a playbook with places is used. */
export function createPlaces(d: PlacesDeps): Places {
  let list: Place[] = []
  let at: string | null = null
  let reported = false
  let refused = false // permission denied: no more automatic reads on this page
  const geo = (): Geolocation | undefined => (typeof navigator == 'object' && navigator.geolocation) || undefined

  // Whether the page may read the position without a prompt. Without the Permissions API
  // (Safari before 16) it cannot know, so it waits for locate().
  const granted = async (): Promise<boolean> => {
    try {
      return (await navigator.permissions.query({ name: 'geolocation' })).state == 'granted'
    } catch {
      return false
    }
  }

  // One failure is reported per page: a denied permission or a device without a fix must not
  // fill the console on every visibility change.
  const report = (e: GeolocationPositionError): void => {
    if (e.code == 1) refused = true
    if (!reported) (reported = true), d.fail(`position: ${e.code == 1 ? 'permission denied' : e.code == 3 ? 'timed out' : 'unavailable'}`)
  }

  // A read resolves the place (null when it failed). `fresh`: locate() wants where the visitor
  // is now, not a fix the browser kept from a minute ago. A prompt left open or a browser that
  // never calls back must not leave locate() pending: after READ_MS it counts as a timeout,
  // and a fix that still comes later is judged all the same.
  const read = (fresh?: boolean): Promise<string | null> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve((report({ code: 3 } as GeolocationPositionError), null)), READ_MS)
      geo()!.getCurrentPosition(
        ({ coords: c }) => (clearTimeout(timer), resolve(judge({ lat: c.latitude, lng: c.longitude, accuracy: c.accuracy }))),
        (e) => (clearTimeout(timer), resolve((report(e), null))),
        { maximumAge: fresh ? 0 : 15_000, timeout: READ_MS },
      )
    })

  // Where the fix puts the visitor. A fix coarser than a place's radius says nothing about that
  // place; the place the visitor is at is left only beyond the margin; the nearest place wins.
  const judge = (fix: Fix): string | null => {
    let best: string | null = null
    let nearest = Infinity
    let kept = false
    for (const p of list) {
      if (fix.accuracy > p.radius) {
        kept ||= p.id == at
        continue
      }
      const m = distance(fix.lat, fix.lng, p.lat, p.lng)
      if (m <= p.radius + (p.id == at ? leaveMargin(p.radius) : 0) && m < nearest) (best = p.id), (nearest = m)
    }
    if (!best && kept) return at
    const before = at
    at = best
    const last = best && d.seen()[best]
    if (best) d.inside(best, best != before && !(Date.now() - (last as number) < REENTRY_MS)) // never inside: NaN, enters
    d.log('place', best)
    return best
  }

  const check = async (): Promise<void> => {
    if (list.length && !refused && !hidden() && d.allowed() && geo() && (await granted())) await read()
  }
  const unlisten = onShown(() => void check())

  return {
    use(places) {
      list = places || []
      if (!list.some((p) => p.id == at)) at = null
      void check()
    },
    async locate() {
      return list.length && d.allowed() && geo() ? read(true) : null
    },
    current: () => at,
    stop: unlisten,
  }
}
